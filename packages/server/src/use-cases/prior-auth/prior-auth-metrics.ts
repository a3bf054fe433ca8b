/** The CMS-0057-F annual public report, from the stored determinations (aggregates only). */
import { priorAuthMetrics, type PriorAuthMetrics, type PriorAuthPriority, type RequestStatus } from '@tandem/core';
import { decidedPriorAuths, priorAuthYears } from '@tandem/store';
import type { Deps } from '../../deps.ts';

export async function priorAuthReport(deps: Deps, year: number): Promise<PriorAuthMetrics & { years: number[] }> {
  const rows = await decidedPriorAuths(deps.store.db, null, year);
  const m = priorAuthMetrics(year, rows.map((r) => ({
    priority: r.priority as PriorAuthPriority, status: r.status as RequestStatus, current: r.current as RequestStatus, receivedAt: new Date(r.received_at), decidedAt: new Date(r.decided_at!), extended: r.extended, appealed: r.appealed,
  })));
  return { ...m, years: await priorAuthYears(deps.store.db) };
}
