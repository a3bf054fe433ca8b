/**
 * Stored rows → the resources served: US Core clinical resources from claims and submissions,
 * and PDex prior-authorization EOBs. Shared by the searches, `$everything` and the bulk export,
 * so each shows the same resource.
 */
import { localReferences, priorAuthEob, servedClinical, usCoreFromClaim, type UsCoreClinicalType } from '@tandem/fhir';
import type { ClinicalClaimRow, PriorAuthEobRow, SubmittedClinicalRow } from '@tandem/store';
import type { ExplanationOfBenefit } from '@medplum/fhirtypes';

export type ClinicalJson = { resourceType: string; id: string; [k: string]: unknown };

/** The resources of `types` among a member's claims and submissions (claims first, then submissions). */
export function clinicalResourcesOf(types: readonly UsCoreClinicalType[] | readonly string[], claims: readonly ClinicalClaimRow[], submitted: readonly SubmittedClinicalRow[]): ClinicalJson[] {
  const want = new Set<string>(types);
  const out: ClinicalJson[] = [];
  for (const c of claims) for (const r of usCoreFromClaim(c.memberKey, c)) if (want.has(r.resourceType)) out.push(r);
  for (const s of submitted) {
    if (!want.has(s.resourceType)) continue;
    const r = localReferences({ ...s.resource, resourceType: s.resourceType, id: s.resourceId } as ClinicalJson);
    out.push(servedClinical(r, { kind: 'submission', submissionId: s.submissionId, channel: s.channel, submitterOrgId: s.submitterOrgId }, s.receivedAt));
  }
  return out;
}

export function priorAuthEobOf(r: PriorAuthEobRow): ExplanationOfBenefit {
  return priorAuthEob(r);
}
