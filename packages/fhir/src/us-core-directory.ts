/**
 * Tandem's provider registry as the US Core 6.1 directory resources Patient Access serves
 * (PDex pdex-server-6-1): Practitioner, PractitionerRole, Organization, Location, Endpoint.
 * The registry keeps organizations (payers and providers) and practitioners, each practitioner
 * with one organization and one NUCC taxonomy; so
 * - a PractitionerRole per practitioner (same id): practitioner, organization, the taxonomy as
 *   specialty (and as code when it is a classification-level code), the organization's Location;
 * - a Location per provider organization (same id): its name, type and managing organization
 *   (the registry holds no addresses, so none is given);
 * - one Endpoint, Tandem's own FHIR base, where the plan and its network exchange data (PAS,
 *   DEQM, Provider Access): what each PractitionerRole names as its technical endpoint.
 * https://hl7.org/fhir/us/core/STU6.1/StructureDefinition-us-core-practitioner.html
 * https://hl7.org/fhir/us/core/STU6.1/StructureDefinition-us-core-practitionerrole.html
 * https://hl7.org/fhir/us/core/STU6.1/StructureDefinition-us-core-location.html
 */
import type { Endpoint, Location, Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import type { Practitioner as RegistryPractitioner } from '@tandem/core';
import { SYSTEM } from './identifiers.ts';

const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition';

/** The directory types served, and the search parameters each answers (US Core 6.1 server statement; `_id` for all). */
export const US_CORE_DIRECTORY_SEARCH_PARAMS = {
  Practitioner: ['_id', 'name', 'identifier'],
  PractitionerRole: ['_id', 'specialty', 'practitioner'],
  Organization: ['_id', 'name', 'address', 'identifier'],
  Location: ['_id', 'name', 'address', 'address-city', 'address-state', 'address-postalcode'],
  Endpoint: ['_id'],
} as const satisfies Record<string, readonly string[]>;
export type UsCoreDirectoryType = keyof typeof US_CORE_DIRECTORY_SEARCH_PARAMS;
export const US_CORE_DIRECTORY_TYPES = Object.keys(US_CORE_DIRECTORY_SEARCH_PARAMS) as readonly UsCoreDirectoryType[];

/** `_include`s of a PractitionerRole search (US Core: SHALL practitioner and endpoint). */
export const PRACTITIONER_ROLE_INCLUDES = ['practitioner', 'organization', 'location', 'endpoint'] as const;

/** The profiles each directory type is shaped to (Organization: also CARIN BB, see ./organization.ts). */
export const US_CORE_DIRECTORY_PROFILES: Readonly<Record<Exclude<UsCoreDirectoryType, 'Endpoint'>, string>> = {
  Practitioner: `${US_CORE}/us-core-practitioner`,
  PractitionerRole: `${US_CORE}/us-core-practitionerrole`,
  Organization: `${US_CORE}/us-core-organization`,
  Location: `${US_CORE}/us-core-location`,
};

/** NUCC Health Care Provider Taxonomy, the code system of US Core's provider role and specialty value sets. */
export const NUCC_TAXONOMY = 'http://nucc.org/provider-taxonomy';

/** The id of the one Endpoint: Tandem's FHIR base. */
export const TANDEM_ENDPOINT_ID = 'tandem-fhir';

/** A registry practitioner with its organization's name (for PractitionerRole.organization.display). */
export type PractitionerInput = RegistryPractitioner & { readonly orgName: string };

export interface LocationInput {
  readonly id: string;
  readonly name: string;
  readonly providerType: string | null;
}

export function practitionerResource(p: PractitionerInput): Practitioner {
  return {
    resourceType: 'Practitioner', id: p.id,
    meta: { profile: [US_CORE_DIRECTORY_PROFILES.Practitioner] },
    identifier: [{ system: SYSTEM.npi, value: p.npi }],
    name: [{ family: p.lastName, given: [p.firstName] }],
  };
}

/**
 * A NUCC code whose specialization part is empty (`207Q00000X`) is a classification: US Core's
 * provider role value set takes exactly those; every code is a specialty.
 * https://hl7.org/fhir/us/core/STU6.1/ValueSet-us-core-provider-role.html
 */
export function isNuccClassification(code: string): boolean {
  return /^[0-9]{3}[0-9A-Z]00000X$/.test(code);
}

export function practitionerRoleResource(p: PractitionerInput): PractitionerRole {
  const taxonomy = { coding: [{ system: NUCC_TAXONOMY, code: p.taxonomy }], text: p.specialty };
  return {
    resourceType: 'PractitionerRole', id: p.id,
    meta: { profile: [US_CORE_DIRECTORY_PROFILES.PractitionerRole] },
    practitioner: { reference: `Practitioner/${p.id}`, display: `${p.firstName} ${p.lastName}` },
    organization: { reference: `Organization/${p.orgId}`, display: p.orgName },
    ...(isNuccClassification(p.taxonomy) ? { code: [taxonomy] } : {}),
    specialty: [taxonomy],
    location: [{ reference: `Location/${p.orgId}`, display: p.orgName }],
    // US Core pd-1: contact details or an endpoint. Tandem has no telecoms; its FHIR base is the endpoint.
    endpoint: [{ reference: `Endpoint/${TANDEM_ENDPOINT_ID}` }],
  };
}

/** HL7 v3 RoleCode service delivery location types for the registry's provider types. */
const LOCATION_TYPE: Readonly<Record<string, { code: string; display: string }>> = {
  hospital: { code: 'HOSP', display: 'Hospital' },
  clinic: { code: 'OF', display: 'Outpatient facility' },
  physician_group: { code: 'OF', display: 'Outpatient facility' },
};

export function locationResource(o: LocationInput): Location {
  const type = o.providerType ? LOCATION_TYPE[o.providerType] : undefined;
  return {
    resourceType: 'Location', id: o.id,
    meta: { profile: [US_CORE_DIRECTORY_PROFILES.Location] },
    status: 'active', name: o.name, mode: 'instance',
    ...(type ? { type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', ...type }] }] } : {}),
    managingOrganization: { reference: `Organization/${o.id}`, display: o.name },
  };
}

/** Tandem's FHIR base as an Endpoint (`fhirBase` as the server is reached, e.g. https://host/fhir). */
export function tandemEndpoint(fhirBase: string): Endpoint {
  return {
    resourceType: 'Endpoint', id: TANDEM_ENDPOINT_ID, status: 'active', name: 'Tandem FHIR R4 API',
    connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'hl7-fhir-rest', display: 'HL7 FHIR' },
    payloadType: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/endpoint-payload-type', code: 'any', display: 'Any' }] }],
    payloadMimeType: ['application/fhir+json'],
    address: fhirBase,
  };
}
