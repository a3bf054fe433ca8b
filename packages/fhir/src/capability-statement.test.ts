import { describe, expect, it } from 'vitest';
import { accessApiCapabilityStatement, capabilityOfRoute, capabilityStatement, type FhirRouteInfo } from './capability-statement.ts';

/** Routes other route files are adding (ATR, PDex member match, US Core): they land in the right statements without an edit here. */
const ROUTES: FhirRouteInfo[] = [
  { method: 'GET', url: '/fhir/Group', searchParams: ['_id', 'identifier'], patientAccess: false },
  { method: 'GET', url: '/fhir/Group/:id', patientAccess: false },
  { method: 'POST', url: '/fhir/Group/$bulk-member-match', patientAccess: false },
  { method: 'POST', url: '/fhir/Group/$provider-member-match', patientAccess: false },
  { method: 'POST', url: '/fhir/Group/:id/$member-add', patientAccess: false },
  { method: 'GET', url: '/fhir/Group/:id/$davinci-data-export', patientAccess: false },
  { method: 'GET', url: '/fhir/Condition', searchParams: ['patient', 'category'], patientAccess: true },
  { method: 'GET', url: '/fhir/Condition/:id', patientAccess: true },
  { method: 'GET', url: '/fhir/Observation', patientAccess: false },
  { method: 'POST', url: '/fhir/Claim/$submit', patientAccess: false },
  { method: 'GET', url: '/fhir/bulk-status/:id', patientAccess: true },
  { method: 'GET', url: '/fhir/$export', patientAccess: true },
];
const input = { baseUrl: 'https://plan.example/fhir', version: '1', date: '2026-01-01T00:00:00Z', routes: ROUTES };
const summary = (cs: ReturnType<typeof capabilityStatement>) =>
  Object.fromEntries((cs.rest![0]!.resource ?? []).map((r) => [r.type, [...(r.interaction ?? []).map((i) => i.code), ...(r.searchParam ?? []).map((p) => `?${p.name}`), ...(r.operation ?? []).map((o) => `$${o.name}`)]]));

describe('CapabilityStatements from the route table', () => {
  it('reads interactions and operations from route patterns, and skips what is not FHIR', () => {
    expect(capabilityOfRoute(ROUTES[1]!)).toMatchObject({ kind: 'interaction', type: 'Group', code: 'read' });
    expect(capabilityOfRoute(ROUTES[4]!)).toMatchObject({ kind: 'operation', level: 'instance', type: 'Group', name: 'member-add' });
    expect(capabilityOfRoute(ROUTES[11]!)).toMatchObject({ kind: 'operation', level: 'system', name: 'export' });
    expect(capabilityOfRoute(ROUTES[10]!)).toBeNull();
    expect(capabilityOfRoute({ method: 'GET', url: '/fhir/*', patientAccess: false })).toBeNull();
  });

  it('puts each capability in the access APIs it belongs to', () => {
    expect(summary(accessApiCapabilityStatement('patient-access', input))).toEqual({ Condition: ['search-type', 'read', '?patient', '?category'] });
    expect(summary(accessApiCapabilityStatement('provider-access', input))).toEqual({ Group: ['search-type', 'read', '?_id', '?identifier', '$provider-member-match', '$member-add', '$davinci-data-export'] });
    expect(summary(accessApiCapabilityStatement('payer-to-payer', input))).toEqual({ Group: ['search-type', 'read', '?_id', '?identifier', '$bulk-member-match', '$davinci-data-export'] });
    const all = capabilityStatement(input);
    expect(summary(all)).toMatchObject({ Observation: ['search-type'], Claim: ['$submit'] });
    expect(all.rest![0]!.operation).toEqual([{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' }]);
    const provider = accessApiCapabilityStatement('provider-access', input);
    expect(provider).toMatchObject({ id: 'tandem-provider-access', url: 'https://plan.example/fhir/CapabilityStatement/tandem-provider-access' });
    expect(provider.instantiates).toContain('http://hl7.org/fhir/us/davinci-pdex/CapabilityStatement/pdex-provider-access-server');
    expect(provider.rest![0]!.resource![0]!.operation!.find((o) => o.name === 'member-add')!.definition).toBe('http://hl7.org/fhir/us/davinci-atr/OperationDefinition/member-add');
  });
});
