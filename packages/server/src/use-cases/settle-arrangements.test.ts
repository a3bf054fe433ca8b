/**
 * Capitation and bundled-episode settlements over stored claims, on PGlite and PostgreSQL:
 * capitation from the roster's member months with its withhold; episodes anchored by the
 * contract's organization (HCPCS and MS-DRG triggers), spend from every provider in the
 * window, stop-gain; both stored with their inputs and repeatable byte for byte.
 */
import { aClaim, aLine, CONTRACT, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { makeNpi } from '@tandem/core';
import { addContractTerms, getSettlement, settlementMemberClaims } from '@tandem/store';
import { write837 } from '@tandem/x12';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from '../exchange/claim-to-837.ts';
import { createTestApp, MEMBER_2, PROVIDER_2, type TestApp } from '../testing/test-app.ts';
import { runAttribution } from './run-attribution.ts';
import { systemContext } from './seed-demo.ts';
import { parseTerms } from './contract-terms.ts';
import { settleContract } from './settle-contract.ts';
import { verifySettlement } from './verify-settlement.ts';

const PCP = makeNpi('112345678');
const ctx = systemContext(PAYER.id);

describe(`capitation and bundle settlements on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestApp;
  const paid = async (pcn: string) => Number((await t.deps.store.db.selectFrom('claim').select('paid_cents').where('patient_control_number', '=', pcn).executeTakeFirstOrThrow()).paid_cents);
  beforeAll(async () => {
    t = await createTestApp();
    const send = async (username: string, provider: typeof PROVIDER, claims: ReturnType<typeof aClaim>[], control: number) => {
      const text = write837(claims.map((c) => claim837From(c, { payer: PAYER, provider, member: c.memberId === MEMBER_2.memberId ? MEMBER_2 : MEMBER })), { kind: 'professional', senderId: 'S', receiverId: 'TANDEM', interchangeControlNumber: control, date: new Date('2026-08-01T10:00:00Z') });
      const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { authorization: `Bearer ${await t.login(username)}`, 'content-type': 'application/edi-x12' }, payload: text });
      expect(res.headers['x-tandem-accepted']).toBe('true');
    };
    const riverside = { billingNpi: PROVIDER.npi, billingTin: PROVIDER.tin, billingName: PROVIDER.name };
    await send('riverside.billing', PROVIDER, [
      aClaim({ ...riverside, patientControlNumber: 'KNEE', renderingNpi: PCP, lines: [aLine({ procedureCode: '27447', chargeCents: 2_500_000, serviceDateFrom: '2026-03-01', serviceDateTo: '2026-03-01' })] }),
      aClaim({ ...riverside, patientControlNumber: 'LATE', renderingNpi: PCP, lines: [aLine({ procedureCode: '99213', serviceDateFrom: '2026-07-15', serviceDateTo: '2026-07-15' })] }),
      aClaim({ ...riverside, patientControlNumber: 'M2', memberId: MEMBER_2.memberId, renderingNpi: PCP, lines: [aLine({ procedureCode: '99214', serviceDateFrom: '2026-02-10', serviceDateTo: '2026-02-10' })] }),
    ], 11);
    await send('lakeside.billing', PROVIDER_2, [
      aClaim({ billingNpi: PROVIDER_2.npi, billingTin: PROVIDER_2.tin, billingName: PROVIDER_2.name, patientControlNumber: 'REHAB', lines: [aLine({ procedureCode: '97110', serviceDateFrom: '2026-03-20', serviceDateTo: '2026-03-20' })] }),
    ], 12);
    // MEMBER_2's visit as an inpatient stay would carry MS-DRG 470 (837I HI*DR / imported claims).
    await t.deps.store.db.updateTable('claim').set({ drg_code: '470' }).where('patient_control_number', '=', 'M2').execute();
    await runAttribution(t.deps, ctx, { year: 2026 });
  });
  afterAll(async () => t?.close());

  it('settles capitation: PMPM × member months, withhold returned at the quality threshold', async () => {
    await addContractTerms(t.deps.store.db, CONTRACT.id, '2026-01-01', { type: 'capitation', pmpmCents: 5_000, riskAdjust: false, withholdBps: 200, withholdReturnQualityBps: 8000, qualityBps: 9000 });
    const s = await settleContract(t.deps, ctx, { contractId: CONTRACT.id, period: 2026 });
    if (s.type !== 'capitation') throw new Error(s.type);
    // MEMBER covered all 2026 (12 months), MEMBER_2 January–March (3).
    expect(s.inputs).toMatchObject({ members: 2, memberMonths: 15, memberMonthsByMember: { [MEMBER.key]: 12, [MEMBER_2.key]: 3 } });
    expect(s.outputs).toMatchObject({ grossCents: 75_000, withheldCents: 1_500, returnedCents: 1_500, paymentCents: 75_000 });
    const stored = await getSettlement(t.deps.store.db, ctx, s.id);
    expect(stored?.type).toBe('capitation');
    expect(stored?.members[MEMBER_2.key]?.memberId).toBe(MEMBER_2.memberId);
    expect(await verifySettlement(t.deps, ctx, s.id)).toMatchObject({ identical: true });
  });

  it('settles bundled episodes: own anchors only, every provider\'s claims in the window, discount and stop-gain', async () => {
    const terms = {
      type: 'bundles', windowDays: 90, discountBps: 300, stopGainBps: 2000, stopLossBps: 2000, qualityBps: 10000,
      triggers: [{ code: '27447', kind: 'hcpcs', targetPriceCents: 3_000_000, label: 'Major joint replacement' }, { code: '470', kind: 'ms-drg', targetPriceCents: 100_000 }],
    };
    await addContractTerms(t.deps.store.db, CONTRACT.id, '2026-01-01', terms);
    const s = await settleContract(t.deps, ctx, { contractId: CONTRACT.id, period: 2026 });
    if (s.type !== 'bundles') throw new Error(s.type);
    const [knee, rehab, m2] = await Promise.all([paid('KNEE'), paid('REHAB'), paid('M2')]);
    expect(s.outputs.episodes.map((e) => [e.memberKey, e.trigger.code, e.from, e.to, e.claims.length, e.actualCents])).toEqual([
      // The knee episode: Riverside's anchor plus Lakeside's rehab on day 20; the July visit is past day 90.
      [MEMBER.key, '27447', '2026-03-01', '2026-05-29', 2, knee + rehab],
      [MEMBER_2.key, '470', '2026-02-10', '2026-05-10', 1, m2],
    ]);
    const target = 2_910_000 + 97_000; // 3 % discount on each target
    expect(s.outputs.totalTargetCents).toBe(target);
    const gross = target - (knee + rehab + m2);
    expect(s.outputs.reconciliationCents).toBe(gross);
    const cap = Math.floor((target * 2000 + 5000) / 10000);
    expect(s.outputs.paymentCents).toBe(Math.max(Math.min(gross, cap), -cap));
    expect(s.inputs.expenditureByMember).toEqual({ [MEMBER.key]: knee + rehab, [MEMBER_2.key]: m2 });
    const again = await settleContract(t.deps, ctx, { contractId: CONTRACT.id, period: 2026 });
    expect(JSON.stringify(again.outputs)).toBe(JSON.stringify(s.outputs));
    // The frozen claim set: every claim read, with the anchor codes only on Riverside's own claims of the year.
    const id = async (pcn: string) => (await t.deps.store.db.selectFrom('claim').select('id').where('patient_control_number', '=', pcn).executeTakeFirstOrThrow()).id;
    const [kneeId, rehabId, lateId, m2Id] = await Promise.all(['KNEE', 'REHAB', 'LATE', 'M2'].map(id));
    expect(s.inputs.claims[MEMBER.key]).toEqual(expect.arrayContaining([[kneeId, '2026-03-01', knee, null, ['27447']], [rehabId, '2026-03-20', rehab]]));
    expect(s.inputs.claims[MEMBER.key]!.map((c) => c[0])).toContain(lateId);
    expect(s.inputs.claims[MEMBER_2.key]).toEqual([[m2Id, '2026-02-10', m2, '470', ['99214']]]);
    expect(await verifySettlement(t.deps, ctx, s.id)).toMatchObject({ identical: true, difference: null });
    // Lakeside anchors nothing under Riverside's contract, and has no contract terms of its own.
    await expect(settleContract(t.deps, ctx, { contractId: 'ct-2', period: 2026 })).rejects.toThrow(/no value-based terms/);
  });

  it('discloses in a bundles statement only the members with an episode, though it freezes every billed member\'s claims', async () => {
    // Only MS-DRG 470 opens an episode now: MEMBER's knee replacement is no trigger.
    await addContractTerms(t.deps.store.db, CONTRACT.id, '2026-01-01', {
      type: 'bundles', windowDays: 90, discountBps: 300, stopGainBps: 2000, stopLossBps: 2000, qualityBps: 10000, triggers: [{ code: '470', kind: 'ms-drg', targetPriceCents: 100_000 }],
    });
    const s = await settleContract(t.deps, ctx, { contractId: CONTRACT.id, period: 2026 });
    if (s.type !== 'bundles') throw new Error(s.type);
    expect(Object.keys(s.inputs.claims).sort()).toEqual([MEMBER.key, MEMBER_2.key].sort());
    expect(Object.keys(s.inputs.expenditureByMember)).toEqual([MEMBER_2.key]);
    const provider = { actor: 'riverside.billing', orgId: PROVIDER.id, orgKind: 'provider' as const, role: 'billing' as const, purpose: 'operations' as const };
    const stored = await getSettlement(t.deps.store.db, provider, s.id);
    expect(Object.keys(stored!.members)).toEqual([MEMBER_2.key]);
    expect(await settlementMemberClaims(t.deps.store.db, provider, s.id, MEMBER.key)).toBeNull();
    expect(await settlementMemberClaims(t.deps.store.db, provider, s.id, MEMBER_2.key)).not.toBeNull();
    const audit = await t.deps.store.db.selectFrom('audit_event').select('member_keys').where('resource_type', '=', 'SettlementRun').where('resource_id', '=', s.id).where('org_id', '=', PROVIDER.id).orderBy('id').executeTakeFirstOrThrow();
    expect(audit.member_keys).toEqual([MEMBER_2.key]);
  });

  it('names the first wrong field of capitation and bundle terms', () => {
    expect(() => parseTerms({ type: 'capitation', pmpmCents: 1.5 })).toThrow(/terms\.pmpmCents must be a whole number/);
    expect(() => parseTerms({ type: 'bundles', triggers: [{ code: '47', kind: 'ms-drg', targetPriceCents: 1 }] })).toThrow(/triggers\[0\]\.code must be a three-digit MS-DRG/);
    expect(() => parseTerms({ type: 'bundles', triggers: [] })).toThrow(/terms\.triggers must be a non-empty list/);
    expect(() => parseTerms({ type: 'fee-for-value' })).toThrow(/terms\.type must be 'shared-savings', 'capitation' or 'bundles'/);
  });
});
