/**
 * The value-based actions over HTTP, on PGlite and on PostgreSQL: attribution and risk runs
 * (payer staff; a provider gets 403), their lists, and a contract's terms versions (both
 * parties read the same JSON; the payer adds, checked exactly as `tandem contract terms`
 * checks) — then a settlement from what the API stored.
 */
import { aClaim, aLine, CONTRACT, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { makeNpi, type TandemError } from '@tandem/core';
import { write837 } from '@tandem/x12';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from '../exchange/claim-to-837.ts';
import { createTestApp, MEMBER_2, type TestApp } from '../testing/test-app.ts';
import { parseTerms } from '../use-cases/contract-terms.ts';

const TERMS = {
  type: 'shared-savings', track: 'one-sided', sharingRateBps: 5000, minimumSavingsRate: 0, savingsCapBps: 10000, qualityGateBps: 0, sequestrationBps: 0,
  benchmarkPmpmCents: 50_000, riskAdjust: true, truncationPercentileBps: 10000, runOutDays: 90, qualityBps: 10000,
};

interface Outcome { issue: Array<{ diagnostics: string }> }
const diagnostics = (body: unknown) => (body as Outcome).issue[0]!.diagnostics;

describe(`value-based actions over HTTP on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestApp;
  let payer: string;
  let riverside: string;
  let lakeside: string;
  const call = (token: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

  beforeAll(async () => {
    t = await createTestApp();
    // Medicare Advantage, so the risk run scores both members.
    await t.deps.store.db.updateTable('plan').set({ line_of_business: 'medicare_advantage' }).execute();
    [payer, riverside, lakeside] = await Promise.all([t.login('payer.admin'), t.login('riverside.billing'), t.login('lakeside.billing')]);
    // Office visits by Riverside's family physician (pr-1) for both members: MEMBER's a check-up (no HCC), MEMBER_2's with diabetes with complications and heart failure.
    const npi = makeNpi('112345678');
    const claims = [
      claim837From(aClaim({ patientControlNumber: 'VA-1', renderingNpi: npi, diagnoses: [{ qualifier: 'ABK', code: 'Z0000' }], lines: [aLine({ procedureCode: '99214', serviceDateFrom: '2026-03-02', serviceDateTo: '2026-03-02' })] }), { payer: PAYER, provider: PROVIDER, member: MEMBER }),
      claim837From(aClaim({ patientControlNumber: 'VA-2', memberId: MEMBER_2.memberId, renderingNpi: npi, diagnoses: [{ qualifier: 'ABK', code: 'E1169' }, { qualifier: 'ABF', code: 'I5030' }], lines: [aLine({ serviceDateFrom: '2026-02-10', serviceDateTo: '2026-02-10' })] }), { payer: PAYER, provider: PROVIDER, member: MEMBER_2 }),
    ];
    const text = write837(claims, { kind: 'professional', senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: 1, date: new Date('2026-06-01T10:00:00Z') });
    const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { authorization: `Bearer ${riverside}`, 'content-type': 'application/edi-x12' }, payload: text });
    expect(res.headers['x-tandem-accepted']).toBe('true');
  });
  afterAll(async () => t?.close());

  it('runs attribution for the payer only, names a bad field, and reports no changes on a second run', async () => {
    expect((await call(riverside, 'POST', '/api/attribution-runs', { year: 2026 })).statusCode).toBe(403);
    const badYear = await call(payer, 'POST', '/api/attribution-runs', { year: 'last year' });
    expect(badYear.statusCode).toBe(400);
    expect(diagnostics(badYear.json())).toMatch(/body\.year must be a year/);
    const badWindow = await call(payer, 'POST', '/api/attribution-runs', { year: 2026, window: 'sideways' });
    expect(badWindow.statusCode).toBe(400);
    expect(diagnostics(badWindow.json())).toMatch(/body\.window must be 'retrospective' or 'prospective'/);
    expect(await t.deps.store.db.selectFrom('attribution_run').select('id').execute()).toEqual([]);

    const first = await call(payer, 'POST', '/api/attribution-runs', { year: 2026 });
    expect(first.statusCode, first.body).toBe(200);
    const s1 = first.json() as { id: string; windowKind: string; windowFrom: string; windowTo: string; members: number; changeCount: number; changes?: unknown; contracts: Array<{ contractId: string; members: number; new: number; changed: number; dropped: number }> };
    expect(s1).toMatchObject({ windowKind: 'retrospective', windowFrom: '2026-01-01', windowTo: '2026-12-31', members: 2, changeCount: 2 });
    expect(s1.changes).toBeUndefined(); // members' roster changes are read, audited, through the contract view
    expect(s1.contracts.map((c) => [c.contractId, c.members, c.new, c.changed, c.dropped])).toEqual([[CONTRACT.id, 2, 2, 0, 0], ['ct-2', 0, 0, 0, 0]]);

    // A second run over the same claims: a new run, the same roster, nothing new, changed or dropped.
    const s2 = (await call(payer, 'POST', '/api/attribution-runs', { year: 2026, window: 'retrospective' })).json() as typeof s1;
    expect(s2.id).not.toBe(s1.id);
    expect(s2.changeCount).toBe(0);
    expect(s2.contracts.map((c) => [c.contractId, c.members, c.new, c.changed, c.dropped])).toEqual([[CONTRACT.id, 2, 0, 0, 0], ['ct-2', 0, 0, 0, 0]]);
    // Prospective runs are compared with prospective runs only: the first one is all new.
    const p = (await call(payer, 'POST', '/api/attribution-runs', { year: 2027, window: 'prospective' })).json() as typeof s1;
    expect(p).toMatchObject({ windowKind: 'prospective', windowFrom: '2025-10-01', windowTo: '2026-09-30', changeCount: 2 });

    const list = await call(payer, 'GET', '/api/attribution-runs');
    expect(list.statusCode).toBe(200);
    const items = (list.json() as { items: Array<{ id: string; windowKind: string; windowFrom: string; members: number; createdAt: string }> }).items;
    expect(items.map((i) => i.id).sort()).toEqual([s1.id, s2.id, p.id].sort());
    expect(items.find((i) => i.id === p.id)).toMatchObject({ windowKind: 'prospective', windowFrom: '2025-10-01', members: 2 });
    expect(items[0]!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await call(riverside, 'GET', '/api/attribution-runs')).statusCode).toBe(403);
    const audit = await t.deps.store.db.selectFrom('audit_event').select(['actor', 'resource_id']).where('resource_type', '=', 'AttributionRun').where('action', '=', 'create').orderBy('id').execute();
    expect(audit.map((a) => a.resource_id)).toEqual([s1.id, s2.id, p.id]);
    expect(new Set(audit.map((a) => a.actor)).size).toBe(1);
  });

  it('runs risk adjustment for the payer only, names a bad field, and repeats the same scores in a new run', async () => {
    expect((await call(lakeside, 'POST', '/api/risk-runs', { paymentYear: 2027 })).statusCode).toBe(403);
    const bad = await call(payer, 'POST', '/api/risk-runs', { paymentYear: '2027' });
    expect(bad.statusCode).toBe(400);
    expect(diagnostics(bad.json())).toMatch(/body\.paymentYear must be a year/);
    const badParameter = await call(payer, 'POST', '/api/risk-runs', { paymentYear: 2027, normalization: 1.015 });
    expect(badParameter.statusCode).toBe(400);
    expect(diagnostics(badParameter.json())).toMatch(/body\.normalization must be a decimal number/);

    const r1 = await call(payer, 'POST', '/api/risk-runs', { paymentYear: 2027 });
    expect(r1.statusCode, r1.body).toBe(200);
    const s1 = r1.json() as { id: string; paymentYear: number; diagnosisYear: number; members: number; membersWithHccs: number; meanRaw: string; meanPayment: string; topHccs: Array<{ hcc: string; members: number }> };
    expect(s1).toMatchObject({ paymentYear: 2027, diagnosisYear: 2026, members: 2, membersWithHccs: 1 });
    expect(s1.topHccs.map((h) => h.hcc).sort()).toEqual(['226', '37']);
    const s2 = (await call(payer, 'POST', '/api/risk-runs', { paymentYear: 2027 })).json() as typeof s1;
    expect(s2.id).not.toBe(s1.id);
    expect({ ...s2, id: s1.id }).toEqual(s1);

    const list = (await call(payer, 'GET', '/api/risk-runs')).json() as { items: Array<{ id: string; paymentYear: number; diagnosisYear: number; members: number; parameters: Record<string, string> }> };
    expect(list.items.map((i) => i.id).sort()).toEqual([s1.id, s2.id].sort());
    expect(list.items[0]).toMatchObject({ paymentYear: 2027, diagnosisYear: 2026, members: 2, parameters: { normalization: '1.015', codingIntensity: '0.059' } });
    expect((await call(riverside, 'GET', '/api/risk-runs')).statusCode).toBe(403);
  });

  it('shows both parties the same terms versions, lets only the payer add one, checked as the CLI checks', async () => {
    const empty = await call(riverside, 'GET', `/api/contracts/${CONTRACT.id}/terms`);
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual({ contractId: CONTRACT.id, versions: [] });
    expect((await call(lakeside, 'GET', `/api/contracts/${CONTRACT.id}/terms`)).statusCode).toBe(404);
    expect((await call(riverside, 'POST', `/api/contracts/${CONTRACT.id}/terms`, { effective: '2026-01-01', terms: TERMS })).statusCode).toBe(403);

    // The API's message for bad terms is parseTerms' own, the one `tandem contract terms` prints.
    const wrong = { ...TERMS, sharingRateBps: 1.5 };
    let expected = '';
    try {
      parseTerms(wrong);
    } catch (e) {
      expected = (e as TandemError).message;
    }
    expect(expected).toMatch(/terms\.sharingRateBps/);
    const badTerms = await call(payer, 'POST', `/api/contracts/${CONTRACT.id}/terms`, { effective: '2026-01-01', terms: wrong });
    expect(badTerms.statusCode).toBe(400);
    expect(diagnostics(badTerms.json())).toBe(expected);
    const cases: Array<[unknown, RegExp]> = [
      [{ effective: '2026-02-30', terms: TERMS }, /effective must be a date YYYY-MM-DD/],
      [{ effective: '1 Jan 2026', terms: TERMS }, /effective must be a date YYYY-MM-DD/],
      [{ effective: '2026-01-01' }, /terms must be a JSON object/],
      [{ effective: '2026-01-01', terms: { ...TERMS, track: 'sideways' } }, /terms\.track must be 'one-sided' or 'two-sided'/],
      [{ effective: '2026-01-01', terms: { ...TERMS, attribution: { primaryCareCodes: ['9921'] } } }, /attribution\.primaryCareCodes must be a non-empty list/],
    ];
    for (const [body, message] of cases) {
      const res = await call(payer, 'POST', `/api/contracts/${CONTRACT.id}/terms`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(diagnostics(res.json())).toMatch(message);
    }
    expect((await call(payer, 'POST', '/api/contracts/nope/terms', { effective: '2026-01-01', terms: TERMS })).statusCode).toBe(404);

    const v1 = await call(payer, 'POST', `/api/contracts/${CONTRACT.id}/terms`, { effective: '2026-01-01', terms: TERMS });
    expect(v1.statusCode, v1.body).toBe(200);
    expect(v1.json()).toMatchObject({ version: 1, effectiveFrom: '2026-01-01', terms: TERMS });
    // Attribution parameters in the terms are kept (the attribution run reads them), not dropped by the check.
    const v2 = await call(payer, 'POST', `/api/contracts/${CONTRACT.id}/terms`, { effective: '2027-01-01', terms: { ...TERMS, sharingRateBps: 6000, attribution: { primaryCareCodes: ['99214'] } } });
    expect(v2.json()).toMatchObject({ version: 2, effectiveFrom: '2027-01-01', terms: { sharingRateBps: 6000, attribution: { primaryCareCodes: ['99214'] } } });

    const asPayer = await call(payer, 'GET', `/api/contracts/${CONTRACT.id}/terms`);
    const asProvider = await call(riverside, 'GET', `/api/contracts/${CONTRACT.id}/terms`);
    expect(asProvider.body).toBe(asPayer.body);
    expect((asPayer.json() as { versions: Array<{ version: number; effectiveFrom: string }> }).versions.map((v) => [v.version, v.effectiveFrom])).toEqual([[2, '2027-01-01'], [1, '2026-01-01']]);
    const audit = await t.deps.store.db.selectFrom('audit_event').select('resource_id').where('resource_type', '=', 'ContractTerms').where('action', '=', 'create').orderBy('id').execute();
    expect(audit.map((a) => a.resource_id)).toEqual([`${CONTRACT.id}/v1`, `${CONTRACT.id}/v2`]);

    // What the API stored settles: version 1 is in effect for 2026, with the 2027 risk run's scores.
    const settled = await call(payer, 'POST', `/api/contracts/${CONTRACT.id}/settlements`, { period: 2026 });
    expect(settled.statusCode, settled.body).toBe(200);
    expect(settled.json()).toMatchObject({ termsVersion: 1, inputs: { members: 2 } });
  });
});
