/**
 * Pharmacy claims → US Core MedicationDispense: one per claim line (the Tuva input layer's
 * pharmacy_claim.csv is stored as claims of kind `pharmacy`, the NDC as the line's code, the
 * quantity as its units, the dispensing date as its service date). The id is derived from the
 * claim and line (`clm-<claim>-rx<line>`), so a read is stable and goes back to the claim.
 * Days supply is not kept by the import, so `daysSupply` is absent.
 *
 * https://hl7.org/fhir/us/core/STU6.1/StructureDefinition-us-core-medicationdispense.html
 */
import { fhirId, type ClinicalClaim, type ClinicalClaimLine } from './clinical-from-claims.ts';
import { SYSTEM } from './identifiers.ts';

/** NDC in FHIR (the 11-digit form the claim carries). https://terminology.hl7.org/NamingSystem-ndc.html */
export const NDC_SYSTEM = 'http://hl7.org/fhir/sid/ndc';

/** A pharmacy claim as the reader gives it: lines with their quantity, and the dispensing pharmacy's NPI. */
export type PharmacyClaim = ClinicalClaim & {
  readonly billingNpi?: string | null;
  readonly lines: ReadonlyArray<ClinicalClaimLine & { readonly units?: number | string | null }>;
};

type Json = { resourceType: string; id: string; [k: string]: unknown };

/** The dispenses of one pharmacy claim of the patient `patientKey` (lines without an NDC give none). */
export function dispensesFromClaim(patientKey: string, c: PharmacyClaim): Json[] {
  const base = fhirId(`clm-${c.id}`);
  const out: Json[] = [];
  for (const l of c.lines) {
    if (!l.procedureCode) continue;
    const qty = l.units === null || l.units === undefined ? NaN : Number(l.units);
    out.push({
      resourceType: 'MedicationDispense',
      id: `${base}-rx${l.lineNumber}`.slice(0, 64),
      identifier: [{ system: 'https://tandem.health/fhir/claim-id', value: `${c.id}#${l.lineNumber}` }],
      status: 'completed',
      medicationCodeableConcept: { coding: [{ system: NDC_SYSTEM, code: l.procedureCode }] },
      subject: { reference: `Patient/${fhirId(patientKey)}` },
      ...(c.billingNpi ? { performer: [{ actor: { identifier: { system: SYSTEM.npi, value: c.billingNpi } } }] } : {}),
      ...(Number.isFinite(qty) ? { quantity: { value: qty } } : {}),
      whenHandedOver: l.serviceFrom,
    });
  }
  return out;
}
