/**
 * The server's FHIR CapabilityStatement: what /fhir supports today.
 * https://hl7.org/fhir/R4/capabilitystatement.html
 */
import type { CapabilityStatement } from '@medplum/fhirtypes';

export function capabilityStatement(baseUrl: string, version: string, date: string): CapabilityStatement {
  const read = [{ code: 'read' as const }, { code: 'search-type' as const }];
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date,
    kind: 'instance',
    software: { name: 'Tandem', version },
    implementation: { description: 'Tandem payer–provider platform FHIR API', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['json'],
    instantiates: ['http://hl7.org/fhir/us/carin-bb/CapabilityStatement/c4bb', 'http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data'],
    rest: [
      {
        mode: 'server',
        security: {
          cors: true, service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          description: 'SMART App Launch 2.0 and Backend Services tokens (see .well-known/smart-configuration), or dashboard bearer tokens from POST /auth/login or `tandem token`',
        },
        resource: [
          { type: 'Patient', supportedProfile: ['http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-Patient'], interaction: read,
            operation: [
              { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
              { name: 'member-match', definition: 'http://hl7.org/fhir/us/davinci-hrex/OperationDefinition/member-match' },
            ],
            searchParam: [{ name: '_id', type: 'token' }, { name: 'identifier', type: 'token' }, { name: 'name', type: 'string' }, { name: 'birthdate', type: 'date' }, { name: 'gender', type: 'token' }] },
          { type: 'Coverage', supportedProfile: ['http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-Coverage'], interaction: read,
            searchParam: [{ name: '_id', type: 'token' }, { name: 'patient', type: 'reference' }, { name: 'beneficiary', type: 'reference' }] },
          { type: 'ExplanationOfBenefit', supportedProfile: ['http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-ExplanationOfBenefit-Professional-NonClinician', 'http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-ExplanationOfBenefit-Outpatient-Institutional'], interaction: read,
            searchInclude: ['ExplanationOfBenefit:patient', 'ExplanationOfBenefit:coverage', 'ExplanationOfBenefit:insurer', 'ExplanationOfBenefit:provider', 'ExplanationOfBenefit:*'],
            searchParam: [{ name: '_id', type: 'token' }, { name: 'patient', type: 'reference' }, { name: 'type', type: 'token' }, { name: 'identifier', type: 'token' }, { name: 'service-date', type: 'date' }, { name: 'service-start-date', type: 'date' }, { name: 'billable-period-start', type: 'date' }, { name: '_lastUpdated', type: 'date' }] },
          { type: 'Group', supportedProfile: ['http://hl7.org/fhir/us/davinci-atr/StructureDefinition/atr-group', 'http://hl7.org/fhir/us/davinci-pdex/StructureDefinition/pdex-member-match-group', 'http://hl7.org/fhir/us/davinci-pdex/StructureDefinition/pdex-member-no-match-group'], interaction: read,
            operation: [
              { name: 'bulk-member-match', definition: 'http://hl7.org/fhir/us/davinci-pdex/OperationDefinition/BulkMemberMatch' },
              { name: 'davinci-data-export', definition: 'http://hl7.org/fhir/us/davinci-pdex/OperationDefinition/GroupExport' },
              { name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export' },
            ],
            searchParam: [{ name: '_id', type: 'token' }, { name: 'identifier', type: 'token' }, { name: 'characteristic', type: 'token' }] },
          // Da Vinci PAS (prior authorization) and its R4-backport subscription for decisions.
          { type: 'Claim', supportedProfile: ['http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-claim'],
            operation: [{ name: 'submit', definition: 'http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-submit' }, { name: 'inquire', definition: 'http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-inquiry' }] },
          { type: 'ClaimResponse', supportedProfile: ['http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-claimresponse'], interaction: [{ code: 'read' as const }] },
          { type: 'Subscription', supportedProfile: ['http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription'], interaction: [{ code: 'create' as const }, { code: 'read' as const }, { code: 'delete' as const }] },
        ],
        operation: [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' }],
      },
    ],
  };
}
