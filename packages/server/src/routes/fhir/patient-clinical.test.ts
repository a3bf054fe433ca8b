/**
 * Patient Access and Provider Access content beyond claims: US Core 6.1 clinical resources
 * (derived from claims, and submitted — here real Synthea bundles) and prior authorizations as
 * PDex Prior Authorization EOBs, compared with the IG's own example (PDexPriorAuth1).
 */
import { aClaim, aLine, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { insertAttributionRun, memberClinicalData, saveSubmission } from '@tandem/store';
import { write837 } from '@tandem/x12';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from '../../exchange/claim-to-837.ts';
import { backendToken, bulkExport, createTestApp, MEMBER_2, PROVIDER_2, type TestApp } from '../../testing/index.ts';
import { pasBundle } from '../../testing/pas-bundle.ts';
import { importSynthea } from '../../use-cases/import-synthea.ts';
import { demoAuthRules } from '../../use-cases/prior-auth/seed-prior-auth.ts';
import { systemContext } from '../../use-cases/seed-demo.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const HOST = 'localhost:8080';
const SYNTHEA = fileURLToPath(new URL('../../../test-fixtures/synthea-r4/', import.meta.url));
const BIRGIT_FILE = `${SYNTHEA}Birgit_Schmeler_7e8ee10e-569b-4229-9380-62c49244902c.json`;
const PDEX_EXAMPLE = JSON.parse(readFileSync(new URL('../../../test-fixtures/pdex/ExplanationOfBenefit-PDexPriorAuth1.json', import.meta.url), 'utf8')) as Json;
const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition';
const PDEX = 'http://hl7.org/fhir/us/davinci-pdex/StructureDefinition';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Bundle = { total: number; link: Array<{ relation: string; url: string }>; entry?: Array<{ resource: Json; search?: { mode: string } }> };

/** What the Synthea file holds of a type from 2016 on (the file read directly, not through our code). */
function fromFile(type: string, pick: (r: Json) => string | undefined, where: (r: Json) => boolean = () => true): Json[] {
  const b = JSON.parse(readFileSync(BIRGIT_FILE, 'utf8')) as { entry: Array<{ resource: Json }> };
  return b.entry.map((e) => e.resource).filter((r) => r['resourceType'] === type && where(r)).filter((r) => {
    const d = pick(r);
    return d === undefined || d.slice(0, 10) >= '2016-01-01';
  });
}

describe(`US Core clinical resources and PDex prior-authorization EOBs on ${db}`, () => {
  let t: TestApp;
  let payer: string;
  let riverside: string;
  let lakeside: string;
  const birgit = `m-${PAYER.id}-syn-37e97ea5-e2dc-4770-bb7d-93d02cfebb0c`;
  const auths: Record<string, string> = {};
  const get = (url: string, token = payer) => t.app.inject({ url, headers: { authorization: `Bearer ${token}`, host: HOST } });
  const bundle = async (url: string, token = payer) => {
    const r = await get(url, token);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as Bundle;
  };
  const submit = (token: string, body: unknown) => t.app.inject({ method: 'POST', url: '/fhir/Claim/$submit', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, payload: JSON.stringify(body) });

  beforeAll(async () => {
    t = await createTestApp();
    [payer, riverside, lakeside] = await Promise.all([t.login('payer.admin'), t.login('riverside.billing'), t.login('lakeside.billing')]);
    // Riverside bills three visits: one in 2015 (before the CMS-0057-F floor), two in 2026 with two coded lines on the second.
    const on = (pcn: string, date: string, lines = [aLine({ serviceDateFrom: date, serviceDateTo: date })], diagnoses = [{ qualifier: 'ABK', code: 'E119' }]) =>
      claim837From(aClaim({ patientControlNumber: pcn, memberId: MEMBER.memberId, diagnoses, lines }), { payer: PAYER, provider: PROVIDER, member: MEMBER });
    const x12 = write837([
      on('CL-2015', '2015-06-01'),
      on('CL-JAN', '2026-01-15', [aLine({ serviceDateFrom: '2026-01-15', serviceDateTo: '2026-01-15' })], [{ qualifier: 'ABK', code: 'E119' }, { qualifier: 'ABF', code: 'I10' }]),
      on('CL-FEB', '2026-02-10', [aLine({ serviceDateFrom: '2026-02-10', serviceDateTo: '2026-02-10' }), aLine({ lineNumber: 2, procedureCode: '83036', serviceDateFrom: '2026-02-10', serviceDateTo: '2026-02-10' })]),
    ], { kind: 'professional', senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: 91, date: new Date('2026-06-01T10:00:00Z') });
    const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { authorization: `Bearer ${riverside}`, 'content-type': 'application/edi-x12' }, payload: x12 });
    expect(res.headers['x-tandem-accepted']).toBe('true');
    // Three real Synthea patients, as clinical data submitted by Lakeside.
    await importSynthea(t.deps, systemContext(PAYER.id), { dir: SYNTHEA, payerId: PAYER.id, submitterOrgId: PROVIDER_2.id });
    // Prior authorizations in every state: approved by rule, pended then denied, modified, pended.
    expect((await t.app.inject({ method: 'POST', url: '/api/prior-auth/rule-sets', headers: { authorization: `Bearer ${payer}` }, payload: { effectiveFrom: '2026-01-01', rules: demoAuthRules() } })).statusCode).toBe(201);
    const pa = async (id: string, items: Parameters<typeof pasBundle>[0]['items'], extra: Partial<Parameters<typeof pasBundle>[0]> = {}) => {
      const r = await submit(riverside, pasBundle({ id, memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi!, items, ...extra }));
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as Json)['entry'][0].resource.id as string;
    };
    auths['approved'] = await pa('P-MRI', [{ code: '72148', from: '2026-07-01' }], { diagnoses: ['M54.16'], answers: { 'conservative-therapy-weeks': 8 } });
    auths['denied'] = await pa('P-TKA', [{ code: '27447', from: '2026-07-10' }], { diagnoses: ['M17.11'] });
    auths['modified'] = await pa('P-PT', [{ code: '97110', units: 30, from: '2026-07-01', to: '2026-09-30' }], { diagnoses: ['M25.561'] });
    auths['pended'] = await pa('P-TKA-2', [{ code: '27447', from: '2026-08-10' }], { diagnoses: ['M17.11'], priority: 'stat' });
    const decide = async (id: string, decision: Json) => {
      const r = await t.app.inject({ method: 'POST', url: `/api/prior-auth/${id}/decision`, headers: { authorization: `Bearer ${payer}` }, payload: { decisions: [decision] } });
      expect(r.statusCode, r.body).toBe(200);
    };
    await decide(auths['denied']!, { sequence: 1, action: 'denied', reason: 'No weight-bearing X-rays showing joint-space narrowing were provided.' });
    await decide(auths['modified']!, { sequence: 1, action: 'modified', unitsApproved: 24, reason: 'Plan of care supports 24 units over the period.' });
  });
  afterAll(async () => t?.close());

  it('derives US Core Encounters, Procedures and Conditions from claims from 2016 on, with meta.source and paging', async () => {
    const enc = await bundle(`/fhir/Encounter?patient=${MEMBER.key}`);
    // The 2015 visit is before the floor.
    expect(enc.total).toBe(2);
    for (const e of enc.entry!) {
      expect(e.resource['meta'].profile[0]).toBe(`${US_CORE}/us-core-encounter`);
      expect(e.resource['meta'].source).toMatch(/^urn:tandem:claim:/);
      expect(e.resource['subject']).toEqual({ reference: `Patient/${MEMBER.key}` });
      expect(e.resource['type'].length).toBeGreaterThan(0);
      expect(e.resource).toMatchObject({ status: 'finished', class: { code: 'AMB' } });
    }
    expect(enc.entry!.map((e) => e.resource['period'].start)).toEqual(['2026-01-15', '2026-02-10']);
    expect((await bundle(`/fhir/Encounter?patient=${MEMBER.key}&date=ge2026-02-01`)).total).toBe(1);
    const page1 = await bundle(`/fhir/Encounter?patient=Patient/${MEMBER.key}&_count=1`);
    expect(page1.entry).toHaveLength(1);
    const next = new URL(page1.link.find((l) => l.relation === 'next')!.url);
    const page2 = await bundle(next.pathname + next.search);
    expect(page2.entry![0]!.resource['id']).not.toBe(page1.entry![0]!.resource['id']);

    const cond = await bundle(`/fhir/Condition?patient=${MEMBER.key}&category=http://terminology.hl7.org/CodeSystem/condition-category|encounter-diagnosis`);
    expect(cond.total).toBe(3);
    expect(cond.entry!.every((e) => e.resource['meta'].profile[0] === `${US_CORE}/us-core-condition-encounter-diagnosis`)).toBe(true);
    expect(cond.entry!.map((e) => e.resource['code'].coding[0].code).sort()).toEqual(['E11.9', 'E11.9', 'I10']);
    expect((await bundle(`/fhir/Condition?patient=${MEMBER.key}&code=I10`)).total).toBe(1);
    expect((await bundle(`/fhir/Condition?patient=${MEMBER.key}&category=problem-list-item`)).total).toBe(0);

    const proc = await bundle(`/fhir/Procedure?patient=${MEMBER.key}&date=2026-02-10`);
    expect(proc.entry!.map((e) => e.resource['code'].coding[0].code).sort()).toEqual(['83036', '99213']);
    expect(proc.entry![0]!.resource['meta'].profile[0]).toBe(`${US_CORE}/us-core-procedure`);
    const one = await get(`/fhir/Procedure/${proc.entry![0]!.resource['id']}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(proc.entry![0]!.resource);
  });

  it("serves a provider's submitted clinical data (Synthea) with its US Core profile and origin, from 2016 on", async () => {
    const vitals = await bundle(`/fhir/Observation?patient=${birgit}&category=vital-signs&_count=200`);
    const expected = fromFile('Observation', (r) => r['effectiveDateTime'], (r) => r['category'][0].coding[0].code === 'vital-signs');
    expect(expected.length).toBeGreaterThan(0);
    expect(vitals.total).toBe(expected.length);
    expect(vitals.entry!.map((e) => e.resource['id']).sort()).toEqual(expected.map((r) => r['id']).sort());
    const v = vitals.entry![0]!.resource;
    expect(v['meta'].profile[0]).toBe(`${US_CORE}/us-core-vital-signs`);
    expect(v['meta'].source).toMatch(/^urn:tandem:submission:csub-/);
    expect(v['subject']).toEqual({ reference: `Patient/${birgit}` });
    // Every served Observation is dated 2016 or later; the file has older ones.
    expect(fromFile('Observation', () => undefined).length).toBeGreaterThan(vitals.total);
    const labs = await bundle(`/fhir/Observation?patient=${birgit}&category=laboratory&date=ge2019-01-01&_count=200`);
    expect(labs.total).toBe(fromFile('Observation', (r) => r['effectiveDateTime'], (r) => r['category'][0].coding[0].code === 'laboratory' && r['effectiveDateTime'] >= '2019').length);
    expect(labs.entry!.every((e) => e.resource['meta'].profile[0] === `${US_CORE}/us-core-observation-lab`)).toBe(true);

    const imm = await bundle(`/fhir/Immunization?patient=${birgit}`);
    expect(imm.total).toBe(fromFile('Immunization', (r) => r['occurrenceDateTime']).length);
    expect(imm.entry![0]!.resource['meta'].profile[0]).toBe(`${US_CORE}/us-core-immunization`);
    const meds = await bundle(`/fhir/MedicationRequest?patient=${birgit}&intent=order`);
    expect(meds.total).toBe(fromFile('MedicationRequest', (r) => r['authoredOn']).length);
    const reports = await bundle(`/fhir/DiagnosticReport?patient=${birgit}&category=LAB`);
    expect(reports.total).toBe(fromFile('DiagnosticReport', (r) => r['effectiveDateTime']).length);
    expect(reports.entry!.every((e) => e.resource['meta'].profile[0] === `${US_CORE}/us-core-diagnosticreport-lab`)).toBe(true);
    // Synthea's Conditions have no category, so they are served without claiming US Core's profile.
    const conds = await bundle(`/fhir/Condition?patient=${birgit}`);
    expect(conds.total).toBe(fromFile('Condition', (r) => r['onsetDateTime']).length);
    for (const c of conds.entry ?? []) expect(JSON.stringify(c.resource['meta'].profile ?? [])).not.toContain('us-core');
    const read = await get(`/fhir/Observation/${v['id']}`);
    expect(read.json()).toEqual(v);
    // Synthea's bundle-local encounter reference now resolves on this server.
    const original = fromFile('Observation', () => undefined).find((o) => o['id'] === v['id'])!;
    expect(original['encounter'].reference).toMatch(/^urn:uuid:/);
    expect(v['encounter'].reference).toBe(`Encounter/${original['encounter'].reference.slice(9)}`);
    expect((await get(`/fhir/${v['encounter'].reference}`)).json()).toMatchObject({ resourceType: 'Encounter', subject: { reference: `Patient/${birgit}` } });
    const report = reports.entry![0]!.resource;
    for (const res of report['result'] ?? []) expect((await get(`/fhir/${res.reference}`)).statusCode).toBe(200);

    for (const [url, text] of [
      ['/fhir/Observation?category=laboratory', 'needs patient='],
      [`/fhir/Observation?patient=${birgit}&onset-date=2020`, "unsupported search parameter 'onset-date'"],
      [`/fhir/Encounter?patient=${birgit}&date=soon`, 'is not a FHIR date'],
    ] as const) {
      const r = await get(url);
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ resourceType: 'OperationOutcome' });
      expect(r.json().issue[0].diagnostics).toContain(text);
    }
  });

  it('shows a provider only the members it treats, a member only itself, checks SMART scopes, and audits every read', async () => {
    // Riverside billed Ada's visits: it sees her record; Lakeside did not, and it does not.
    expect((await bundle(`/fhir/Encounter?patient=${MEMBER.key}`, riverside)).total).toBe(2);
    expect((await bundle(`/fhir/Encounter?patient=${MEMBER.key}`, lakeside)).total).toBe(0);
    const encId = (await bundle(`/fhir/Encounter?patient=${MEMBER.key}`)).entry![0]!.resource['id'];
    expect((await get(`/fhir/Encounter/${encId}`, lakeside)).statusCode).toBe(404);
    // Submitting data for a member is not treating them: Lakeside billed nobody.
    expect((await bundle(`/fhir/Observation?patient=${birgit}&category=vital-signs`, lakeside)).total).toBe(0);
    // A member's app (patient context) reaches its member only.
    const asMember = { actor: 'member:mem-2', orgId: PAYER.id, orgKind: 'payer' as const, role: 'analyst' as const, purpose: 'member-request' as const, patientKey: MEMBER_2.key };
    expect((await memberClinicalData(t.deps.store.db, asMember, MEMBER.key, ['Encounter'], { action: 'search', resourceType: 'Encounter' })).visible).toBe(false);
    expect((await memberClinicalData(t.deps.store.db, { ...asMember, patientKey: MEMBER.key }, MEMBER.key, ['Encounter'], { action: 'search', resourceType: 'Encounter' })).claims).toHaveLength(2);
    // A backend token scoped to Condition reads Conditions, not Observations.
    const smart = await backendToken(t.app, { registrar: payer, orgId: PROVIDER.id, name: 'Riverside EHR', scope: 'system/Condition.rs' });
    expect((await bundle(`/fhir/Condition?patient=${MEMBER.key}`, smart)).total).toBe(3);
    expect((await get(`/fhir/Observation?patient=${MEMBER.key}`, smart)).statusCode).toBe(403);
    expect((await get(`/fhir/Encounter/${encId}`, smart)).statusCode).toBe(403);
    const audit = await t.deps.store.db.selectFrom('audit_event').select(['org_id', 'action', 'member_keys', 'outcome']).where('resource_type', '=', 'Encounter').execute();
    expect(audit).toContainEqual({ org_id: PROVIDER.id, action: 'search', member_keys: [MEMBER.key], outcome: 'success' });
    expect(audit).toContainEqual({ org_id: PROVIDER_2.id, action: 'read', member_keys: [], outcome: 'denied' });
  });

  it("maps every prior authorization decision to a PDex Prior Authorization EOB shaped like the IG's example", async () => {
    const all = await bundle(`/fhir/ExplanationOfBenefit?patient=${MEMBER.key}&use=preauthorization`);
    expect(all.total).toBe(4);
    const byId = new Map(all.entry!.map((e) => [e.resource['id'] as string, e.resource]));
    const approved = byId.get(auths['approved']!)!;
    const example = PDEX_EXAMPLE;
    // Profile and use, as the example.
    expect(approved['meta'].profile).toEqual(example['meta'].profile);
    expect(approved['use']).toBe(example['use']);
    // Every element the example carries is present, except what we have no data for (amounts,
    // funds reserve, related claims) and the narrative language.
    const omitted = ['language', 'total', 'fundsReserveRequested', 'fundsReserve', 'related'];
    const wanted = Object.keys(example).filter((k) => !omitted.includes(k));
    expect(wanted.filter((k) => !(k in approved))).toEqual([]);
    // The item adjudication with the PDex reviewAction extension, structured as in the example.
    const exAdj = example['item'][0].adjudication[0];
    const adj = approved['item'][0].adjudication[0];
    expect(adj.category.coding[0].system).toBe(exAdj.category.coding[0].system);
    expect(adj.extension.map((e: Json) => e.url)).toEqual(exAdj.extension.map((e: Json) => e.url));
    const exReview = exAdj.extension[0];
    const review = adj.extension[0];
    expect(review.url).toBe(`${PDEX}/extension-reviewAction`);
    for (const sub of exReview.extension) expect(review.extension.map((e: Json) => e.url)).toContain(sub.url);
    const code = (r: Json) => r['item'][0].adjudication[0].extension[0].extension.find((e: Json) => e.url === `${PDEX}/extension-reviewActionCode`).valueCodeableConcept.coding[0];
    expect(code(approved)).toEqual(code(example));
    expect(review.extension.find((e: Json) => e.url === 'number').valueString).toBe(auths['approved']);
    expect(approved).toMatchObject({ status: 'active', outcome: 'complete', preAuthRef: [auths['approved']], patient: { reference: `Patient/${MEMBER.key}` }, insurance: [{ focal: true, coverage: { reference: 'Coverage/cov-1' } }] });
    expect(approved['preAuthRefPeriod'][0].start).toBe('2026-07-01');
    expect(approved['item'][0].extension.map((e: Json) => e.url)).toContain('http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-itemPreAuthPeriod');

    const denied = byId.get(auths['denied']!)!;
    expect(code(denied).code).toBe('A3');
    expect(denied['item'][0].adjudication[0].extension[0].extension.find((e: Json) => e.url === 'reasonCode').valueCodeableConcept.text).toBe('No weight-bearing X-rays showing joint-space narrowing were provided.');
    expect(denied).not.toHaveProperty('preAuthRef');
    const modified = byId.get(auths['modified']!)!;
    expect(code(modified).code).toBe('A6');
    const units = (r: Json, c: string) => r['item'][0].adjudication.find((a: Json) => a.category.coding[0].code === c)?.value;
    expect([units(modified, 'allowedunits'), units(modified, 'consumedunits'), modified['item'][0].quantity.value]).toEqual([24, 0, 30]);
    const pended = byId.get(auths['pended']!)!;
    expect(code(pended).code).toBe('A4');
    // Pended is what the example shows: outcome queued.
    expect(pended['outcome']).toBe(example['outcome']);
    expect(pended['extension'][0]).toMatchObject({ url: `${PDEX}/extension-levelOfServiceCode`, valueCodeableConcept: { coding: [{ code: 'U' }] } });
  });

  it('lists prior authorizations after the claims EOBs, reads them by id, and shows them to the requesting or treating provider only', async () => {
    const everything = await bundle(`/fhir/ExplanationOfBenefit?patient=${MEMBER.key}`);
    expect(everything.total).toBe(3 + 4);
    expect(everything.entry!.map((e) => e.resource['use'])).toEqual(['claim', 'claim', 'claim', 'preauthorization', 'preauthorization', 'preauthorization', 'preauthorization']);
    const page = await bundle(`/fhir/ExplanationOfBenefit?patient=${MEMBER.key}&_count=2&_offset=2&_include=ExplanationOfBenefit:insurer`);
    expect(page.entry!.filter((e) => e.search!.mode === 'match').map((e) => e.resource['use'])).toEqual(['claim', 'preauthorization']);
    expect(page.entry!.filter((e) => e.search!.mode === 'include').map((e) => e.resource['id'])).toEqual([PAYER.id]);
    expect((await bundle(`/fhir/ExplanationOfBenefit?patient=${MEMBER.key}&use=claim`)).total).toBe(3);
    expect((await bundle(`/fhir/ExplanationOfBenefit?identifier=P-PT`)).entry![0]!.resource['id']).toBe(auths['modified']);
    expect((await get(`/fhir/ExplanationOfBenefit?use=other`)).statusCode).toBe(400);
    const read = await get(`/fhir/ExplanationOfBenefit/${auths['approved']}`, riverside);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ use: 'preauthorization', id: auths['approved'] });
    expect((await get(`/fhir/ExplanationOfBenefit/${auths['approved']}`, lakeside)).statusCode).toBe(404);
  });

  it('reads a submitted resource by its id, and answers 409 when the id names two members\' resources the caller sees', async () => {
    const lab = (id: string, member: string, value: number) => ({
      resourceType: 'Observation', id, status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '4548-4' }] }, subject: { reference: `Patient/${member}` }, effectiveDateTime: '2026-03-01', valueQuantity: { value, unit: '%' },
    });
    const ctx = { actor: 'lakeside.billing', orgId: PROVIDER_2.id, orgKind: 'provider' as const, role: 'billing' as const, purpose: 'treatment' as const };
    await saveSubmission(t.deps.store.db, ctx, { id: 'csub-t1', memberKey: MEMBER.key, channel: 'bundle', measureId: null, receivedAt: '2026-06-30T12:00:00Z', resources: [lab('a1c-1', MEMBER.key, 6.9)] });
    await saveSubmission(t.deps.store.db, ctx, { id: 'csub-t2', memberKey: MEMBER_2.key, channel: 'bundle', measureId: null, receivedAt: '2026-06-30T12:00:00Z', resources: [lab('a1c-1', MEMBER_2.key, 7.4)] });
    const both = await get('/fhir/Observation/a1c-1');
    expect(both.statusCode).toBe(409);
    expect(both.json().issue[0].diagnostics).toContain('search with patient=');
    // Riverside treats Ada only: for it the id is unambiguous.
    const mine = await get('/fhir/Observation/a1c-1', riverside);
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ valueQuantity: { value: 6.9 }, meta: { source: 'urn:tandem:submission:csub-t1', profile: [`${US_CORE}/us-core-observation-lab`] } });
    expect((await bundle(`/fhir/Observation?patient=${MEMBER_2.key}&_id=a1c-1`)).entry![0]!.resource['valueQuantity'].value).toBe(7.4);
    expect((await bundle(`/fhir/Observation?patient=${MEMBER.key}&code=http://loinc.org|4548-4&date=2026-03`)).total).toBe(1);
  });

  it('declares the new types and profiles in the CapabilityStatement', async () => {
    const meta = (await t.app.inject('/fhir/metadata')).json() as Json;
    const resources = meta['rest'][0].resource as Json[];
    expect(resources.find((r) => r['type'] === 'ExplanationOfBenefit')!['supportedProfile']).toContain(`${PDEX}/pdex-priorauthorization`);
    expect(resources.find((r) => r['type'] === 'Observation')).toMatchObject({ supportedProfile: expect.arrayContaining([`${US_CORE}/us-core-observation-lab`]), searchParam: expect.arrayContaining([{ name: 'category', type: 'token' }, { name: 'date', type: 'date' }]) });
    expect(meta['instantiates']).toContain('http://hl7.org/fhir/us/core/CapabilityStatement/us-core-server');
  });

  it('returns the new types from Patient/$everything, with _type', async () => {
    const all = await bundle(`/fhir/Patient/${MEMBER.key}/$everything?_count=200`);
    const types = all.entry!.map((e) => e.resource['resourceType'] as string);
    const n = (x: string) => types.filter((y) => y === x).length;
    // With the A1c Lakeside submitted for Ada (the test before), and that submission's Provenance.
    expect([n('Patient'), n('Coverage'), n('ExplanationOfBenefit'), n('Encounter'), n('Procedure'), n('Condition'), n('Observation'), n('Provenance')]).toEqual([1, 1, 7, 2, 3, 3, 1, 1]);
    expect(all.total).toBe(7 + 2 + 3 + 3 + 1 + 1);
    const paged = await bundle(`/fhir/Patient/${MEMBER.key}/$everything?_type=ExplanationOfBenefit,Condition&_count=5&_offset=5`);
    expect(paged.entry!.map((e) => e.resource['resourceType'])).toEqual(['ExplanationOfBenefit', 'ExplanationOfBenefit', 'Condition', 'Condition', 'Condition']);
    expect(paged.total).toBe(10);
    const synthea = await bundle(`/fhir/Patient/${birgit}/$everything?_type=Immunization`);
    expect(synthea.total).toBe(fromFile('Immunization', (r) => r['occurrenceDateTime']).length);
    expect((await get(`/fhir/Patient/${MEMBER.key}/$everything?_type=Questionnaire`)).statusCode).toBe(400);
  });

  it("exports the new types to the provider's group, prior authorizations among the EOBs", async () => {
    await insertAttributionRun(t.deps.store.db, { id: 'ar-1', payerOrgId: PAYER.id, windowKind: 'performance', windowFrom: '2026-01-01', windowTo: '2026-12-31', method: 'test' }, [
      { memberKey: MEMBER.key, orgId: PROVIDER.id, step: 'plurality', explanation: {} },
    ]);
    const base = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('0.0.0.0', '127.0.0.1');
    const r = await bulkExport(`${base}/fhir/Group/ct-1/$davinci-data-export?_type=ExplanationOfBenefit,Encounter,Condition,Procedure,Observation`, riverside);
    const eobs = r.resources.get('ExplanationOfBenefit')!;
    // The 2015 claim is before the export's 2016 floor.
    expect(eobs.map((e) => e['use']).sort()).toEqual(['claim', 'claim', 'preauthorization', 'preauthorization', 'preauthorization', 'preauthorization']);
    const count = (type: string) => r.manifest.output.find((o) => o.type === type)?.count;
    expect([count('ExplanationOfBenefit'), count('Encounter'), count('Condition'), count('Procedure'), count('Observation')]).toEqual([6, 2, 3, 3, 1]);
    expect(r.resources.get('Encounter')!.map((e) => (e['meta'] as Json)['profile'][0])).toEqual([`${US_CORE}/us-core-encounter`, `${US_CORE}/us-core-encounter`]);
    // The payer's system export covers the Synthea members' submitted data too, and the manifest counts what the files hold.
    const all = await bulkExport(`${base}/fhir/$export?_type=Observation,Immunization`, payer);
    for (const o of all.manifest.output) expect(all.resources.get(o.type)).toHaveLength(o.count!);
    expect((all.resources.get('Immunization') ?? []).filter((i) => (i['patient'] as Json)['reference'] === `Patient/${birgit}`)).toHaveLength(fromFile('Immunization', (x) => x['occurrenceDateTime']).length);
  });
});
