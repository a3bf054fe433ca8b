/**
 * The shared contract view on PGlite and PostgreSQL: roster, risk, recapture and PMPM from
 * stored claims; byte-identical for the payer and the provider organization; hidden from
 * anyone else; a member drills down to the claims behind the member's expenditure.
 */
import { aClaim, aLine, CONTRACT, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { makeNpi } from '@tandem/core';
import { addContractTerms } from '@tandem/store';
import { write837 } from '@tandem/x12';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from '../exchange/claim-to-837.ts';
import { createTestApp, MEMBER_2, type TestApp } from '../testing/test-app.ts';
import { runAttribution } from './run-attribution.ts';
import { runRiskAdjustment } from './run-risk.ts';
import { systemContext } from './seed-demo.ts';

const PCP = makeNpi('112345678');

describe(`contract view on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestApp;
  let payer: string;
  let riverside: string;
  let lakeside: string;
  const get = (token: string, url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  beforeAll(async () => {
    t = await createTestApp();
    const db = t.deps.store.db;
    await db.updateTable('plan').set({ line_of_business: 'medicare_advantage' }).execute();
    await db.updateTable('coverage').set({ effective_from: '2025-01-01' }).where('id', '=', 'cov-2').execute();
    riverside = await t.login('riverside.billing');
    const dx = (...codes: string[]) => codes.map((code, i) => ({ qualifier: i === 0 ? 'ABK' : 'ABF', code }));
    const claims = [
      // 2025: diabetes with complications (HCC 37), heart failure (226), COPD (280).
      claim837From(aClaim({ patientControlNumber: 'CV-1', memberId: MEMBER_2.memberId, renderingNpi: PCP, diagnoses: dx('E1122', 'I5022', 'J449'), lines: [aLine({ procedureCode: '99214', serviceDateFrom: '2025-05-05', serviceDateTo: '2025-05-05' })] }), { payer: PAYER, provider: PROVIDER, member: MEMBER_2 }),
      // 2026: diabetes without complications (38, lower than 37) and heart failure again; no COPD.
      claim837From(aClaim({ patientControlNumber: 'CV-2', memberId: MEMBER_2.memberId, renderingNpi: PCP, diagnoses: dx('E119', 'I5022'), lines: [aLine({ procedureCode: '99214', serviceDateFrom: '2026-02-10', serviceDateTo: '2026-02-10' })] }), { payer: PAYER, provider: PROVIDER, member: MEMBER_2 }),
      claim837From(aClaim({ patientControlNumber: 'CV-3', renderingNpi: PCP, lines: [aLine({ procedureCode: '99213', serviceDateFrom: '2026-03-02', serviceDateTo: '2026-03-02' })] }), { payer: PAYER, provider: PROVIDER, member: MEMBER }),
    ];
    const text = write837(claims, { kind: 'professional', senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: 7, date: new Date('2026-06-01T10:00:00Z') });
    const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { authorization: `Bearer ${riverside}`, 'content-type': 'application/edi-x12' }, payload: text });
    expect(res.headers['x-tandem-accepted']).toBe('true');
    const ctx = systemContext(PAYER.id);
    await runAttribution(t.deps, ctx, { year: 2026 });
    await runRiskAdjustment(t.deps, ctx, { paymentYear: 2026 });
    await runRiskAdjustment(t.deps, ctx, { paymentYear: 2027 });
    await addContractTerms(db, CONTRACT.id, '2026-01-01', { type: 'shared-savings', benchmarkPmpmCents: 20_000, riskAdjust: true });
    [payer, lakeside] = await Promise.all([t.login('payer.admin'), t.login('lakeside.billing')]);
  });
  afterAll(async () => t?.close());

  it('computes roster, risk, recapture and PMPM, identically for both parties', async () => {
    const asPayer = await get(payer, `/api/contracts/${CONTRACT.id}/overview?year=2026`);
    expect(asPayer.statusCode).toBe(200);
    const asProvider = await get(riverside, `/api/contracts/${CONTRACT.id}/overview?year=2026`);
    expect(asProvider.body).toBe(asPayer.body);
    const o = asPayer.json();
    expect(o.roster.counts).toEqual({ members: 2, new: 0, changed: 0, dropped: 0 });
    expect(o.roster.members.map((m: { key: string; step: string }) => [m.key, m.step])).toEqual([[MEMBER.key, 'primary-care-practitioner'], [MEMBER_2.key, 'primary-care-practitioner']]);
    // Recapture: 37 only coded as 38 this year, COPD not at all; heart failure supported.
    expect(o.recapture.gaps.map((g: { memberKey: string; hcc: string; codedThisYearAs: string | null; priorDiagnoses: string[] }) => [g.memberKey, g.hcc, g.codedThisYearAs, g.priorDiagnoses])).toEqual([
      [MEMBER_2.key, '37', '38', ['E1122']], [MEMBER_2.key, '280', null, ['J449']],
    ]);
    expect(o.recapture.members).toBe(1);
    // Member months: MEMBER all of 2026 (12), MEMBER_2 January–March (3).
    expect(o.pmpm.memberMonths).toBe(15);
    const paid = await t.deps.store.db.selectFrom('claim').select('paid_cents').where('service_date_from', '>=', '2026-01-01').execute();
    const total = paid.reduce((s, r) => s + Number(r.paid_cents), 0);
    expect(o.pmpm.paidCents).toBe(total);
    expect(o.pmpm.pmpmCents).toBe(Math.floor((2 * total + 15) / 30));
    expect(o.pmpm.months.reduce((s: number, m: { memberMonths: number }) => s + m.memberMonths, 0)).toBe(15);
    // Benchmark PMPM = terms PMPM × the roster's mean payment score (four places, half up).
    const scores = await t.deps.store.db.selectFrom('risk_score').select(['payment_score']).where('run_id', '=', o.risk.runId).execute();
    const meanE4 = Math.floor((2 * scores.reduce((s, r) => s + Math.round(Number(r.payment_score) * 10000), 0) + 2) / 4);
    expect(o.risk.meanPaymentScore).toBe((meanE4 / 10000).toFixed(4));
    expect(o.pmpm.benchmarkPmpmCents).toBe(Math.floor((2 * 20_000 * meanE4 + 10000) / 20000));
    expect(o.risk.distribution.reduce((s: number, d: { members: number }) => s + d.members, 0)).toBe(2);
  });

  it('drills down to a member and the claims behind the expenditure; nobody else sees any of it', async () => {
    const asPayer = await get(payer, `/api/contracts/${CONTRACT.id}/members/${MEMBER_2.key}?year=2026`);
    expect(asPayer.statusCode).toBe(200);
    expect((await get(riverside, `/api/contracts/${CONTRACT.id}/members/${MEMBER_2.key}?year=2026`)).body).toBe(asPayer.body);
    const m = asPayer.json();
    expect(m.claims.map((c: { serviceDate: string }) => c.serviceDate)).toEqual(['2026-02-10']);
    expect(m.attribution.explanation.services[0]).toMatchObject({ code: '99214', date: '2026-02-10' });
    expect(m.risk.prior.hccs).toEqual(['37', '226', '280']);
    expect((await get(lakeside, `/api/contracts/${CONTRACT.id}/overview?year=2026`)).statusCode).toBe(404);
    expect((await get(lakeside, `/api/contracts/${CONTRACT.id}/members/${MEMBER_2.key}?year=2026`)).statusCode).toBe(404);
    expect((await get(riverside, `/api/contracts/${CONTRACT.id}/members/nobody?year=2026`)).statusCode).toBe(404);
    const bad = await get(payer, `/api/contracts/${CONTRACT.id}/overview?year=last`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().resourceType).toBe('OperationOutcome');
    const audits = await t.deps.store.db.selectFrom('audit_event').select(['resource_type', 'member_keys']).where('resource_type', 'in', ['ContractView', 'ContractMember']).execute();
    expect(audits.length).toBeGreaterThanOrEqual(4);
    expect(audits.every((a) => (a.member_keys as string[]).length > 0)).toBe(true);
  });
});
