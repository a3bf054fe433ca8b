/**
 * Audit records: who did what to which member data, when and why. Written by the
 * repositories that read or write member data, inside the caller's transaction when there is one.
 */
import { disclosurePurpose, type AccessContext } from '@tandem/core';
import type { Db } from '../open-database.ts';

export interface AuditEntry {
  readonly action: 'read' | 'search' | 'create' | 'update' | 'export' | 'login';
  readonly resourceType: string;
  readonly resourceId?: string | null;
  readonly memberKeys?: readonly string[];
  readonly outcome?: 'success' | 'denied' | 'error';
  readonly detail?: Record<string, unknown>;
}

/** Actions that disclose member data to whoever made the request. */
const DISCLOSING = new Set<AuditEntry['action']>(['read', 'search', 'export']);

/**
 * Writes one audit record. A read, search or export names its purpose in detail.purpose: the
 * access API it came through (patient-access, provider-access, payer-to-payer) or else the
 * purpose of use the token carries (treatment, payment, operations, member-request).
 */
export async function recordAudit(db: Db, ctx: AccessContext, e: AuditEntry): Promise<void> {
  const detail = DISCLOSING.has(e.action) ? { ...e.detail, purpose: disclosurePurpose(ctx) } : e.detail;
  await db
    .insertInto('audit_event')
    .values({
      actor: ctx.actor, org_id: ctx.orgId, action: e.action, resource_type: e.resourceType, resource_id: e.resourceId ?? null,
      member_keys: JSON.stringify([...new Set(e.memberKeys ?? [])].filter(Boolean)), purpose: ctx.purpose, outcome: e.outcome ?? 'success',
      detail: detail ? JSON.stringify(detail) : null,
    })
    .execute();
}

export async function listAudit(db: Db, orgId: string | null, limit = 100) {
  let q = db.selectFrom('audit_event').selectAll().orderBy('id', 'desc').limit(limit);
  if (orgId) q = q.where('org_id', '=', orgId);
  return q.execute();
}
