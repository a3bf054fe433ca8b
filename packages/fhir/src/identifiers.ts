/** Code systems and identifier systems used by Tandem's FHIR resources. */
export const SYSTEM = {
  memberId: 'https://tandem.health/fhir/member-id',
  /** Tandem's own id of an organization, for one without an NPI (a payer). */
  organizationId: 'https://tandem.health/fhir/organization-id',
  npi: 'http://hl7.org/fhir/sid/us-npi',
  tin: 'urn:oid:2.16.840.1.113883.4.4',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  cpt: 'http://www.ama-assn.org/go/cpt',
  hcpcs: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
  revenue: 'https://www.nubc.org/CodeSystem/RevenueCodes',
  carc: 'https://x12.org/codes/claim-adjustment-reason-codes',
  rarc: 'https://x12.org/codes/remittance-advice-remark-codes',
  pos: 'https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set',
  typeOfBill: 'https://www.nubc.org/CodeSystem/TypeOfBill',
  claimId: 'https://tandem.health/fhir/payer-claim-control-number',
  patientControlNumber: 'https://tandem.health/fhir/patient-control-number',
  carinIdentifierType: 'http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBIdentifierType',
  carinAdjudication: 'http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudication',
  carinAdjudicationDiscriminator: 'http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudicationDiscriminator',
  carinEobType: 'http://hl7.org/fhir/us/carin-bb/StructureDefinition/',
  adjudication: 'http://terminology.hl7.org/CodeSystem/adjudication',
  claimType: 'http://terminology.hl7.org/CodeSystem/claim-type',
  payeeType: 'http://terminology.hl7.org/CodeSystem/payeetype',
  subscriberRelationship: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship',
  v2IdentifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
} as const;

/** CPT codes are five digits or four digits + F/T/U; HCPCS Level II start with a letter. */
export function procedureSystem(code: string): string {
  return /^\d{4}[0-9FTU]$/.test(code) ? SYSTEM.cpt : SYSTEM.hcpcs;
}

/** X12 sends ICD-10-CM without the dot; FHIR's code system has it after the third character. */
export function icd10WithDot(code: string): string {
  return code.length > 3 && !code.includes('.') ? `${code.slice(0, 3)}.${code.slice(3)}` : code;
}

export function money(cents: number): { value: number; currency: 'USD' } {
  // FHIR Money.value is a JSON decimal; cents/100 is exact for display at two places.
  return { value: Number((cents / 100).toFixed(2)), currency: 'USD' };
}
