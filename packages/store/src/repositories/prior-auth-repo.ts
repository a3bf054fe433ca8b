/**
 * Prior authorization requests, their items and decision history, scoped by the access
 * policy in the SQL itself: the payer sees requests made to it, a provider only the requests
 * it made. Every read or write of a request writes an audit record (it is member data).
 */
import { clockState, type AccessContext, type ApprovedAuthorization, type CriterionResult, type ItemAction, type PriorAuthItemView, type PriorAuthPriority, type PriorAuthView, type RequestStatus } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import { recordAudit } from './audit-repo.ts';

export interface NewPriorAuth {
  readonly id: string;
  readonly payerOrgId: string;
  readonly providerOrgId: string;
  readonly memberKey: string;
  readonly channel: 'fhir' | 'x12' | 'dashboard';
  readonly priority: PriorAuthPriority;
  readonly status: RequestStatus;
  readonly submitterRef: { system: string | null; value: string };
  readonly receivedAt: string;
  readonly dueAt: string;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  readonly diagnoses: readonly string[];
  readonly answers: Readonly<Record<string, string | number | boolean>>;
  readonly request: Record<string, unknown>;
}

export interface NewPriorAuthItem {
  readonly sequence: number;
  readonly code: string;
  readonly codeSystem: string;
  readonly modifiers: readonly string[];
  readonly placeOfService: string | null;
  readonly unitsRequested: number;
  readonly unitsApproved: number | null;
  readonly from: string;
  readonly to: string;
  readonly action: ItemAction;
  readonly reason: string;
  readonly ruleSetId: string | null;
  readonly ruleId: string | null;
  readonly documentation: readonly string[];
  readonly criteria: readonly CriterionResult[];
  readonly traceNumber: string | null;
  readonly approvedFrom: string | null;
  readonly approvedTo: string | null;
}

/** Which requests a caller may see: the payer's own, or the provider's own. */
function scoped(db: Db, ctx: AccessContext) {
  return db.selectFrom('prior_auth').where(ctx.orgKind === 'payer' ? 'prior_auth.payer_org_id' : 'prior_auth.provider_org_id', '=', ctx.orgId);
}

function itemRow(authId: string, i: NewPriorAuthItem) {
  return {
    auth_id: authId, sequence: i.sequence, code: i.code, code_system: i.codeSystem, modifiers: JSON.stringify(i.modifiers), place_of_service: i.placeOfService,
    units_requested: i.unitsRequested, units_approved: i.unitsApproved, service_from: i.from, service_to: i.to, action: i.action, reason: i.reason,
    rule_set_id: i.ruleSetId, rule_id: i.ruleId, documentation: JSON.stringify(i.documentation), criteria: JSON.stringify(i.criteria), trace_number: i.traceNumber,
    approved_from: i.approvedFrom, approved_to: i.approvedTo,
  };
}

/**
 * Stores a new request in one statement — its number from the counter, the request, its items,
 * its first event and the audit record (data-modifying CTEs all run, atomically) — and returns
 * its id. One round trip instead of seven keeps automatic decisions fast under load.
 */
