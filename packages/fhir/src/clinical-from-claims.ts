/**
 * Claims → the clinical resources quality measures read (QI-Core 4.1.1 shapes): one Encounter per
 * claim, one Procedure per service line with a CPT/HCPCS code, one Condition per ICD-10-CM
 * diagnosis — each dated by the claim's (or line's) service dates and coded in the code systems
 * the measures' value sets use, so `[Encounter: "Office Visit"]` finds a 99213 line.
 *
 * https://hl7.org/fhir/us/qicore/STU4.1.1/ ; value-set code systems: https://vsac.nlm.nih.gov
 */
import type { Patient } from '@medplum/fhirtypes';
import { icd10WithDot, procedureSystem, SYSTEM } from './identifiers.ts';

export interface ClinicalClaimLine {
  readonly lineNumber: number;
  readonly procedureCode: string | null;
  readonly revenueCode: string | null;
  readonly serviceFrom: string;
  readonly serviceTo: string;
}

export interface ClinicalClaim {
  readonly id: string;
  readonly kind: string;
  readonly placeOfService: string | null;
  readonly typeOfBill: string | null;
  readonly serviceFrom: string;
  readonly serviceTo: string;
  readonly diagnoses: ReadonlyArray<{ qualifier: string; code: string }>;
  readonly lines: readonly ClinicalClaimLine[];
}

export interface ClinicalPatient {
  readonly key: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly dateOfBirth: string;
  readonly gender: string;
}

/** A resource derived from a claim, with where it came from (kept as evidence). */
export interface DerivedResource {
  readonly resource: { resourceType: string; id: string; [k: string]: unknown };
  readonly claimId: string;
  readonly lineNumber?: number;
  readonly diagnosis?: string;
}

/** FHIR ids: [A-Za-z0-9-.]{1,64}. Claim ids are ours, so a readable transform keeps them unique enough; a hash tail keeps long ones unique. */
export function fhirId(raw: string): string {
  const clean = raw.replace(/[^A-Za-z0-9.-]/g, '-');
  if (clean.length <= 64) return clean;
  let h = 0;
  for (let i = 0; i < raw.length; i++) h = (Math.imul(h, 31) + raw.charCodeAt(i)) | 0;
  return `${clean.slice(0, 55)}-${(h >>> 0).toString(16)}`;
}

export function clinicalPatient(p: ClinicalPatient): Patient {
  return {
    resourceType: 'Patient',
    id: fhirId(p.key),
    meta: { profile: ['http://hl7.org/fhir/us/qicore/StructureDefinition/qicore-patient'] },
    name: [{ family: p.lastName, given: [p.firstName] }],
    gender: p.gender === 'M' ? 'male' : p.gender === 'F' ? 'female' : 'unknown',
    birthDate: p.dateOfBirth,
  };
}

// X12 HI qualifiers for ICD-10-CM diagnoses (principal, admitting, other, reason for visit); ICD-9 (BK/BF) is not mapped.
const ICD10_QUALIFIERS = new Set(['ABK', 'ABF', 'ABJ', 'APR', 'ABN']);

/** Encounter, Procedures and Conditions for one claim of the patient `patientKey`. */
export function clinicalFromClaim(patientKey: string, c: ClinicalClaim): DerivedResource[] {
  const subject = { reference: `Patient/${fhirId(patientKey)}` };
  const base = fhirId(`clm-${c.id}`);
  const inpatient = c.kind === 'institutional' && /^0?11/.test(c.typeOfBill ?? '');
  const codes = new Map<string, { system: string; code: string }>();
  for (const l of c.lines) {
    if (l.procedureCode) codes.set(`p${l.procedureCode}`, { system: procedureSystem(l.procedureCode), code: l.procedureCode });
    if (l.revenueCode) codes.set(`r${l.revenueCode}`, { system: SYSTEM.revenue, code: l.revenueCode });
  }
  const out: DerivedResource[] = [];
  out.push({
    claimId: c.id,
    resource: {
      resourceType: 'Encounter',
      id: `${base}-enc`.slice(0, 64),
      meta: { profile: ['http://hl7.org/fhir/us/qicore/StructureDefinition/qicore-encounter'] },
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: inpatient ? 'IMP' : 'AMB' },
      type: [...codes.values()].map((coding) => ({ coding: [coding] })),
      subject,
      period: { start: c.serviceFrom, end: c.serviceTo },
      ...(c.placeOfService ? { location: [{ location: { display: `place of service ${c.placeOfService}` } }] } : {}),
    },
  });
  for (const l of c.lines) {
    if (!l.procedureCode) continue;
    out.push({
      claimId: c.id,
      lineNumber: l.lineNumber,
      resource: {
        resourceType: 'Procedure',
        id: `${base}-l${l.lineNumber}`.slice(0, 64),
        meta: { profile: ['http://hl7.org/fhir/us/qicore/StructureDefinition/qicore-procedure'] },
        status: 'completed',
        code: { coding: [{ system: procedureSystem(l.procedureCode), code: l.procedureCode }] },
        subject,
        performedPeriod: { start: l.serviceFrom, end: l.serviceTo },
        encounter: { reference: `Encounter/${base}-enc` },
      },
    });
  }
  for (const [i, d] of c.diagnoses.entries()) {
    if (!ICD10_QUALIFIERS.has(d.qualifier)) continue;
    out.push({
      claimId: c.id,
      diagnosis: d.code,
      resource: {
        resourceType: 'Condition',
        id: `${base}-dx${i + 1}`.slice(0, 64),
        meta: { profile: ['http://hl7.org/fhir/us/qicore/StructureDefinition/qicore-condition'] },
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
        verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
        code: { coding: [{ system: SYSTEM.icd10cm, code: icd10WithDot(d.code) }] },
        subject,
        onsetDateTime: c.serviceFrom,
        recordedDate: c.serviceFrom,
        encounter: { reference: `Encounter/${base}-enc` },
      },
    });
  }
  return out;
}
