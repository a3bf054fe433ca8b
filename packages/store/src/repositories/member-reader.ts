/**
 * Member-data reads for the FHIR API (Patient, Coverage, ExplanationOfBenefit), scoped
 * by the access policy: a payer sees its members; a provider sees the members it
 * treats (those it has billed a claim for, those on its attribution rosters, and those it
 * attested a treatment relationship for through $provider-member-match; the last two only
 * while the member has not opted out of Provider Access). Every call writes an audit record.
 */
import type { AccessContext } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import { recordAudit } from './audit-repo.ts';
import { claimScope } from './claim-reader.ts';
import { providerRosterKeys } from './roster-change-repo.ts';

export interface MemberQuery {
  readonly key?: string | undefined;
  /** Several members at once (an `_include` of the members an EOB page names). */
  readonly keys?: readonly string[] | undefined;
  readonly memberId?: string | undefined;
  readonly name?: string | undefined;
  /** FHIR date bounds on the birth date (`birthdate=1956`, `birthdate=ge1950-01-01`). */
  readonly birthdate?: readonly DateBound[] | undefined;
  readonly gender?: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

/**
 * A member who opted out of Provider Access is not there for a provider using it (42 CFR 422.121(a)):
 * the provider's reads on /fhir, like its bulk exports (bulk-export-repo.ts), leave the member out.
 */
const honoursProviderOptOut = (ctx: AccessContext) => ctx.orgKind === 'provider' && ctx.accessApi === 'provider-access';
const notOptedOut = (memberKey: 'member.key' | 'claim.member_key') =>
  sql<boolean>`not exists (select 1 from member_access_choice o where o.member_key = ${sql.ref(memberKey)} and o.provider_access_opt_out)`;

/** Members the caller may see (payer: its own; provider: those it treats; a member app: that member), for other readers to scope by. */
export function visibleMembers(db: Db, ctx: AccessContext) {
  // A member's app (SMART patient context) sees that member only.
  let q = ctx.patientKey === undefined ? db.selectFrom('member') : db.selectFrom('member').where('member.key', '=', ctx.patientKey);
  if (ctx.orgKind === 'payer') return q.where('member.payer_org_id', '=', ctx.orgId);
  if (honoursProviderOptOut(ctx)) q = q.where(notOptedOut('member.key'));
  return q.where((eb) => eb.or([
    // A member it billed a claim for.
    eb.exists(eb.selectFrom('claim').select(sql`1`.as('x')).whereRef('claim.member_key', '=', 'member.key').where('claim.provider_org_id', '=', ctx.orgId)),
    // A member on one of its attribution rosters (the ATR Group, with the payer's changes), who
    // has not opted out of Provider Access.
    eb.and([eb('member.key', 'in', sql<string>`(select r.member_key from ${providerRosterKeys(ctx.orgId)} r)`), notOptedOut('member.key')]),
    // A treatment relationship it attested (PDex $provider-member-match), inside its period, for
    // a member who has not opted out of Provider Access.
    eb.and([
      eb.exists(eb.selectFrom('treatment_relationship as t').select(sql`1`.as('x')).whereRef('t.member_key', '=', 'member.key').where('t.provider_org_id', '=', ctx.orgId)
        .where(sql<boolean>`t.period_start <= current_date and t.period_end >= current_date`)),
      notOptedOut('member.key'),
    ]),
  ]));
}

export async function searchMembers(db: Db, ctx: AccessContext, f: MemberQuery) {
  let q = visibleMembers(db, ctx);
  if (f.key) q = q.where('member.key', '=', f.key);
  if (f.keys) q = f.keys.length ? q.where('member.key', 'in', [...f.keys]) : q.where(sql<boolean>`false`);
  if (f.memberId) q = q.where('member.member_id', '=', f.memberId);
  for (const b of f.birthdate ?? []) q = q.where('member.date_of_birth', SQL_OP[b.op], b.value.slice(0, 10));
  if (f.gender) q = q.where('member.gender', '=', f.gender === 'male' ? 'M' : f.gender === 'female' ? 'F' : 'U');
  if (f.name) {
    const like = `${f.name.replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) => eb.or([eb('member.last_name', 'ilike', like), eb('member.first_name', 'ilike', like)]));
  }
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const rows = await q.selectAll('member').orderBy('member.key').limit(f.limit).offset(f.offset).execute();
  await recordAudit(db, ctx, { action: f.key ? 'read' : 'search', resourceType: 'Patient', resourceId: f.key ?? null, memberKeys: rows.map((r) => r.key), detail: { count: rows.length } });
  return { total, rows };
}

export async function searchCoverages(db: Db, ctx: AccessContext, f: { id?: string | undefined; ids?: readonly string[] | undefined; memberKey?: string | undefined; limit: number; offset: number }) {
  let q = visibleMembers(db, ctx).innerJoin('coverage', 'coverage.member_key', 'member.key').innerJoin('plan', 'plan.id', 'coverage.plan_id').innerJoin('organization as payer', 'payer.id', 'plan.payer_org_id');
  if (f.id) q = q.where('coverage.id', '=', f.id);
  if (f.ids) q = f.ids.length ? q.where('coverage.id', 'in', [...f.ids]) : q.where(sql<boolean>`false`);
  if (f.memberKey) q = q.where('coverage.member_key', '=', f.memberKey);
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const rows = await q
    .select(['coverage.id', 'coverage.member_key', 'coverage.subscriber_key', 'coverage.effective_from', 'coverage.effective_to', 'member.member_id', 'member.relationship', 'plan.id as plan_id', 'plan.name as plan_name', 'plan.line_of_business', 'payer.id as payer_id', 'payer.name as payer_name'])
    .orderBy('coverage.id').limit(f.limit).offset(f.offset).execute();
  await recordAudit(db, ctx, { action: f.id ? 'read' : 'search', resourceType: 'Coverage', resourceId: f.id ?? null, memberKeys: rows.map((r) => r.member_key) });
  return { total, rows };
}

/** A date search parameter's comparison (FHIR prefixes eq, ge, le, gt, lt) on an ISO date or instant. */
export interface DateBound {
  readonly op: 'eq' | 'ge' | 'le' | 'gt' | 'lt';
  readonly value: string;
}

export interface EobFilter {
  readonly id?: string | undefined;
  readonly memberKey?: string | undefined;
  /** professional | institutional (CARIN BB `type`). */
  readonly type?: string | undefined;
  /** The claim's identifier: payer claim control number or patient control number. */
  readonly identifier?: string | undefined;
  /** Service dates overlapping every bound (CARIN BB `service-date`). */
  readonly serviceDate?: readonly DateBound[];
  /** When the claim was adjudicated (`_lastUpdated`). */
  readonly lastUpdated?: readonly DateBound[];
  readonly limit: number;
  readonly offset: number;
}

const SQL_OP = { eq: '=', ge: '>=', le: '<=', gt: '>', lt: '<' } as const;

/** Claims with their lines, for ExplanationOfBenefit. */
export async function searchClaimsWithLines(db: Db, ctx: AccessContext, f: EobFilter) {
  const scope = claimScope(ctx);
  let q = db.selectFrom('claim').where('claim.member_key', 'is not', null).where(scope.column, '=', scope.orgId);
  if (ctx.patientKey !== undefined) q = q.where('claim.member_key', '=', ctx.patientKey);
  if (honoursProviderOptOut(ctx)) q = q.where(notOptedOut('claim.member_key'));
  if (f.id) q = q.where('claim.id', '=', f.id);
  if (f.memberKey) q = q.where('claim.member_key', '=', f.memberKey);
  if (f.type) q = q.where('claim.kind', '=', f.type);
  if (f.identifier) q = q.where((eb) => eb.or([eb('claim.payer_claim_control_number', '=', f.identifier!), eb('claim.patient_control_number', '=', f.identifier!)]));
  // A service period [from, to] matches a bound when some day of it satisfies the comparison.
  for (const b of f.serviceDate ?? []) {
    if (b.op === 'eq') q = q.where('claim.service_date_from', '<=', b.value).where('claim.service_date_to', '>=', b.value);
    else if (b.op === 'ge' || b.op === 'gt') q = q.where('claim.service_date_to', SQL_OP[b.op], b.value);
    else q = q.where('claim.service_date_from', SQL_OP[b.op], b.value);
  }
  // A date-only bound compares the day of adjudication; an instant compares the instant.
  for (const b of f.lastUpdated ?? []) q = b.value.length <= 10 ? q.where(sql`claim.received_at::date`, SQL_OP[b.op], b.value) : q.where('claim.received_at', SQL_OP[b.op], b.value);
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const claims = await q
    .leftJoin('organization as prov', 'prov.id', 'claim.provider_org_id')
    .leftJoin('organization as payer', 'payer.id', 'claim.payer_org_id')
    .leftJoin('coverage', (j) => j.onRef('coverage.member_key', '=', 'claim.member_key').onRef('coverage.plan_id', '=', 'claim.plan_id'))
    .selectAll('claim')
    .select(['prov.name as provider_name', 'payer.name as payer_name', 'coverage.id as coverage_id'])
    .orderBy('claim.id').limit(f.limit).offset(f.offset).execute();
  const ids = claims.map((c) => c.id);
  const lines = ids.length ? await db.selectFrom('claim_line').selectAll().where('claim_id', 'in', ids).orderBy('claim_id').orderBy('line_number').execute() : [];
  await recordAudit(db, ctx, { action: f.id ? 'read' : 'search', resourceType: 'ExplanationOfBenefit', resourceId: f.id ?? null, memberKeys: claims.map((c) => c.member_key ?? '') });
  return { total, claims: claims.map((c) => ({ ...c, lines: lines.filter((l) => l.claim_id === c.id) })) };
}
