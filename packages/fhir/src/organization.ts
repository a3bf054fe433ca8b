/**
 * Payer and provider organizations as CARIN Blue Button Organization resources (the
 * insurer and provider an EOB points to), which are US Core Organizations too (C4BB builds on
 * it): the same resource is read at /fhir/Organization/{id} and included with an EOB.
 * https://hl7.org/fhir/us/carin-bb/STU2/StructureDefinition-C4BB-Organization.html
 * https://hl7.org/fhir/us/core/STU6.1/StructureDefinition-us-core-organization.html
 */
import type { Organization } from '@medplum/fhirtypes';
import { SYSTEM } from './identifiers.ts';

export function organizationResource(o: { id: string; kind: 'payer' | 'provider'; name: string; npi: string | null; tin: string | null }): Organization {
  const identifier = [
    ...(o.npi ? [{ type: { coding: [{ system: SYSTEM.v2IdentifierType, code: 'NPI' }] }, system: SYSTEM.npi, value: o.npi }] : []),
    ...(o.tin ? [{ type: { coding: [{ system: SYSTEM.v2IdentifierType, code: 'TAX' }] }, system: SYSTEM.tin, value: o.tin }] : []),
  ];
  return {
    resourceType: 'Organization',
    id: o.id,
    meta: { profile: ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-organization', 'http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-Organization'] },
    active: true,
    // FHIR JSON has no empty arrays: an organization with neither NPI nor TIN has no identifier.
    ...(identifier.length ? { identifier } : {}),
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: o.kind === 'payer' ? 'pay' : 'prov' }] }],
    name: o.name,
  };
}
