/**
 * Quality measures end to end over HTTP, on PGlite and on PostgreSQL: claims become Encounters,
 * Procedures and Conditions the shipped eCQMs match; results keep the claim behind each population;
 * a provider sees only its own gaps, submits the missing mammogram through DEQM $submit-data, and
 * the gap is closed in the response, in $care-gaps and in the member detail — with provenance.
 */
import { aClaim, aLine, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { makeNpi } from '@tandem/core';
import { fhirId } from '@tandem/fhir';
import { write837 } from '@tandem/x12';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from '../exchange/claim-to-837.ts';
import { createEvaluationPool } from '../quality/evaluation-pool.ts';
import { createTestApp, MEMBER_2, PROVIDER_2, type TestApp } from '../testing/test-app.ts';
import { loadMeasurePackage, SHIPPED_MEASURES } from './load-measures.ts';
import { runAttribution } from './run-attribution.ts';
import { runMeasures } from './run-measures.ts';
import { systemContext } from './seed-demo.ts';
import { settleContract } from './settle-contract.ts';
import { verifySettlement } from './verify-settlement.ts';
import { addContractTerms } from '@tandem/store';

type Evidence = Record<string, Array<{ type: string; id: string; source: { kind: string; claimId?: string; submitterOrgId?: string; lineNumber?: number } | null }>>;
type Detail = { results: Array<{ measure: string; gap: string; populations: Record<string, boolean>; evidence: Evidence; missing: string | null }>; submissions: Array<{ submitterOrgId: string; channel: string; actor: string }> };

describe(`quality measures on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestApp;
  const claimIds = new Map<string, string>();
  beforeAll(async () => {
    t = await createTestApp();
    for (const dir of SHIPPED_MEASURES) await loadMeasurePackage(t.deps, dir);
    const send = async (user: string, text: string) => {
      const token = await t.login(user);
      const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/edi-x12' }, payload: text });
      expect(res.headers['x-tandem-accepted']).toBe('true');
    };
    const opts = { kind: 'professional' as const, senderId: 'SUBMITTER', receiverId: 'TANDEM', interchangeControlNumber: 1, date: new Date('2026-06-01T10:00:00Z') };
    // Riverside: an office visit and a screening colonoscopy (CPT 45378) for MEMBER (45 at the end of 2026).
    await send('riverside.billing', write837([claim837From(aClaim({ patientControlNumber: 'Q-1', renderingNpi: makeNpi('112345678'), lines: [
      aLine({ procedureCode: '99214', serviceDateFrom: '2026-03-02', serviceDateTo: '2026-03-02' }),
      aLine({ procedureCode: '45378', serviceDateFrom: '2026-03-02', serviceDateTo: '2026-03-02' }),
    ] }), { payer: PAYER, provider: PROVIDER, member: MEMBER })], opts));
    // Lakeside: an office visit for MEMBER_2 (a woman of 69): both screenings are due, nothing on claims shows them.
    const lakeside = aClaim({ patientControlNumber: 'Q-2', memberId: MEMBER_2.memberId, billingNpi: PROVIDER_2.npi, billingTin: PROVIDER_2.tin, billingName: PROVIDER_2.name, lines: [aLine({ procedureCode: '99213', serviceDateFrom: '2026-02-02', serviceDateTo: '2026-02-02' })] });
    await send('lakeside.billing', write837([claim837From(lakeside, { payer: PAYER, provider: PROVIDER_2, member: MEMBER_2 })], { ...opts, interchangeControlNumber: 2 }));
    for (const c of await t.deps.store.db.selectFrom('claim').select(['id', 'patient_control_number']).execute()) claimIds.set(c.patient_control_number, c.id);
    await runAttribution(t.deps, systemContext(PAYER.id), { year: 2026 });
    const pool = createEvaluationPool({ threads: 0 });
    const summary = await runMeasures(t.deps, systemContext(PAYER.id), { year: 2026, pool });
    expect(summary.members).toBe(2);
  }, 180_000);
  afterAll(async () => t?.close());

  const get = async (user: string, url: string) => {
    const token = await t.login(user);
    return t.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
  };

  it('derives the populations from claims and keeps the claim behind each one', async () => {
    const ada = (await get('payer.admin', `/api/quality/members/${MEMBER.key}?year=2026`)).json() as Detail;
    const colon = ada.results.find((r) => r.measure === 'ColonCancerScreeningFHIR')!;
    expect(colon.gap).toBe('closed');
    expect(colon.populations).toMatchObject({ 'initial-population': true, denominator: true, numerator: true });
    expect(colon.evidence['numerator']).toEqual([expect.objectContaining({ type: 'Procedure', source: expect.objectContaining({ kind: 'claim', claimId: claimIds.get('Q-1'), lineNumber: 2 }) })]);
    expect(colon.evidence['initial-population']!.map((e) => e.type)).toContain('Encounter');
    expect(ada.results.find((r) => r.measure === 'BreastCancerScreeningFHIR')!.gap).toBe('not-eligible');

    const grace = (await get('payer.admin', `/api/quality/members/${MEMBER_2.key}?year=2026`)).json() as Detail;
    expect(grace.results.map((r) => [r.measure, r.gap])).toEqual([['BreastCancerScreeningFHIR', 'open'], ['ColonCancerScreeningFHIR', 'open']]);
    expect(grace.results[0]!.missing).toMatch(/mammogram/i);
    expect(grace.results[0]!.evidence['initial-population']).toEqual([expect.objectContaining({ type: 'Encounter', source: expect.objectContaining({ kind: 'claim', claimId: claimIds.get('Q-2') }) })]);
  });

  it('shows each provider only its own gaps and members', async () => {
    const lakeside = (await get('lakeside.billing', '/api/quality/gaps?year=2026')).json() as { items: Array<{ memberKey: string; measure: string; missing: string }> };
    expect(lakeside.items.map((i) => [i.memberKey, i.measure])).toEqual([[MEMBER_2.key, 'BreastCancerScreeningFHIR'], [MEMBER_2.key, 'ColonCancerScreeningFHIR']]);
    const riverside = (await get('riverside.billing', '/api/quality/gaps?year=2026')).json() as typeof lakeside;
    expect(riverside.items).toEqual([]);
    expect((await get('riverside.billing', `/api/quality/members/${MEMBER_2.key}?year=2026`)).statusCode).toBe(404);
    const overview = (await get('riverside.billing', '/api/quality/overview?year=2026')).json() as { measures: Array<{ name: string; rateBps: number | null; organizations: Array<{ orgId: string }> }> };
    expect(overview.measures.find((m) => m.name === 'ColonCancerScreeningFHIR')).toMatchObject({ rateBps: 10_000, organizations: [{ orgId: PROVIDER.id }] });
    const payer = (await get('payer.admin', '/api/quality/overview?year=2026')).json() as typeof overview;
    expect(payer.measures.find((m) => m.name === 'ColonCancerScreeningFHIR')!.rateBps).toBe(5_000);

    // $care-gaps per practitioner: the patients the practitioner treated in the year (Ann Family rendered MEMBER's visit).
    const byPractitioner = async (user: string, status: string) => get(user, `/fhir/Measure/$care-gaps?periodStart=2026-01-01&periodEnd=2026-12-31&practitioner=Practitioner/pr-1&status=${status}`);
    const closed = await byPractitioner('riverside.billing', 'closed-gap');
    expect(closed.statusCode, closed.body).toBe(200);
    const subjects = (closed.json() as { parameter: Array<{ resource: { entry: Array<{ resource: { resourceType: string; id?: string } }> } }> }).parameter
      .map((p) => p.resource.entry.find((e) => e.resource.resourceType === 'Patient')!.resource.id);
    expect(subjects).toEqual([fhirId(MEMBER.key)]);
    expect((await byPractitioner('riverside.billing', 'open-gap')).json()).toEqual({ resourceType: 'Parameters', parameter: [] });
    expect((await byPractitioner('payer.admin', 'closed-gap')).json().parameter).toHaveLength(1);
    // Another organization may not ask about Riverside's practitioner.
    expect((await byPractitioner('lakeside.billing', 'closed-gap')).statusCode).toBe(404);
  });

  const TERMS = { type: 'shared-savings', track: 'one-sided', sharingRateBps: 5000, minimumSavingsRate: 0, savingsCapBps: 1000, qualityGateBps: 4000, sequestrationBps: 0,
    benchmarkPmpmCents: 50_000, riskAdjust: false, truncationPercentileBps: 10_000, qualityBps: 9_900,
    qualityMeasures: [{ measure: 'BreastCancerScreeningFHIR', targetBps: 8000 }, { measure: 'ColonCancerScreeningFHIR', weight: 2 }] };
  const settledQuality = async () => {
    const s = await settleContract(t.deps, systemContext(PAYER.id), { contractId: 'ct-2', period: 2026 });
    const row = await t.deps.store.db.selectFrom('settlement_run').select('inputs').where('id', '=', s.id).executeTakeFirstOrThrow();
    // The measured score is frozen in the run with its source, and the run replays from it.
    expect(await verifySettlement(t.deps, systemContext(PAYER.id), s.id)).toMatchObject({ identical: true });
    return { qualityBps: (s.inputs as { qualityBps: number }).qualityBps, quality: (row.inputs as { quality: { source: string; scoreBps: number; measures: Array<{ measure: string; rateBps: number; pointsBps: number }> } }).quality };
  };

  it("settles with the quality score computed from the contract's measure results, not the fixed term", async () => {
    await addContractTerms(t.deps.store.db, 'ct-2', '2026-01-01', TERMS);
    const before = await settledQuality();
    expect(before.qualityBps).toBe(0);
    expect(before.quality.source).toBe('measures');
    expect(before.quality.measures.map((m) => [m.measure, m.rateBps, m.pointsBps])).toEqual([['BreastCancerScreeningFHIR', 0, 0], ['ColonCancerScreeningFHIR', 0, 0]]);
  });

  it('closes the gap when the provider submits the evidence through $submit-data, with provenance and audit', async () => {
    const riverside = await t.login('riverside.billing');
    const lakeside = await t.login('lakeside.billing');
    const mammogram = { resourceType: 'Observation', id: 'mammo-1', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '24604-1' }] }, subject: { reference: 'Patient/lakeside-chart-77' }, effectivePeriod: { start: '2026-05-04', end: '2026-05-04' } };
    const body = { resourceType: 'Parameters', parameter: [
      { name: 'measureReport', resource: { resourceType: 'MeasureReport', status: 'complete', type: 'data-collection', measure: 'https://madie.cms.gov/Measure/BreastCancerScreeningFHIR', subject: { reference: `Patient/${MEMBER_2.key}` }, period: { start: '2026-01-01', end: '2026-12-31' } } },
      { name: 'resource', resource: mammogram },
    ] };
    const post = (token: string, payload: unknown) => t.app.inject({ method: 'POST', url: '/fhir/Measure/$submit-data', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, payload: JSON.stringify(payload) });
    // Another provider may not write into a member it neither treats nor is attributed.
    const denied = await post(riverside, body);
    expect(denied.statusCode).toBe(404);
    expect(denied.json()).toMatchObject({ resourceType: 'OperationOutcome' });

    const versionBefore = (await get('lakeside.billing', '/api/quality/version?year=2026')).json() as { version: string };
    const ok = await post(lakeside, body);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().issue[0].diagnostics).toMatch(/BreastCancerScreeningFHIR 2026 closed/);
    // The dashboard's change marker moves (one open gap fewer), for the provider and the payer alike.
    const versionAfter = (await get('lakeside.billing', '/api/quality/version?year=2026')).json() as { version: string };
    expect(versionAfter.version.split('|').slice(1)).toEqual([versionBefore.version.split('|')[1], String(Number(versionBefore.version.split('|')[2]) - 1)]);

    const gaps = (await get('lakeside.billing', '/api/quality/gaps?year=2026')).json() as { items: Array<{ measure: string }> };
    expect(gaps.items.map((i) => i.measure)).toEqual(['ColonCancerScreeningFHIR']);
    const grace = (await get('payer.admin', `/api/quality/members/${MEMBER_2.key}?year=2026`)).json() as Detail;
    const breast = grace.results.find((r) => r.measure === 'BreastCancerScreeningFHIR')!;
    expect(breast.gap).toBe('closed');
    expect(breast.evidence['numerator']).toEqual([expect.objectContaining({ type: 'Observation', id: 'mammo-1', source: expect.objectContaining({ kind: 'submission', submitterOrgId: PROVIDER_2.id }) })]);
    expect(grace.submissions).toEqual([expect.objectContaining({ submitterOrgId: PROVIDER_2.id, channel: 'submit-data', actor: expect.any(String) })]);
    const audit = await t.deps.store.db.selectFrom('audit_event').select(['action', 'resource_type', 'org_id']).where('action', '=', 'create').where('resource_type', '=', 'Bundle').execute();
    expect(audit).toEqual([{ action: 'create', resource_type: 'Bundle', org_id: PROVIDER_2.id }]);

    // DEQM $care-gaps: the closed gap and the remaining open one, as gaps Bundles.
    const cg = await get('lakeside.billing', `/fhir/Measure/$care-gaps?periodStart=2026-01-01&periodEnd=2026-12-31&subject=Patient/${MEMBER_2.key}&status=open-gap&status=closed-gap`);
    expect(cg.statusCode, cg.body).toBe(200);
    const params = cg.json() as { parameter: Array<{ resource: { type: string; entry: Array<{ resource: { resourceType: string; modifierExtension?: Array<{ valueCodeableConcept: { coding: Array<{ code: string }> } }> } }> } }> };
    expect(params.parameter).toHaveLength(1);
    const bundle = params.parameter[0]!.resource;
    expect(bundle.type).toBe('document');
    expect(bundle.entry[0]!.resource.resourceType).toBe('Composition');
    const issues = bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === 'DetectedIssue').map((r) => r.modifierExtension![0]!.valueCodeableConcept.coding[0]!.code);
    expect(issues.sort()).toEqual(['closed-gap', 'open-gap']);
  }, 120_000);

  it('uploads a plain Bundle, gives summary MeasureReports per contract, and refuses bad input with an OperationOutcome', async () => {
    const lakeside = await t.login('lakeside.billing');
    const colonoscopy = { resourceType: 'Procedure', id: 'colo-1', status: 'completed', code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '45378' }] }, performedPeriod: { start: '2024-07-01', end: '2024-07-01' } };
    const up = await t.app.inject({ method: 'POST', url: `/api/quality/members/${MEMBER_2.key}/clinical-data`, headers: { authorization: `Bearer ${lakeside}` }, payload: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: colonoscopy }] } });
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json().results).toEqual([{ measure: 'BreastCancerScreeningFHIR', period: 2026, gap: 'closed' }, { measure: 'ColonCancerScreeningFHIR', period: 2026, gap: 'closed' }]);

    const summary = (await get('payer.admin', '/api/quality/summary?year=2026&contract=ct-2')).json() as { entry: Array<{ resource: { type: string; group: Array<{ population: Array<{ code: { coding: Array<{ code: string }> }; count: number }>; measureScore?: { value: number } }> } }> };
    expect(summary.entry).toHaveLength(2);
    expect(summary.entry.every((e) => e.resource.type === 'summary' && e.resource.group[0]!.measureScore?.value === 1)).toBe(true);
    expect((await get('riverside.billing', '/api/quality/summary?year=2026&contract=ct-2')).statusCode).toBe(404);

    const bad = await t.app.inject({ method: 'POST', url: '/fhir/Measure/$submit-data', headers: { authorization: `Bearer ${lakeside}`, 'content-type': 'application/fhir+json' }, payload: '{"resourceType":"Bundle"}' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ diagnostics: expect.stringMatching(/Parameters/) }] });
    const noPeriod = await get('lakeside.billing', `/fhir/Measure/$care-gaps?subject=Patient/${MEMBER_2.key}&status=open-gap`);
    expect(noPeriod.statusCode).toBe(400);
    expect((await get('lakeside.billing', '/api/quality/gaps?year=20x6')).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/quality/gaps?year=2026' })).statusCode).toBe(401);

    // Both gaps closed: the breast measure is at 100 % against a target of 80 %, the colon one at 100 %.
    const after = await settledQuality();
    expect(after.qualityBps).toBe(10_000);
    expect(after.quality.measures.map((m) => [m.measure, m.rateBps, m.pointsBps])).toEqual([['BreastCancerScreeningFHIR', 10_000, 10_000], ['ColonCancerScreeningFHIR', 10_000, 10_000]]);
  }, 120_000);
});
