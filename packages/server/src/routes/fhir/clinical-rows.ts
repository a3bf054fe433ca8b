/**
 * Stored rows → the resources served: US Core clinical resources from claims and submissions,
 * Provenances of submissions and Payer-to-Payer imports, and PDex prior-authorization EOBs. Shared by the searches, `$everything` and the bulk export,
 * so each shows the same resource.
 */
import { localReferences, priorAuthEob, servedClinical, submissionProvenance, US_CORE_CLINICAL_TYPES, usCoreFromClaim, type UsCoreClinicalType } from '@tandem/fhir';
import type { ClinicalClaimRow, listImportedResources, PriorAuthEobRow, SubmittedClinicalRow } from '@tandem/store';
import type { ExplanationOfBenefit } from '@medplum/fhirtypes';
import { smartScopeAllows, type AccessContext } from '@tandem/core';

type ImportRows = Awaited<ReturnType<typeof listImportedResources>>;

export type ClinicalJson = { resourceType: string; id: string; [k: string]: unknown };

/** The types a submission's Provenance points at: what is served from submissions (not other Provenances). */
export const PROVENANCE_TARGET_TYPES: readonly string[] = US_CORE_CLINICAL_TYPES.filter((t) => t !== 'Provenance');

/**
 * The resources of `types` among a member's claims and submissions (claims first, then
 * submissions; then, when Provenance is asked for, one per submission that brought a served
 * resource — the store reads every submitted type for it).
 */
export function clinicalResourcesOf(types: readonly UsCoreClinicalType[] | readonly string[], claims: readonly ClinicalClaimRow[], submitted: readonly SubmittedClinicalRow[], scopes?: AccessContext['smartScopes']): ClinicalJson[] {
  const want = new Set<string>(types);
  const out: ClinicalJson[] = [];
  for (const c of claims) for (const r of usCoreFromClaim(c.memberKey, c)) if (want.has(r.resourceType)) out.push(r);
  for (const s of submitted) {
    if (!want.has(s.resourceType)) continue;
    const r = localReferences({ ...s.resource, resourceType: s.resourceType, id: s.resourceId } as ClinicalJson);
    out.push(servedClinical(r, { kind: 'submission', submissionId: s.submissionId, channel: s.channel, submitterOrgId: s.submitterOrgId }, s.receivedAt));
  }
  if (want.has('Provenance')) out.push(...submissionProvenances(submitted, scopes));
  return out;
}

/**
 * A Provenance per submission among `submitted`, targeting its served resources (in submission
 * order). With a SMART token's `scopes`, only targets of types it may read are named, and a
 * submission with none has no Provenance (a Provenance must name a target; naming one the token
 * cannot read would disclose it), as for Payer-to-Payer imports.
 */
export function submissionProvenances(submitted: readonly SubmittedClinicalRow[], scopes?: AccessContext['smartScopes']): ClinicalJson[] {
  const bySubmission = new Map<string, { row: SubmittedClinicalRow; targets: string[] }>();
  for (const s of submitted) {
    if (!PROVENANCE_TARGET_TYPES.includes(s.resourceType)) continue;
    if (scopes !== undefined && !smartScopeAllows(scopes, s.resourceType, 'read')) continue;
    const e = bySubmission.get(s.submissionId) ?? { row: s, targets: [] };
    e.targets.push(`${s.resourceType}/${s.resourceId}`);
    bySubmission.set(s.submissionId, e);
  }
  return [...bySubmission.values()].sort((a, b) => (a.row.submissionId < b.row.submissionId ? -1 : 1)).map(({ row, targets }) =>
    servedClinical(submissionProvenance({ submissionId: row.submissionId, submitterOrgId: row.submitterOrgId, channel: row.channel, receivedAt: row.receivedAt, targets: targets.sort() }),
      { kind: 'submission', submissionId: row.submissionId, channel: row.channel, submitterOrgId: row.submitterOrgId }, row.receivedAt));
}

export function priorAuthEobOf(r: PriorAuthEobRow): ExplanationOfBenefit {
  return priorAuthEob(r);
}

/** A Provenance per Payer-to-Payer import with resources shown: the other payer as author, our organization as custodian, when it was received. */
export function importProvenances(imports: ImportRows['imports'], shown: ImportRows['resources']): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const i of imports) {
    const targets = shown.filter((r) => r.import_id === i.id && r.resource_type !== 'Patient');
    if (targets.length === 0) continue;
    out.push({
      resourceType: 'Provenance', id: i.id,
      target: targets.map((r) => ({ reference: `${r.resource_type}/${r.resource_id}` })),
      recorded: i.imported_at,
      agent: [
        { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }] }, who: { display: i.from_payer } },
        { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'custodian' }] }, who: { reference: `Organization/${i.org_id}` } },
      ],
      entity: [{ role: 'source', what: { display: `Payer-to-Payer export from ${i.from_payer}${i.export_request ? ` (${i.export_request}` : ''}${i.export_transaction_time ? `, transactionTime ${i.export_transaction_time})` : i.export_request ? ')' : ''}` } }],
    });
  }
  return out;
}
