/**
 * A contract's value-based terms as versioned data (DESIGN habit 6): both parties read every
 * version; the payer's administrators add one. `tandem contract terms` and
 * `POST /api/contracts/{id}/terms` both come here, so they validate alike and both are audited.
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { addContractTerms, contractTermsVersions, recordAudit, type Db } from '@tandem/store';
import type { Deps } from '../deps.ts';
import { parseTerms } from './contract-terms.ts';
import { parseAttributionParameters } from './run-attribution.ts';

export interface TermsVersion {
  readonly version: number;
  readonly effectiveFrom: string;
  readonly createdAt: string;
  readonly terms: Record<string, unknown>;
}

/** The effective date when none is given: early enough that imported history falls inside (the CLI's default). */
export const DEFAULT_TERMS_EFFECTIVE = '2000-01-01';

/** Every version of a contract's terms, newest first; NOT_FOUND unless the caller is a party to it. */
export async function listContractTerms(deps: Deps, ctx: AccessContext, contractId: string): Promise<{ contractId: string; versions: TermsVersion[] }> {
  const versions = await contractTermsVersions(deps.store.db, ctx, contractId);
  if (!versions) throw new TandemError('NOT_FOUND', `contract ${contractId}`);
  return { contractId, versions };
}

/** `YYYY-MM-DD` naming a real day, else INVALID_REQUEST naming the field. */
export function parseEffectiveDate(v: unknown, field = 'effective'): string {
  if (v === undefined) return DEFAULT_TERMS_EFFECTIVE;
  const ms = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : NaN;
  // Date.parse rolls 2026-02-30 over to March 2: a real day prints back as itself.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== v) throw new TandemError('INVALID_REQUEST', `${field} must be a date YYYY-MM-DD, e.g. "2026-01-01"`);
  return v;
}

/**
 * Adds a version of the terms, checked by `parseTerms` (the first wrong field is named, as
 * `terms.<field>`). A terms' `attribution` parameters are checked and kept: the attribution
 * run reads them from the terms in effect (run-attribution.ts). Payer administrators only,
 * as for creating a contract: terms decide what is owed.
 */
export async function addContractTermsVersion(deps: Deps, ctx: AccessContext, input: { contractId: string; effective?: unknown; terms: unknown }): Promise<TermsVersion> {
  if (ctx.orgKind !== 'payer' || !(ctx.role === 'admin' || ctx.role === 'system')) throw new TandemError('FORBIDDEN', 'only payer administrators change contract terms');
  const effective = parseEffectiveDate(input.effective);
  if (input.terms === null || typeof input.terms !== 'object' || Array.isArray(input.terms)) throw new TandemError('INVALID_REQUEST', 'terms must be a JSON object, e.g. {"type": "shared-savings", …}');
  const parsed = parseTerms(input.terms);
  const rawAttribution = (input.terms as { attribution?: unknown }).attribution;
  let attribution: Record<string, unknown> | undefined;
  if (rawAttribution !== undefined) {
    if (rawAttribution === null || typeof rawAttribution !== 'object' || Array.isArray(rawAttribution)) throw new TandemError('INVALID_REQUEST', 'terms.attribution must be an object {"primaryCareCodes": [...], "primaryCareTaxonomies": [...]}');
    parseAttributionParameters(rawAttribution, 'terms');
    const a = rawAttribution as Record<string, unknown>;
    attribution = { ...(a['primaryCareCodes'] !== undefined ? { primaryCareCodes: a['primaryCareCodes'] } : {}), ...(a['primaryCareTaxonomies'] !== undefined ? { primaryCareTaxonomies: a['primaryCareTaxonomies'] } : {}) };
  }
  const terms: Record<string, unknown> = { ...parsed, ...(attribution ? { attribution } : {}) };
  return deps.store.db.transaction().execute(async (trx) => {
    const db = trx as Db;
    const mine = await db.selectFrom('contract').select('id').where('id', '=', input.contractId).where('payer_org_id', '=', ctx.orgId).executeTakeFirst();
    if (!mine) throw new TandemError('NOT_FOUND', `contract ${input.contractId}`);
    const version = await addContractTerms(db, input.contractId, effective, terms);
    await recordAudit(db, ctx, { action: 'create', resourceType: 'ContractTerms', resourceId: `${input.contractId}/v${version}`, detail: { effectiveFrom: effective, type: parsed.type } });
    const added = (await contractTermsVersions(db, ctx, input.contractId))!.find((v) => v.version === version)!;
    return added;
  });
}
