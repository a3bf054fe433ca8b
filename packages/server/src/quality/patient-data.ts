/**
 * What a measure sees of a member: a Patient, the Encounters/Procedures/Conditions derived from
 * the member's claims, and the clinical resources providers submitted — one collection Bundle per
 * member — with, for every resource, where it came from (the evidence a result points to).
 */
import { clinicalFromClaim, clinicalPatient, dispensesFromClaim, fhirId } from '@tandem/fhir';
import { clinicalResources, qualityClaims, type Db, type QualityMember } from '@tandem/store';
import type { FhirBundle, FhirResource } from './measure-package.ts';

export type EvidenceSource =
  | { kind: 'claim'; claimId: string; providerOrgId: string | null; lineNumber?: number; diagnosis?: string; serviceDate: string }
  | { kind: 'submission'; submissionId: string; submitterOrgId: string; actor: string; channel: string; receivedAt: string };

export interface MemberBundle {
  readonly member: QualityMember;
  readonly bundle: FhirBundle;
  /** `Type/id` → source. */
  readonly sources: Map<string, EvidenceSource>;
}

/** Years of claims a measure may look back over (CMS130 accepts a colonoscopy in the 9 years before the period). */
export const LOOKBACK_YEARS = 10;

export async function memberBundles(db: Db, members: readonly QualityMember[], year: number): Promise<MemberBundle[]> {
  const keys = members.map((m) => m.key);
  const [claims, submitted] = await Promise.all([qualityClaims(db, keys, `${year - LOOKBACK_YEARS}-01-01`, `${year}-12-31`), clinicalResources(db, keys)]);
  const byMember = new Map<string, MemberBundle>();
  for (const m of members) {
    const patient = clinicalPatient(m) as FhirResource;
    byMember.set(m.key, { member: m, bundle: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: patient }] }, sources: new Map() });
  }
  for (const c of claims) {
    const mb = byMember.get(c.memberKey);
    if (!mb) continue;
    // A pharmacy claim is a dispense, not a visit: its lines carry NDCs, which as Encounters and
    // Procedures would be coded as HCPCS (as US Core's Patient Access serves them: MedicationDispense).
    if (c.kind === 'pharmacy') {
      for (const r of dispensesFromClaim(c.memberKey, c)) {
        mb.bundle.entry!.push({ resource: r as FhirResource });
        mb.sources.set(`MedicationDispense/${r.id}`, { kind: 'claim', claimId: c.id, providerOrgId: c.providerOrgId, serviceDate: c.serviceFrom });
      }
      continue;
    }
    for (const d of clinicalFromClaim(c.memberKey, c)) {
      mb.bundle.entry!.push({ resource: d.resource });
      mb.sources.set(`${d.resource.resourceType}/${d.resource.id}`, {
        kind: 'claim', claimId: d.claimId, providerOrgId: c.providerOrgId, serviceDate: c.serviceFrom,
        ...(d.lineNumber !== undefined ? { lineNumber: d.lineNumber } : {}), ...(d.diagnosis ? { diagnosis: d.diagnosis } : {}),
      });
    }
  }
  for (const r of submitted) {
    const mb = byMember.get(r.memberKey);
    if (!mb) continue;
    mb.bundle.entry!.push({ resource: r.resource as FhirResource });
    mb.sources.set(`${r.resourceType}/${r.resourceId}`, { kind: 'submission', submissionId: r.submissionId, submitterOrgId: r.submitterOrgId, actor: r.actor, channel: r.channel, receivedAt: r.receivedAt });
  }
  return members.map((m) => byMember.get(m.key)!);
}

const SUBJECT_FIELDS = ['subject', 'patient', 'beneficiary'] as const;
/**
 * Types whose patient element is not `subject` (R4): Device and RelatedPerson name it
 * `patient`; the others name no patient at all (a drug, a Provenance, a directory entry), so
 * none is added — adding `subject` would make them invalid FHIR.
 */
const PATIENT_FIELD: Readonly<Record<string, 'patient' | null>> = {
  Device: 'patient', RelatedPerson: 'patient',
  Medication: null, Provenance: null, Substance: null, Organization: null, Practitioner: null, PractitionerRole: null, Location: null, Endpoint: null, HealthcareService: null,
};

/**
 * A submitted resource made the member's: its subject points at the member's Patient, so that a
 * provider's own patient id does not hide it from the measure. Patients are not stored (the member
 * record is the patient), nor are resources without a type and id.
 */
export function normalizeSubmitted(memberKey: string, r: FhirResource): FhirResource | null {
  if (r.resourceType === 'Patient' || typeof r.id !== 'string' || !r.id) return null;
  const copy = structuredClone(r);
  const ref = { reference: `Patient/${fhirId(memberKey)}` };
  for (const f of SUBJECT_FIELDS) if (f in copy) (copy as Record<string, unknown>)[f] = ref;
  const field = r.resourceType in PATIENT_FIELD ? PATIENT_FIELD[r.resourceType] : 'subject';
  if (field && !SUBJECT_FIELDS.some((f) => f in copy)) (copy as Record<string, unknown>)[field] = ref;
  return copy;
}
