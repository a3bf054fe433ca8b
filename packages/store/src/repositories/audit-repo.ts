/**
 * Audit records: who did what to which member data, when and why. Written by the
 * repositories that read or write member data, inside the caller's transaction when there is one.
 */
import type { AccessContext } from '@tandem/core';
import type { Db } from '../open-database.ts';

export interface AuditEntry {
  readonly action: 'read' | 'search' | 'create' | 'update' | 'export' | 'login';
  readonly resourceType: string;
  readonly resourceId?: string | null;
  readonly memberKeys?: readonly string[];
  readonly outcome?: 'success' | 'denied' | 'error';
  readonly detail?: Record<string, unknown>;
}

export async function recordAudit(db: Db, ctx: AccessContext, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      actor: ctx.actor, org_id: ctx.orgId, action: e.action, resource_type: e.resourceType, resource_id: e.resourceId ?? null,
      member_keys: JSON.stringify([...new Set(e.memberKeys ?? [])].filter(Boolean)), purpose: ctx.purpose, outcome: e.outcome ?? 'success',
      detail: e.detail ? JSON.stringify(e.detail) : null,
    })
    .execute();
}

export async function listAudit(db: Db, orgId: string | null, limit = 100) {
  let q = db.selectFrom('audit_event').selectAll().orderBy('id', 'desc').limit(limit);
  if (orgId) q = q.where('org_id', '=', orgId);
  return q.execute();
}
