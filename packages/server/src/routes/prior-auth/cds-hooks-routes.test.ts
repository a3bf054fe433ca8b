import { MEMBER } from '@tandem/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/index.ts';
import { demoAuthRules } from '../../use-cases/prior-auth/seed-prior-auth.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const COVERAGE_INFO = 'http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information';
const CPT = 'http://www.ama-assn.org/go/cpt';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The coverage-information extension's sub-extensions of each system action, as name → code. */
const coverageInfo = (systemActions: Json[]) => systemActions.map((a) => Object.fromEntries(
  a.resource.extension.find((e: Json) => e.url === COVERAGE_INFO).extension.filter((e: Json) => e.valueCode).map((e: Json) => [e.url, e.valueCode]),
));

describe(`CDS Hooks (Da Vinci CRD) order-select, order-sign and appointment-book on ${db}`, () => {
  let t: TestApp;
  let provider: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const call = (hook: string, context: Json, prefetch?: Json) => t.app.inject({
    method: 'POST', url: `/cds-services/tandem-crd-${hook}`, headers: { ...auth(provider), host: 'payer.example.com:8443' },
    payload: { hook, hookInstance: `test-${hook}`, context: { userId: 'Practitioner/pr-1', patientId: MEMBER.key, ...context }, ...(prefetch ? { prefetch } : {}) },
  });
  const sr = (id: string, code: string, extra: Json = {}) => ({ resource: {
    resourceType: 'ServiceRequest', id, status: 'draft', intent: 'order', subject: { reference: `Patient/${MEMBER.key}` },
    code: { coding: [{ system: CPT, code }] }, occurrenceDateTime: '2026-07-20', ...extra,
  } });
  const orders = (...entry: Json[]) => ({ draftOrders: { resourceType: 'Bundle', type: 'collection', entry } });

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.login('payer.admin');
    provider = await t.login('riverside.billing');
    // The demo rules, with CPAP needing authorization only for obstructive sleep apnea (a rule narrowed by diagnosis).
    const rules = demoAuthRules().map((r) => ((r as Json)['id'] === 'cpap-device' ? { ...(r as Json), diagnoses: ['G47.33'], autoApprove: undefined } : r));
    expect((await t.app.inject({ method: 'POST', url: '/api/prior-auth/rule-sets', headers: auth(admin), payload: { effectiveFrom: '2026-01-01', rules } })).statusCode).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('order-select answers only for the selected orders, with an absolute link', async () => {
    const res = await call('order-select', { selections: ['ServiceRequest/sr-mri'], ...orders(sr('sr-visit', '99213'), sr('sr-mri', '72148')) });
    expect(res.statusCode).toBe(200);
    const { cards, systemActions } = res.json();
    expect(cards.map((c: Json) => [c.uuid, c.indicator, c.summary])).toEqual([['sr-mri-prior-auth', 'warning', 'Prior authorization required: 72148 MRI of the lumbar spine']]);
    expect(cards[0].source.topic).toMatchObject({ code: 'prior-auth' });
    expect(cards[0].links).toEqual([{ label: 'Services that need prior authorization', url: 'http://payer.example.com:8443/prior-authorization/services', type: 'absolute' }]);
    expect(systemActions).toHaveLength(1);
    expect(systemActions[0].resource.id).toBe('sr-mri');
    expect(coverageInfo(systemActions)).toEqual([{ covered: 'covered', 'pa-needed': 'auth-needed', 'doc-needed': 'clinical' }]);
    // A call for another hook than the service's is refused with an OperationOutcome.
    const wrong = await t.app.inject({ method: 'POST', url: '/cds-services/tandem-crd-order-select', headers: auth(provider), payload: { hook: 'order-sign', context: { patientId: MEMBER.key } } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().issue[0].diagnostics).toContain('this service answers order-select, not order-sign');
  });

  it('order-select and order-sign answer a rule narrowed by diagnosis only when the order carries the diagnosis', async () => {
    const cpap = (id: string, dx: string[]) => ({ resource: {
      resourceType: 'DeviceRequest', id, status: 'draft', intent: 'order', subject: { reference: `Patient/${MEMBER.key}` }, occurrenceDateTime: '2026-07-20',
      codeCodeableConcept: { coding: [{ system: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', code: 'E0601' }] },
      reasonCode: dx.map((code) => ({ coding: [{ system: ICD10, code }] })),
    } });
    const sign = (await call('order-sign', orders(cpap('dr-osa', ['G47.33']), cpap('dr-other', ['R06.83'])))).json();
    expect(sign.cards.map((c: Json) => [c.indicator, c.summary])).toEqual([['warning', 'Prior authorization required: E0601 CPAP device'], ['info', 'No prior authorization needed: E0601']]);
    expect(sign.cards[0].detail).toContain('Every request is reviewed by a clinician.');
    expect(coverageInfo(sign.systemActions).map((c) => c['pa-needed'])).toEqual(['auth-needed', 'no-auth']);
    const select = (await call('order-select', { selections: ['DeviceRequest/dr-osa'], ...orders(cpap('dr-osa', ['G47.33'])) })).json();
    expect(select.cards[0].summary).toBe('Prior authorization required: E0601 CPAP device');
  });

  it('uses the place of service of the order\'s Location, and says "conditional" (location needed) when there is none', async () => {
    const sleep = (id: string, extra: Json = {}) => sr(id, '95811', extra);
    const res = await call('order-sign', orders(
      // No location: the facility rule applies only at places of service 19, 21, 22.
      sleep('sr-unknown'),
      // A contained Location typed as a hospital (HL7 role code HOSP = CMS 21).
      sleep('sr-hospital', { contained: [{ resourceType: 'Location', id: 'lab', type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'HOSP' }] }] }], locationReference: [{ reference: '#lab' }] }),
      // A prefetched Location with a CMS place-of-service code: the patient's home (12).
      sleep('sr-home', { locationReference: [{ reference: 'Location/home-1' }] }),
      // ServiceRequest.locationCode with a CMS code: office (11).
      sleep('sr-office', { locationCode: [{ coding: [{ system: 'https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set', code: '11' }] }] }),
    ), { locations: { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Location', id: 'home-1', type: [{ coding: [{ system: 'http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp', code: '12' }] }] } }] } });
    expect(res.statusCode).toBe(200);
    const { cards, systemActions } = res.json();
    expect(cards.map((c: Json) => [c.indicator, c.summary])).toEqual([
      ['info', 'Prior authorization required at place of service 19, 21, 22: 95811 Attended sleep study in a facility'],
      ['warning', 'Prior authorization required: 95811 Attended sleep study in a facility'],
      ['info', 'No prior authorization needed: 95811'],
      ['info', 'No prior authorization needed: 95811'],
    ]);
    expect(cards[0].detail).toContain('when it is performed at place of service 19, 21, 22; elsewhere it needs none');
    expect(cards[1].detail).toContain('at place of service 21.');
    expect(coverageInfo(systemActions)).toEqual([
      { covered: 'covered', 'pa-needed': 'conditional', 'doc-needed': 'clinical', 'info-needed': 'location' },
      { covered: 'covered', 'pa-needed': 'auth-needed', 'doc-needed': 'clinical' },
      { covered: 'covered', 'pa-needed': 'no-auth' },
      { covered: 'covered', 'pa-needed': 'no-auth' },
    ]);
  });

  it('appointment-book answers each booked service, and warns when the member has no coverage on the date', async () => {
    const appt = (id: string, code: string, start: string) => ({ resource: {
      resourceType: 'Appointment', id, status: 'proposed', start, end: start, participant: [{ actor: { reference: `Patient/${MEMBER.key}` }, status: 'accepted' }],
      serviceType: [{ coding: [{ system: CPT, code }] }],
    } });
    const res = await call('appointment-book', { appointments: { resourceType: 'Bundle', type: 'collection', entry: [
      appt('a-tka', '27447', '2026-08-01T09:00:00Z'), appt('a-visit', '99214', '2026-08-02T09:00:00Z'), appt('a-late', '27447', '2027-02-01T09:00:00Z'),
    ] } });
    expect(res.statusCode).toBe(200);
    const { cards, systemActions } = res.json();
    expect(cards.map((c: Json) => [c.uuid, c.indicator, c.summary])).toEqual([
      ['a-tka-prior-auth', 'warning', 'Prior authorization required: 27447 Total knee arthroplasty'],
      ['a-visit-no-auth', 'info', 'No prior authorization needed: 99214'],
      ['a-late-coverage', 'warning', 'No coverage on 2027-02-01 for 27447'],
    ]);
    expect(cards[0].detail).toContain('- Weight-bearing X-rays of the knee');
    expect(systemActions.map((a: Json) => a.resource.id)).toEqual(['a-tka', 'a-visit']);
    // Every call is audited as a read of the member's coverage.
    const audits = await t.deps.store.db.selectFrom('audit_event').select(['actor', 'resource_type', 'detail']).where('resource_type', '=', 'Coverage').where('actor', '=', 'riverside.billing').execute();
    expect(audits.map((a) => (a.detail as Json)['hook'])).toContain('appointment-book');
  });
});
