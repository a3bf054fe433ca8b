/**
 * The payer's attribution and risk adjustment runs, for the dashboard's Run panel and
 * `GET /api/attribution-runs`, `GET /api/risk-runs`. The same people who may start a run may
 * list them (run-attribution.ts, run-risk.ts); a provider sees rosters through its contracts.
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { attributionRunList, riskRunList } from '@tandem/store';
import type { Deps } from '../deps.ts';

function requireRunner(ctx: AccessContext, what: string): void {
  if (ctx.orgKind !== 'payer' || !(ctx.role === 'admin' || ctx.role === 'analyst' || ctx.role === 'system')) throw new TandemError('FORBIDDEN', `only payer administrators and analysts list ${what}`);
}

export async function listAttributionRuns(deps: Deps, ctx: AccessContext) {
  requireRunner(ctx, 'attribution runs');
  return { items: await attributionRunList(deps.store.db, ctx.orgId) };
}

export async function listRiskRuns(deps: Deps, ctx: AccessContext) {
  requireRunner(ctx, 'risk runs');
  return { items: await riskRunList(deps.store.db, ctx.orgId) };
}
