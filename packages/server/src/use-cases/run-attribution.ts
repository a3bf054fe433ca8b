/**
 * An attribution run: every member with at least `minCoverageMonths` months of coverage in
 * the window (default 1) assigned (MSSP method, 42 CFR 425.402) and stored with its explanation; rosters per contract with the members
 * new, changed and dropped since the previous run of the same window kind.
 * Retrospective window = the performance year; prospective = the 12 months ending
 * September 30 of the year before (CMS's offset assignment window).
 */
import { attributeMembers, MSSP_DEFAULTS, rosterChanges, TandemError, type AccessContext, type AttributionParameters, type AttributionStep, type RosterChange } from '@tandem/core';
import { attributionEligible, attributionServices, insertAttributionRun, previousAssignments, recordAudit, reserveNumbers, termsInEffect, voluntaryAlignments, type Db } from '@tandem/store';
import type { Deps } from '../deps.ts';

export type WindowKind = 'retrospective' | 'prospective';

export interface AttributionSummary {
  readonly id: string;
  readonly windowKind: WindowKind;
  readonly windowFrom: string;
  readonly windowTo: string;
  readonly members: number;
  readonly byStep: Readonly<Record<AttributionStep, number>>;
  readonly contracts: ReadonlyArray<{ contractId: string; name: string; providerOrgId: string; members: number; new: number; changed: number; dropped: number }>;
  readonly changes: readonly RosterChange[];
}

export function attributionWindow(year: number, kind: WindowKind): { from: string; to: string } {
  return kind === 'retrospective' ? { from: `${year}-01-01`, to: `${year}-12-31` } : { from: `${year - 2}-10-01`, to: `${year - 1}-09-30` };
}

export async function runAttribution(deps: Deps, ctx: AccessContext, opts: { year: number; window?: WindowKind }): Promise<AttributionSummary> {
  if (ctx.orgKind !== 'payer' || !(ctx.role === 'admin' || ctx.role === 'analyst' || ctx.role === 'system')) throw new TandemError('FORBIDDEN', 'only payer administrators and analysts run attribution');
  const kind = opts.window ?? 'retrospective';
  const { from, to } = attributionWindow(opts.year, kind);
  const db = deps.store.db;
  const { parameters, source } = await attributionParameters(db, ctx.orgId, to);
  const eligible = await attributionEligible(db, ctx.orgId, from, to, parameters.minCoverageMonths);
  const services = await attributionServices(db, ctx.orgId, from, to, parameters.primaryCareCodes);
  const voluntary = await voluntaryAlignments(db, ctx.orgId, to);
  const assigned = attributeMembers(eligible, services, voluntary, parameters);
  const { id, previous } = await db.transaction().execute(async (trx) => {
    const n = await reserveNumbers(trx as Db, 'attribution-run', 1);
    const runId = `attr-${String(n).padStart(6, '0')}`;
    await insertAttributionRun(trx as Db, { id: runId, payerOrgId: ctx.orgId, windowKind: kind, windowFrom: from, windowTo: to, method: `MSSP 42 CFR 425.402${source ? `; parameters from ${source}` : ''}` },
      assigned.map((a) => ({ memberKey: a.memberKey, orgId: a.orgId, step: a.step, explanation: { reason: a.reason, totals: a.totals, services: a.services.map((s) => ({ claimId: s.claimId, line: s.lineNumber, code: s.procedureCode, date: s.serviceDate, npi: s.practitionerNpi, allowedCents: s.allowedCents })) } })));
    await recordAudit(trx as Db, ctx, { action: 'create', resourceType: 'AttributionRun', resourceId: runId, detail: { windowKind: kind, from, to, members: assigned.length } });
    return { id: runId, previous: await previousAssignments(trx as Db, ctx.orgId, kind, runId) };
  });
  const changes = rosterChanges(previous, new Map(assigned.map((a) => [a.memberKey, a.orgId])));
  const contracts = await db.selectFrom('contract').select(['id', 'name', 'provider_org_id']).where('payer_org_id', '=', ctx.orgId).orderBy('id').execute();
  const byStep: Record<AttributionStep, number> = { voluntary: 0, 'primary-care-practitioner': 0, specialist: 0, none: 0 };
  for (const a of assigned) byStep[a.step]++;
  return {
    id, windowKind: kind, windowFrom: from, windowTo: to, members: assigned.length, byStep, changes,
    contracts: contracts.map((c) => ({
      contractId: c.id, name: c.name, providerOrgId: c.provider_org_id,
      members: assigned.filter((a) => a.orgId === c.provider_org_id).length,
      new: changes.filter((x) => x.to === c.provider_org_id && x.change === 'new').length,
      changed: changes.filter((x) => x.change === 'changed' && (x.to === c.provider_org_id || x.from === c.provider_org_id)).length,
      dropped: changes.filter((x) => x.from === c.provider_org_id && x.change === 'dropped').length,
    })),
  };
}

