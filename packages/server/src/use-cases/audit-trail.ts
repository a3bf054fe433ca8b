/** Reading the audit trail (API `GET /api/audit`, CLI `tandem audit`): one shape for both. */
import type { AccessContext } from '@tandem/core';
import { listAudit, recordAudit, type Db } from '@tandem/store';

export interface AuditFilter {
  readonly member?: string;
  readonly actor?: string;
  readonly action?: string;
  readonly outcome?: string;
  /** YYYY-MM-DD or an ISO timestamp. */
  readonly since?: string;
  /** An event id: only older events (the next page). */
  readonly before?: number;
  readonly limit?: number;
}

export interface AuditEventView {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly orgId: string | null;
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string | null;
  readonly memberKeys: readonly string[];
  readonly purpose: string;
  readonly outcome: string;
  readonly detail: Record<string, unknown> | null;
}

/**
 * Events newest first: the caller's organization's, or every organization's (and those of nobody:
 * refused sign-ins of unknown usernames) when `everyOrganization` (system role, CLI on the database).
 * The read is audited, naming the member filtered on: the events name members.
 */
export async function auditEvents(db: Db, ctx: AccessContext, everyOrganization: boolean, f: AuditFilter): Promise<AuditEventView[]> {
  const rows = await listAudit(db, { orgId: everyOrganization ? undefined : ctx.orgId, memberKey: f.member, actor: f.actor, action: f.action, outcome: f.outcome, since: f.since, beforeId: f.before, limit: f.limit ?? 100 });
  await recordAudit(db, ctx, { action: 'search', resourceType: 'AuditEvent', ...(f.member ? { memberKeys: [f.member] } : {}), detail: { filter: f, events: rows.length } });
  return rows.map((r) => ({
    id: Number(r.id), at: String(r.at), actor: r.actor, orgId: r.org_id, action: r.action, resourceType: r.resource_type, resourceId: r.resource_id,
    memberKeys: r.member_keys as string[], purpose: r.purpose, outcome: r.outcome, detail: r.detail as Record<string, unknown> | null,
  }));
}
