/**
 * An attribution run: every member with coverage in the window assigned (MSSP method,
 * 42 CFR 425.402) and stored with its explanation; rosters per contract with the members
 * new, changed and dropped since the previous run of the same window kind.
 * Retrospective window = the performance year; prospective = the 12 months ending
 * September 30 of the year before (CMS's offset assignment window).
 */
import { attributeMembers, MSSP_DEFAULTS, rosterChanges, TandemError, type AccessContext, type AttributionStep, type RosterChange } from '@tandem/core';
import { attributionEligible, attributionServices, insertAttributionRun, previousAssignments, recordAudit, reserveNumbers, voluntaryAlignments, type Db } from '@tandem/store';
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
  const eligible = await attributionEligible(db, ctx.orgId, from, to);
  const services = await attributionServices(db, ctx.orgId, from, to, MSSP_DEFAULTS.primaryCareCodes);
  const voluntary = await voluntaryAlignments(db, ctx.orgId, to);
  const assigned = attributeMembers(eligible, services, voluntary);
  const { id, previous } = await db.transaction().execute(async (trx) => {
    const n = await reserveNumbers(trx as Db, 'attribution-run', 1);
    const runId = `attr-${String(n).padStart(6, '0')}`;
    await insertAttributionRun(trx as Db, { id: runId, payerOrgId: ctx.orgId, windowKind: kind, windowFrom: from, windowTo: to, method: 'MSSP 42 CFR 425.402' },
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