/**
 * Attribution parameters are contract data: a contract's terms may carry
 * `"attribution": {"primaryCareCodes": [...], "primaryCareTaxonomies": [...], "minCoverageMonths": N}`
 * (either list replaces the MSSP default; the minimum months of coverage in the window defaults to 1). One run assigns each member once, so the payer's contracts in
 * effect must agree; the run names the terms it took them from.
 */
export async function attributionParameters(db: Db, payerId: string, asOf: string): Promise<{ parameters: AttributionParameters; source: string | null }> {
  const contracts = await db.selectFrom('contract').select('id').where('payer_org_id', '=', payerId).orderBy('id').execute();
  const found: Array<{ key: string; source: string; parameters: AttributionParameters }> = [];
  for (const c of contracts) {
    const row = await termsInEffect(db, c.id, asOf);
    const raw = (row?.terms as { attribution?: unknown } | undefined)?.attribution;
    if (raw === undefined) continue;
    const parameters = parseAttributionParameters(raw, `contract ${c.id} terms v${row!.version}`);
    found.push({ key: JSON.stringify([[...parameters.primaryCareCodes].sort(), [...parameters.primaryCareTaxonomies].sort(), parameters.minCoverageMonths]), source: `${c.id} terms v${row!.version}`, parameters });
  }
  if (found.length === 0) return { parameters: MSSP_DEFAULTS, source: null };
  const distinct = [...new Set(found.map((f) => f.key))];
  if (distinct.length > 1) throw new TandemError('INVALID_REQUEST', `contracts carry different attribution parameters (${found.map((f) => f.source).join(', ')}); one run assigns each member once — give them the same parameters`);
  return { parameters: found[0]!.parameters, source: found.map((f) => f.source).join(', ') };
}

/** Checks a terms' `attribution` object, naming the list that is wrong (`where` says whose terms). */
export function parseAttributionParameters(raw: unknown, where: string): AttributionParameters {
  const o = (raw ?? {}) as Record<string, unknown>;
  const list = (name: string, re: RegExp): string[] | undefined => {
    const v = o[name];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string' && re.test(x))) throw new TandemError('INVALID_REQUEST', `${where}: attribution.${name} must be a non-empty list of codes matching ${re}`);
    return v as string[];
  };
  const codes = list('primaryCareCodes', /^[A-Z0-9]{5}$/);
  const taxonomies = list('primaryCareTaxonomies', /^[0-9A-Z]{4,9}X?$/);
  const min = o['minCoverageMonths'];
  if (min !== undefined && !(typeof min === 'number' && Number.isInteger(min) && min >= 1 && min <= 12)) throw new TandemError('INVALID_REQUEST', `${where}: attribution.minCoverageMonths must be a whole number of months from 1 to 12`);
  return {
    primaryCareCodes: codes ? new Set(codes) : MSSP_DEFAULTS.primaryCareCodes, primaryCareTaxonomies: taxonomies ?? MSSP_DEFAULTS.primaryCareTaxonomies,
    minCoverageMonths: (min as number | undefined) ?? MSSP_DEFAULTS.minCoverageMonths,
  };
}