export async function createPriorAuth(db: Db, ctx: AccessContext, r: Omit<NewPriorAuth, 'id'>, items: readonly NewPriorAuthItem[], prefix: string): Promise<string> {
  const rows = JSON.stringify(items.map((i) => ({ ...itemRow('', i), modifiers: i.modifiers, documentation: i.documentation, criteria: i.criteria })));
  const event = JSON.stringify({ channel: r.channel, status: r.status, items: items.map((i) => ({ sequence: i.sequence, code: i.code, action: i.action, reason: i.reason })) });
  const res = await sql<{ id: string }>`
    with n as (
      insert into counter (name, value) values (${`prior-auth-${prefix}`}, 1) on conflict (name) do update set value = counter.value + 1 returning value
    ), a as (
      insert into prior_auth (id, payer_org_id, provider_org_id, member_key, channel, priority, status, submitter_system, submitter_value, received_at, due_at,
        decided_at, first_decided_at, decided_by, diagnoses, answers, request, updated_at)
      select ${`PA${prefix}`} || lpad(n.value::text, 8, '0'), ${r.payerOrgId}, ${r.providerOrgId}, ${r.memberKey}, ${r.channel}, ${r.priority}, ${r.status},
        ${r.submitterRef.system}, ${r.submitterRef.value}, ${r.receivedAt}::timestamptz, ${r.dueAt}::timestamptz, ${r.decidedAt}::timestamptz, ${r.decidedAt}::timestamptz, ${r.decidedBy},
        ${JSON.stringify(r.diagnoses)}::jsonb, ${JSON.stringify(r.answers)}::jsonb, ${JSON.stringify(r.request)}::jsonb, ${r.receivedAt}::timestamptz
      from n returning id
    ), i as (
      insert into prior_auth_item (auth_id, sequence, code, code_system, modifiers, place_of_service, units_requested, units_approved, service_from, service_to,
        action, reason, rule_set_id, rule_id, documentation, criteria, trace_number, approved_from, approved_to)
      select a.id, x.sequence, x.code, x.code_system, x.modifiers, x.place_of_service, x.units_requested, x.units_approved, x.service_from, x.service_to,
        x.action, x.reason, x.rule_set_id, x.rule_id, x.documentation, x.criteria, x.trace_number, x.approved_from, x.approved_to
      from a, jsonb_populate_recordset(null::prior_auth_item, ${rows}::jsonb) as x returning 1
    ), e as (
      insert into prior_auth_event (auth_id, at, actor, org_id, action, detail) select a.id, ${r.receivedAt}::timestamptz, ${ctx.actor}, ${ctx.orgId}, 'submitted', ${event}::jsonb from a returning 1
    ), au as (
      insert into audit_event (actor, org_id, action, resource_type, resource_id, member_keys, purpose, outcome, detail)
      select ${ctx.actor}, ${ctx.orgId}, 'create', 'Claim', a.id, ${JSON.stringify([r.memberKey])}::jsonb, ${ctx.purpose}, 'success', ${JSON.stringify({ use: 'preauthorization', status: r.status })}::jsonb from a returning 1
    )
    select id from a`.execute(db);
  return res.rows[0]!.id;
}

/** Replaces the items of a request (an update from the submitter, re-evaluated). */
export async function replacePriorAuthItems(trx: Db, authId: string, items: readonly NewPriorAuthItem[]): Promise<void> {
  await trx.deleteFrom('prior_auth_item').where('auth_id', '=', authId).execute();
  if (items.length) await trx.insertInto('prior_auth_item').values(items.map((i) => itemRow(authId, i))).execute();
}

export async function updatePriorAuthItem(trx: Db, authId: string, sequence: number, u: { action: ItemAction; reason: string; unitsApproved: number | null; approvedFrom: string | null; approvedTo: string | null }): Promise<void> {
  await trx.updateTable('prior_auth_item').set({ action: u.action, reason: u.reason, units_approved: u.unitsApproved, approved_from: u.approvedFrom, approved_to: u.approvedTo })
    .where('auth_id', '=', authId).where('sequence', '=', sequence).execute();
}

export async function setPriorAuthState(trx: Db, id: string, s: { status: RequestStatus; updatedAt: string; decidedAt?: string | null; decidedBy?: string | null; dueAt?: string; extended?: boolean; appealed?: boolean; appealedAt?: string }): Promise<void> {
  await trx.updateTable('prior_auth').set((eb) => ({
    ...(s.decidedAt ? { first_decided_at: eb.fn.coalesce('first_decided_at', sql<string>`${s.decidedAt}::timestamptz`) } : {}),
    ...(s.appealedAt ? { appealed_at: s.appealedAt } : {}),
    status: s.status, updated_at: s.updatedAt, ...(s.decidedAt !== undefined ? { decided_at: s.decidedAt } : {}), ...(s.decidedBy !== undefined ? { decided_by: s.decidedBy } : {}),
    ...(s.dueAt !== undefined ? { due_at: s.dueAt } : {}), ...(s.extended !== undefined ? { extended: s.extended } : {}), ...(s.appealed !== undefined ? { appealed: s.appealed } : {}),
  })).where('id', '=', id).execute();
}

export async function addPriorAuthEvent(trx: Db, ctx: AccessContext, authId: string, at: string, action: string, detail: Record<string, unknown>): Promise<void> {
  await trx.insertInto('prior_auth_event').values({ auth_id: authId, at, actor: ctx.actor, org_id: ctx.orgId, action, detail: JSON.stringify(detail) }).execute();
}

/**
 * The id of a request the caller may see, by our authorization number or the submitter's
 * identifier; with `lock`, the row is locked for the caller's transaction.
 */
export async function findPriorAuthId(db: Db, ctx: AccessContext, ref: string, lock = false): Promise<string | null> {
  let q = scoped(db, ctx).select('prior_auth.id').where((eb) => eb.or([eb('prior_auth.id', '=', ref), eb('prior_auth.submitter_value', '=', ref)])).orderBy('prior_auth.received_at', 'desc').limit(1);
  if (lock) q = q.forUpdate();
  return (await q.executeTakeFirst())?.id ?? null;
}

