/**
 * Audit records: who did what to which member data, when and why. Written by the
 * repositories that read or write member data, inside the caller's transaction when there is one.
 */
import { disclosurePurpose, type AccessContext } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';

/** What an audit event records: the filters of `GET /api/audit` and `tandem audit` take these. */
export const AUDIT_ACTIONS = ['read', 'search', 'create', 'update', 'export', 'login'] as const;
export const AUDIT_OUTCOMES = ['success', 'denied', 'error'] as const;

export interface AuditEntry {
  readonly action: (typeof AUDIT_ACTIONS)[number];
  readonly resourceType: string;
  readonly resourceId?: string | null;
  readonly memberKeys?: readonly string[];
  readonly outcome?: (typeof AUDIT_OUTCOMES)[number];
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

/** Why a sign-in was refused: kept in the audit trail, never told to the caller (no account enumeration). */
export type SignInFailure = 'unknown-username' | 'wrong-password';

/**
 * Records a refused sign-in (HIPAA 164.308(a)(5)(ii)(C), monitoring log-in attempts): the username
 * tried (its first 200 characters), the realm, the address, and the organization of the account when
 * there is one (null for an unknown username: nobody's organization). Throttled attempts are not
 * written — the limiter bounds how many refusals per address and username can reach here.
 */
export async function recordFailedSignIn(db: Db, e: { realm: 'staff' | 'member'; username: string; address: string; orgId: string | null; reason: SignInFailure; memberKey?: string; channel?: string }): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      actor: e.username.slice(0, 200), org_id: e.orgId, action: 'login', resource_type: 'Session', resource_id: null,
      member_keys: JSON.stringify(e.memberKey ? [e.memberKey] : []), purpose: 'operations', outcome: 'denied',
      detail: JSON.stringify({ realm: e.realm, address: e.address, reason: e.reason, ...(e.channel ? { channel: e.channel } : {}) }),
    })
    .execute();
}

export interface AuditQuery {
  /** Only this organization's events; undefined = every organization's and those of nobody (failed sign-ins of unknown usernames). */
  readonly orgId?: string | undefined;
  readonly memberKey?: string | undefined;
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  readonly outcome?: string | undefined;
  /** ISO date or timestamp: events at or after it. */
  readonly since?: string | undefined;
  /** Events with ids below this one (the next page of a newest-first listing). */
  readonly beforeId?: number | undefined;
  readonly limit?: number | undefined;
}

/** Audit events, newest first. */
export async function listAudit(db: Db, q: AuditQuery = {}) {
  let s = db.selectFrom('audit_event').selectAll().orderBy('id', 'desc').limit(q.limit ?? 100);
  if (q.orgId !== undefined) s = s.where('org_id', '=', q.orgId);
  if (q.memberKey) s = s.where(sql<boolean>`member_keys @> ${JSON.stringify([q.memberKey])}::jsonb`);
  if (q.actor) s = s.where('actor', '=', q.actor);
  if (q.action) s = s.where('action', '=', q.action);
  if (q.outcome) s = s.where('outcome', '=', q.outcome);
  if (q.since) s = s.where('at', '>=', q.since);
  if (q.beforeId !== undefined) s = s.where('id', '<', q.beforeId);
  return s.execute();
}
