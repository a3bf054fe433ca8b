/**
 * Settling a shared-savings contract over stored claims, on PGlite and on PostgreSQL:
 * the statement is computed from the roster, member months and paid claims, stored with its
 * inputs, and the same inputs give byte-identical outputs; the stored run is a frozen
 * snapshot (claim set, risk and quality scores) that the database will not let change and
 * that replays byte for byte whatever happens to the live claims.
 */
import { aClaim, aLine, CONTRACT, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { makeNpi } from '@tandem/core';
import { addContractTerms } from '@tandem/store';
import { sql } from 'kysely';
import { write837 } from '@tandem/x12';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from '../exchange/claim-to-837.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { runAttribution } from './run-attribution.ts';
import { systemContext } from './seed-demo.ts';
import { settleContract } from './settle-contract.ts';
import { verifySettlement } from './verify-settlement.ts';

const TERMS = {
  type: 'shared-savings', track: 'one-sided', sharingRateBps: 5000, minimumSavingsRate: 0, savingsCapBps: 10000, qualityGateBps: 0, sequestrationBps: 0,
  benchmarkPmpmCents: 50_000, riskAdjust: false, truncationPercentileBps: 10000, runOutDays: 90, qualityBps: 10000,
};

describe(`contract settlement on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const token = await t.login('riverside.billing');
    const text = write837([claim837From(aClaim({ patientControlNumber: 'ST-1', renderingNpi: makeNpi('112345678'), lines: [aLine({ procedureCode: '99214', serviceDateFrom: '2026-03-02', serviceDateTo: '2026-03-02' })] }), { payer: PAYER, provider: PROVIDER, member: MEMBER })],
      { kind: 'professional', senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: 1, date: new Date('2026-06-01T10:00:00Z') });
    const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/edi-x12' }, payload: text });
    expect(res.headers['x-tandem-accepted']).toBe('true');
  });
  afterAll(async () => t?.close());

  it('explains what is missing, then settles from stored data and repeats byte for byte', async () => {
    const ctx = systemContext(PAYER.id);
    await expect(settleContract(t.deps, ctx, { contractId: CONTRACT.id, period: 2026 })).rejects.toThrow(/no value-based terms in effect in 2026/);
    await addContractTerms(t.deps.store.db, CONTRACT.id, '2026-01-01', TERMS);
    await expect(settleContract(t.deps, ctx, { contractId: CONTRACT.id, period: 2026 })).rejects.toThrow(/tandem attribute --year 2026/);
    await runAttribution(t.deps, ctx, { year: 2026 });

    const s = await settleContract(t.deps, ctx, { contractId: CONTRACT.id, period: 2026 });
    if (s.type !== 'shared-savings') throw new Error(`expected a shared-savings statement, got ${s.type}`);
    const paid = await t.deps.store.db.selectFrom('claim').select('paid_cents').where('member_key', '=', MEMBER.key).execute();
    const expenditure = paid.reduce((x, r) => x + Number(r.paid_cents), 0);
    expect(s.inputs).toMatchObject({ members: 1, memberMonths: 12, benchmarkCents: 600_000, expenditureCents: expenditure, expenditureByMember: { [MEMBER.key]: expenditure } });
    const gross = 600_000 - expenditure;
    expect(s.outputs.grossSavingsCents).toBe(gross);
    expect(s.outputs.paymentCents).toBe(Math.floor((gross * 5000 + 5000) / 10000));
    expect(s.outputs.waterfall.at(-1)).toMatchObject({ step: 'payment', amountCents: s.outputs.paymentCents });

    const again = await settleContract(t.deps, ctx, { contractId: CONTRACT.id, period: 2026 });
    expect(JSON.stringify(again.outputs)).toBe(JSON.stringify(s.outputs));
    expect(again.id).not.toBe(s.id);
    const stored = await t.deps.store.db.selectFrom('settlement_run').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
    expect(stored.terms_version).toBe(1);
    await expect(settleContract(t.deps, ctx, { contractId: 'nope', period: 2026 })).rejects.toThrow(/contract nope/);
  });

  it('shows the identical statement to the payer and to the provider over the API, and to nobody else', async () => {
    const [payer, riverside, lakeside] = await Promise.all([t.login('payer.admin'), t.login('riverside.billing'), t.login('lakeside.billing')]);
    const call = (token: string, method: 'GET' | 'POST', url: string, payload?: unknown) => t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
    expect((await call(riverside, 'POST', `/api/contracts/${CONTRACT.id}/settlements`, { period: 2026 })).statusCode).toBe(403);
    expect((await call(payer, 'POST', `/api/contracts/${CONTRACT.id}/settlements`, { period: 'last year' })).statusCode).toBe(400);
    const created = await call(payer, 'POST', `/api/contracts/${CONTRACT.id}/settlements`, { period: 2026 });
    expect(created.statusCode).toBe(200);
    const id = (created.json() as { id: string }).id;
    const asPayer = await call(payer, 'GET', `/api/settlements/${id}`);
    const asProvider = await call(riverside, 'GET', `/api/settlements/${id}`);
    expect(asPayer.statusCode).toBe(200);
    expect(asProvider.body).toBe(asPayer.body);
    expect((await call(lakeside, 'GET', `/api/settlements/${id}`)).statusCode).toBe(404);
    expect((await call(lakeside, 'GET', `/api/contracts/${CONTRACT.id}/settlements`)).statusCode).toBe(404);
    const mine = (await call(riverside, 'GET', '/api/contracts')).json() as { items: Array<{ id: string }> };
    expect(mine.items.map((c) => c.id)).toEqual([CONTRACT.id]);
    const list = (await call(riverside, 'GET', `/api/contracts/${CONTRACT.id}/settlements`)).json() as { items: Array<{ id: string; paymentCents: number }> };
    expect(list.items[0]!.id).toBe(id);
    const audits = await t.deps.store.db.selectFrom('audit_event').select(['actor', 'member_keys']).where('resource_type', '=', 'SettlementRun').where('action', '=', 'read').execute();
    expect(audits.length).toBe(2);
  });

  it('freezes the claim set and scores, refuses changes to a stored run, and replays it from the snapshot alone', async () => {
    const ctx = systemContext(PAYER.id);
    const db = t.deps.store.db;
    const s = await settleContract(t.deps, ctx, { contractId: CONTRACT.id, period: 2026 });
    if (s.type !== 'shared-savings') throw new Error(s.type);
    const claim = await db.selectFrom('claim').select(['id', 'paid_cents']).where('patient_control_number', '=', 'ST-1').executeTakeFirstOrThrow();
    const paid = Number(claim.paid_cents);
    expect(paid).toBeGreaterThan(100);
    // The snapshot: per member the claim ids with the paid cents counted; member months; scores (not risk-adjusted: none); quality and its source.
    expect(s.inputs).toMatchObject({ claims: { [MEMBER.key]: [[claim.id, paid]] }, memberMonthsByMember: { [MEMBER.key]: 12 }, riskScores: {}, riskRunId: null, quality: { source: 'terms', scoreBps: 10000 } });
    const first = await verifySettlement(t.deps, ctx, s.id);
    expect(first).toMatchObject({ id: s.id, identical: true, difference: null });
    expect(first.replayedSha256).toBe(first.storedSha256);

    // A correction moves $1.00 of the claim from the plan to the member: the live data changes, the run does not.
    await db.updateTable('claim').set({ paid_cents: sql`paid_cents - 100`, patient_resp_cents: sql`patient_resp_cents + 100` }).where('id', '=', claim.id).execute();
    const replay = await verifySettlement(t.deps, ctx, s.id);
    expect(replay).toMatchObject({ identical: true, storedSha256: first.storedSha256 });
    const fresh = await settleContract(t.deps, ctx, { contractId: CONTRACT.id, period: 2026 });
    if (fresh.type !== 'shared-savings') throw new Error(fresh.type);
    expect(fresh.inputs.claims[MEMBER.key]).toEqual([[claim.id, paid - 100]]);
    expect(fresh.inputs.expenditureCents).toBe(s.inputs.expenditureCents - 100);
    expect(JSON.stringify(fresh.outputs)).not.toBe(JSON.stringify(s.outputs));

    // Drill-down from the member to the claims uses the frozen claim set: $X counted then, $X − 1.00 paid now.
    const payer = await t.login('payer.admin');
    const riverside = await t.login('riverside.billing');
    const get = (token: string, url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    const drill = await get(riverside, `/api/settlements/${s.id}/members/${MEMBER.key}`);
    expect(drill.statusCode, drill.body).toBe(200);
    expect(drill.json()).toMatchObject({ memberKey: MEMBER.key, countedCents: paid, figure: paid, claims: [{ id: claim.id, countedCents: paid, paidNowCents: paid - 100, serviceDate: '2026-03-02' }] });
    expect((await get(payer, `/api/settlements/${s.id}/members/m-nobody`)).statusCode).toBe(404);
    expect((await get(await t.login('lakeside.billing'), `/api/settlements/${s.id}/members/${MEMBER.key}`)).statusCode).toBe(404);
    // The statement itself leaves the per-claim set out (it is served per member).
    expect(Object.keys((await get(payer, `/api/settlements/${s.id}`)).json().inputs)).not.toContain('claims');

    // Both parties verify over HTTP and get the same answer; anyone else gets 404.
    const asPayer = await get(payer, `/api/settlements/${s.id}/verify`);
    expect(asPayer.statusCode, asPayer.body).toBe(200);
    expect(asPayer.json()).toMatchObject({ identical: true });
    expect((await get(riverside, `/api/settlements/${s.id}/verify`)).body).toBe(asPayer.body);
    expect((await get(await t.login('lakeside.billing'), `/api/settlements/${s.id}/verify`)).statusCode).toBe(404);

    // The database refuses to change or remove a stored run.
    await expect(db.updateTable('settlement_run').set({ outputs: JSON.stringify({ paymentCents: 0 }) }).where('id', '=', s.id).execute()).rejects.toThrow(/settlement runs are immutable: UPDATE refused/);
    await expect(db.deleteFrom('settlement_run').where('id', '=', s.id).execute()).rejects.toThrow(/immutable: DELETE refused/);
    await expect(sql`truncate settlement_run`.execute(db)).rejects.toThrow(/immutable: TRUNCATE refused/);

    // Someone able to switch the trigger off (a database owner) edits the outputs: the replay names the first difference.
    await sql`alter table settlement_run disable trigger settlement_run_no_update_delete`.execute(db);
    await db.updateTable('settlement_run').set({ outputs: sql`jsonb_set(outputs, '{paymentCents}', '1')` }).where('id', '=', s.id).execute();
    await sql`alter table settlement_run enable trigger settlement_run_no_update_delete`.execute(db);
    const tampered = await verifySettlement(t.deps, ctx, s.id);
    expect(tampered).toMatchObject({ identical: false, difference: { path: 'outputs.paymentCents', stored: '1', replayed: String(s.outputs.paymentCents) } });
    expect(tampered.storedSha256).not.toBe(tampered.replayedSha256);
    await expect(verifySettlement(t.deps, ctx, 'settle-999999')).rejects.toThrow(/settlement settle-999999/);
  });
});