/** The stored rows of a request (no audit: for use cases that then read it through getPriorAuth). */
export async function priorAuthRow(db: Db, id: string) {
  return db.selectFrom('prior_auth').selectAll().where('id', '=', id).executeTakeFirst();
}

async function views(db: Db, ctx: AccessContext, now: Date, where: { id?: string; status?: readonly string[]; memberKey?: string }, page: { limit: number; offset: number }, order: 'due' | 'received'): Promise<{ total: number; rows: PriorAuthView[] }> {
  let q = scoped(db, ctx);
  if (where.id) q = q.where('prior_auth.id', '=', where.id);
  if (where.status?.length) q = q.where('prior_auth.status', 'in', where.status);
  if (where.memberKey) q = q.where('prior_auth.member_key', '=', where.memberKey);
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const heads = await q
    .innerJoin('member', 'member.key', 'prior_auth.member_key')
    .innerJoin('organization as prov', 'prov.id', 'prior_auth.provider_org_id')
    .innerJoin('organization as payer', 'payer.id', 'prior_auth.payer_org_id')
    .selectAll('prior_auth')
    .select(['member.member_id', 'member.first_name', 'member.last_name', 'member.date_of_birth', 'member.gender', 'prov.name as provider_name', 'prov.npi as provider_npi', 'payer.name as payer_name'])
    .$call((b) => (order === 'due' ? b.orderBy('prior_auth.due_at').orderBy('prior_auth.id') : b.orderBy('prior_auth.received_at', 'desc').orderBy('prior_auth.id', 'desc')))
    .limit(page.limit).offset(page.offset).execute();
  const ids = heads.map((h) => h.id);
  const items = ids.length ? await db.selectFrom('prior_auth_item').selectAll().where('auth_id', 'in', ids).orderBy('auth_id').orderBy('sequence').execute() : [];
  const rows = heads.map((h): PriorAuthView => ({
    id: h.id, status: h.status as RequestStatus, priority: h.priority, channel: h.channel, submitterRef: { system: h.submitter_system, value: h.submitter_value },
    receivedAt: h.received_at, dueAt: h.due_at, decidedAt: h.decided_at, extended: h.extended, appealed: h.appealed,
    clock: clockState(now, new Date(h.due_at), h.priority, h.decided_at ? new Date(h.decided_at) : null),
    member: { key: h.member_key, memberId: h.member_id, firstName: h.first_name, lastName: h.last_name, birthDate: h.date_of_birth, gender: h.gender },
    provider: { orgId: h.provider_org_id, name: h.provider_name, npi: h.provider_npi }, payer: { orgId: h.payer_org_id, name: h.payer_name },
    diagnoses: h.diagnoses,
    items: items.filter((i) => i.auth_id === h.id).map((i): PriorAuthItemView => ({
      sequence: i.sequence, code: i.code, codeSystem: i.code_system, placeOfService: i.place_of_service, unitsRequested: i.units_requested, unitsApproved: i.units_approved,
      unitsUsed: i.units_used, from: i.service_from, to: i.service_to, action: i.action as ItemAction, reason: i.reason, ruleId: i.rule_id,
      documentation: i.documentation, criteria: i.criteria as CriterionResult[], approvedFrom: i.approved_from, approvedTo: i.approved_to, traceNumber: i.trace_number,
    })),
  }));
  return { total, rows };
}

/** One request as the caller may see it, or null (outside its scope is the same as missing). */
export async function getPriorAuth(db: Db, ctx: AccessContext, id: string, now: Date): Promise<PriorAuthView | null> {
  const { rows } = await views(db, ctx, now, { id }, { limit: 1, offset: 0 }, 'received');
  const v = rows[0] ?? null;
  await recordAudit(db, ctx, { action: 'read', resourceType: 'Claim', resourceId: id, memberKeys: v ? [v.member.key] : [], outcome: v ? 'success' : 'denied', detail: { use: 'preauthorization' } });
  return v;
}

/** The payer's queue (ordered by due time) or the provider's list (newest first). */
export async function listPriorAuths(db: Db, ctx: AccessContext, now: Date, f: { status?: readonly string[]; memberKey?: string; limit: number; offset: number; order: 'due' | 'received' }) {
  const r = await views(db, ctx, now, { ...(f.status ? { status: f.status } : {}), ...(f.memberKey ? { memberKey: f.memberKey } : {}) }, f, f.order);
  await recordAudit(db, ctx, { action: 'search', resourceType: 'Claim', memberKeys: r.rows.map((v) => v.member.key), detail: { use: 'preauthorization', count: r.rows.length } });
  return r;
}

