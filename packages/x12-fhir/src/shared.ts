/** Helpers shared by the X12 → FHIR maps: bundle entries, parties, people, codes. */
import type { Bundle, BundleEntry, Identifier, Patient, Reference, Resource } from '@medplum/fhirtypes';
import { icd10WithDot, money, procedureSystem, SYSTEM } from '@tandem/fhir';
import type { Party, Person } from '@tandem/x12';

export { money, SYSTEM };

/** Code systems for X12 code lists (https://x12.org/codes). */
export const X12 = {
  serviceType: 'https://x12.org/codes/service-type-codes',
  claimStatusCategory: 'https://x12.org/codes/claim-status-category-codes',
  claimStatus: 'https://x12.org/codes/claim-status-codes',
  /** X12 306 Action Code (HCR01), as Da Vinci PAS binds it. */
  reviewAction: 'https://codesystem.x12.org/005010/306',
  rejectReason: 'https://codesystem.x12.org/005010/901',
  insuranceLine: 'https://x12.org/codes/insurance-line-codes',
} as const;

/** A resource collection whose references point at `urn:uuid:` full URLs, numbered deterministically. */
export class Collection {
  private n = 0;
  readonly entries: BundleEntry[] = [];

  add<T extends Resource>(resource: T): Reference<T> {
    const id = (++this.n).toString(16).padStart(12, '0');
    const fullUrl = `urn:uuid:00000000-0000-4000-8000-${id}`;
    this.entries.push({ fullUrl, resource });
    return { reference: fullUrl } as Reference<T>;
  }

  bundle(): Bundle {
    return { resourceType: 'Bundle', type: 'collection', entry: this.entries };
  }
}

const ID_SYSTEMS: Record<string, string> = { XX: SYSTEM.npi, FI: SYSTEM.tin, EI: SYSTEM.tin, MI: SYSTEM.memberId, '34': 'http://hl7.org/fhir/sid/us-ssn' };

export function identifier(p: Party): Identifier | undefined {
  return p.id ? { ...(p.idQualifier && ID_SYSTEMS[p.idQualifier] ? { system: ID_SYSTEMS[p.idQualifier] } : { system: `https://x12.org/codes/identification-code-qualifier/${p.idQualifier ?? ''}` }), value: p.id } : undefined;
}

/** A logical reference by identifier (no resource needed), with the party's name as display. */
export function partyRef<T extends Resource = Resource>(p: Party): Reference<T> {
  const id = identifier(p);
  const display = [p.firstName, p.name].filter(Boolean).join(' ');
  return { ...(id ? { identifier: id } : {}), ...(display ? { display } : {}) } as Reference<T>;
}

const GENDER: Record<string, Patient['gender']> = { M: 'male', F: 'female', U: 'unknown' };

export function patient(p: Person, memberId?: string): Patient {
  const id = memberId ?? (p.idQualifier === 'MI' ? p.id : undefined);
  return {
    resourceType: 'Patient',
    ...(id ? { identifier: [{ type: { coding: [{ system: SYSTEM.v2IdentifierType, code: 'MB' }] }, system: SYSTEM.memberId, value: id }] } : {}),
    name: [{ family: p.name, ...(p.firstName ? { given: [p.firstName] } : {}) }],
    ...(p.gender && GENDER[p.gender] ? { gender: GENDER[p.gender] } : {}),
    ...(p.dateOfBirth ? { birthDate: p.dateOfBirth } : {}),
  };
}

/** ICD-10-CM for ABK/ABF/ABJ/APR…, ICD-9-CM for BK/BF/BJ/PR. */
export function diagnosisCoding(qualifier: string, code: string) {
  return qualifier.startsWith('A') ? { system: SYSTEM.icd10cm, code: icd10WithDot(code) } : { system: 'http://hl7.org/fhir/sid/icd-9-cm', code };
}

/** HC (CPT/HCPCS), AD (CDT), NU (revenue), N4 (NDC) … */
export function procedureCoding(qualifier: string, code: string) {
  if (qualifier === 'HC') return { system: procedureSystem(code), code };
  if (qualifier === 'AD') return { system: 'http://www.ada.org/cdt', code };
  if (qualifier === 'NU') return { system: SYSTEM.revenue, code };
  if (qualifier === 'N4') return { system: 'http://hl7.org/fhir/sid/ndc', code };
  return { system: `https://x12.org/codes/product-service-id-qualifier/${qualifier}`, code };
}
