/**
 * The attribution windows and eligibility, on PGlite and PostgreSQL, on a hand-built case:
 * the prospective window (the 12 months ending September 30 of the year before) and the
 * retrospective one (the year) disagree about the same member; eligibility needs months of
 * coverage in the window (`minCoverageMonths`, default 1; a month counts when covered on its
 * first day).
 */
import { aClaim, aLine, CONTRACT, MEMBER, PAYER, PLAN, PROVIDER } from '@tandem/core/testing';
import { makeNpi } from '@tandem/core';
import { addContractTerms, insertMembers } from '@tandem/store';
import { write837 } from '@tandem/x12';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from '../exchange/claim-to-837.ts';
import { createTestApp, MEMBER_2, PROVIDER_2, type TestApp } from '../testing/test-app.ts';
import { runAttribution } from './run-attribution.ts';
import { systemContext } from './seed-demo.ts';

const PCP = makeNpi('112345678'); // pr-1, Riverside's family physician
/** Covered only from December 15: no month of 2026 is covered on its first day. */
const MEMBER_3 = { ...MEMBER_2, key: 'mem-3', memberId: 'TM000003', subscriberKey: 'mem-3', firstName: 'Katherine', lastName: 'Johnson' };

describe(`attribution windows and eligibility on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestApp;
  const ctx = systemContext(PAYER.id);
  beforeAll(async () => {
    t = await createTestApp();
    // MEMBER was covered in 2025 too (the test app covers 2026).
    await t.deps.store.db.insertInto('coverage').values({ id: 'cov-1-2025', member_key: MEMBER.key, subscriber_key: MEMBER.key, plan_id: PLAN.id, effective_from: '2025-01-01', effective_to: '2025-12-31' }).execute();
    await insertMembers(t.deps.store.db, [MEMBER_3], [{ id: 'cov-3', memberKey: MEMBER_3.key, subscriberKey: MEMBER_3.key, planId: PLAN.id, effectiveFrom: '2026-12-15', effectiveTo: '2026-12-31' }]);
    const send = async (user: string, provider: typeof PROVIDER, claims: ReturnType<typeof aClaim>[], control: number) => {
      const text = write837(claims.map((c) => claim837From(c, { payer: PAYER, provider, member: MEMBER })), { kind: 'professional', senderId: 'S', receiverId: 'TANDEM', interchangeControlNumber: control, date: new Date('2026-06-01T10:00:00Z') });
      const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { authorization: `Bearer ${await t.login(user)}`, 'content-type': 'application/edi-x12' }, payload: text });
      expect(res.headers['x-tandem-accepted']).toBe('true');
    };
    const visit = (pcn: string, code: string, date: string, rendering?: string) => aClaim({ patientControlNumber: pcn, ...(rendering ? { renderingNpi: rendering } : {}), lines: [aLine({ procedureCode: code, serviceDateFrom: date, serviceDateTo: date })] });
    const lakeside = { billingNpi: PROVIDER_2.npi, billingTin: PROVIDER_2.tin, billingName: PROVIDER_2.name };
    // In the prospective window (2024-10-01 … 2025-09-30): a Lakeside visit with no known primary care practitioner (step 2).
    await send('lakeside.billing', PROVIDER_2, [{ ...visit('P-1', '99213', '2025-03-10'), ...lakeside }], 21);
    // Just after it (October 2025, outside both windows) and in 2026: Riverside's family physician (step 1).
    await send('riverside.billing', PROVIDER, [visit('P-2', '99214', '2025-10-15', PCP), visit('P-3', '99214', '2026-03-02', PCP)], 22);
  });
  afterAll(async () => t?.close());

  it('prospective (12 months ending September 30 of the year before) and retrospective windows disagree on the same member', async () => {
    const prospective = await runAttribution(t.deps, ctx, { year: 2026, window: 'prospective' });
    // Only MEMBER had coverage then; only Lakeside's March visit is in the window — October's step-1 visit is not.
    expect(prospective).toMatchObject({ windowKind: 'prospective', windowFrom: '2024-10-01', windowTo: '2025-09-30', members: 1, byStep: { specialist: 1, 'primary-care-practitioner': 0, voluntary: 0, none: 0 } });
    const p = await t.deps.store.db.selectFrom('attribution').select(['org_id', 'step', 'explanation']).where('run_id', '=', prospective.id).where('member_key', '=', MEMBER.key).executeTakeFirstOrThrow();
    expect(p).toMatchObject({ org_id: PROVIDER_2.id, step: 'specialist' });
    expect((p.explanation as { services: Array<{ date: string }> }).services.map((s) => s.date)).toEqual(['2025-03-10']);

    const retrospective = await runAttribution(t.deps, ctx, { year: 2026 });
    expect(retrospective).toMatchObject({ windowKind: 'retrospective', windowFrom: '2026-01-01', windowTo: '2026-12-31' });
    const r = await t.deps.store.db.selectFrom('attribution').select(['org_id', 'step', 'explanation']).where('run_id', '=', retrospective.id).where('member_key', '=', MEMBER.key).executeTakeFirstOrThrow();
    expect(r).toMatchObject({ org_id: PROVIDER.id, step: 'primary-care-practitioner' });
    expect((r.explanation as { services: Array<{ date: string }> }).services.map((s) => s.date)).toEqual(['2026-03-02']);
    // Each window compares with its own previous run: both rosters are new.
    expect(retrospective.changes.find((c) => c.memberKey === MEMBER.key)).toEqual({ memberKey: MEMBER.key, change: 'new', from: null, to: PROVIDER.id });
  });

  it('needs months of coverage in the window: one by default (a month covered on its first day), more when the terms say so', async () => {
    const eligible = async () => (await t.deps.store.db.selectFrom('attribution').select('member_key').where('run_id', '=', (await runAttribution(t.deps, ctx, { year: 2026 })).id).orderBy('member_key').execute()).map((r) => r.member_key);
    // MEMBER 12 months, MEMBER_2 3 (January–March); MEMBER_3's December 15–31 covers no month's first day.
    expect(await eligible()).toEqual([MEMBER.key, MEMBER_2.key]);
    await addContractTerms(t.deps.store.db, CONTRACT.id, '2026-01-01', { type: 'shared-savings', attribution: { minCoverageMonths: 3 } });
    expect(await eligible()).toEqual([MEMBER.key, MEMBER_2.key]);
    await addContractTerms(t.deps.store.db, CONTRACT.id, '2026-01-01', { type: 'shared-savings', attribution: { minCoverageMonths: 4 } });
    expect(await eligible()).toEqual([MEMBER.key]);
    await addContractTerms(t.deps.store.db, CONTRACT.id, '2026-01-01', { type: 'shared-savings', attribution: { minCoverageMonths: 0 } });
    await expect(runAttribution(t.deps, ctx, { year: 2026 })).rejects.toThrow(/ct-1 terms v3: attribution\.minCoverageMonths must be a whole number of months from 1 to 12/);
  });
});