export async function listPriorAuthEvents(db: Db, authId: string) {
  return db.selectFrom('prior_auth_event').select(['at', 'actor', 'org_id', 'action', 'detail']).where('auth_id', '=', authId).orderBy('id').execute();
}

/** Approved (or modified) authorizations of these members, rows locked for the claims transaction. */
export async function lockApprovedAuthorizations(trx: Db, memberKeys: readonly string[]): Promise<ApprovedAuthorization[]> {
  if (memberKeys.length === 0) return [];
  const rows = await trx.selectFrom('prior_auth_item').innerJoin('prior_auth', 'prior_auth.id', 'prior_auth_item.auth_id')
    .select(['prior_auth_item.auth_id', 'prior_auth_item.sequence', 'prior_auth.member_key', 'prior_auth_item.code', 'prior_auth_item.approved_from', 'prior_auth_item.approved_to', 'prior_auth_item.units_approved', 'prior_auth_item.units_used'])
    .where('prior_auth.member_key', 'in', [...new Set(memberKeys)]).where('prior_auth_item.action', 'in', ['approved', 'modified'])
    .orderBy('prior_auth_item.auth_id').orderBy('prior_auth_item.sequence')
    // Only the item rows: a reviewer's transaction locks the request row first, so locking it here too could deadlock.
    .forUpdate('prior_auth_item').execute();
  return rows.filter((r) => r.approved_from && r.approved_to && r.units_approved).map((r) => ({
    authId: r.auth_id, sequence: r.sequence, authNumber: r.auth_id, memberKey: r.member_key, code: r.code, from: r.approved_from!, to: r.approved_to!, unitsApproved: r.units_approved!, unitsUsed: r.units_used,
  }));
}

export async function writeAuthorizationUsage(trx: Db, changes: readonly { authId: string; sequence: number; unitsUsed: number }[]): Promise<void> {
  for (const c of changes) await trx.updateTable('prior_auth_item').set({ units_used: c.unitsUsed }).where('auth_id', '=', c.authId).where('sequence', '=', c.sequence).execute();
}

/** Paid claim lines of a member for some codes up to a date: prior conservative treatment for auto-approval criteria. */
export async function memberServiceHistory(db: Db, memberKey: string, codes: readonly string[], upTo: string): Promise<{ code: string; date: string }[]> {
  if (codes.length === 0) return [];
  const rows = await db.selectFrom('claim_line').innerJoin('claim', 'claim.id', 'claim_line.claim_id')
    .select(['claim_line.procedure_code', 'claim_line.service_date_from']).where('claim.member_key', '=', memberKey)
    .where('claim_line.procedure_code', 'in', [...codes]).where('claim_line.paid_cents', '>', 0).where('claim_line.service_date_from', '<=', upTo).execute();
  return rows.map((r) => ({ code: r.procedure_code!, date: r.service_date_from }));
}

/**
 * Determinations of a year, for the public CMS-0057-F report (aggregates only; no member data leaves):
 * year, time and status of the initial determination, and the status now (which differs after an
 * appeal). The initial status is the first one the request's history recorded as decided — at
 * submission, by a reviewer or on an update; a request cancelled before any has none and keeps its own.
 */
export async function decidedPriorAuths(db: Db, payerOrgId: string | null, year: number) {
  let q = db.selectFrom('prior_auth')
    .select(['priority', 'status as current', 'received_at', 'first_decided_at as decided_at', 'extended', 'appealed'])
    .select(sql<string | null>`(select e.detail->>'status' from prior_auth_event e where e.auth_id = prior_auth.id and e.action in ('submitted', 'decided', 'updated')
      and e.detail->>'status' not in ('pended', 'info-requested') order by e.id limit 1)`.as('first_status'))
    .where('first_decided_at', 'is not', null).where('first_decided_at', '>=', `${year}-01-01T00:00:00Z`).where('first_decided_at', '<', `${year + 1}-01-01T00:00:00Z`);
  if (payerOrgId) q = q.where('payer_org_id', '=', payerOrgId);
  return (await q.execute()).map(({ first_status, ...r }) => ({ ...r, status: first_status ?? r.current }));
}

/** Years with any determination, newest first. */
export async function priorAuthYears(db: Db): Promise<number[]> {
  const r = await sql<{ y: number }>`select distinct extract(year from first_decided_at at time zone 'UTC')::int as y from prior_auth where first_decided_at is not null order by y desc`.execute(db);
  return r.rows.map((x) => Number(x.y));
}
