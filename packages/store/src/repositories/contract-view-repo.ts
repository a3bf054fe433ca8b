/**
 * What the shared contract view reads: the contract (only for its two parties), the year's
 * roster with its changes, the roster's risk scores of two payment years, PMPM by month and
 * one member's claims of the year. Reads that list members are audited by the caller's
 * use case with the member keys it shows.
 */
import type { AccessContext } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import { previousAssignments } from './attribution-repo.ts';

/**
 * `= any(array(select …))`, not `in (select …)`: with fresh, unanalyzed tables the planner
 * guessed a nested loop that re-ran the JSON expansion per claim row (3.4 s instead of 23 ms
 * for 3,000 members); an array is built once and probed through the index.
 */
const keysParam = (members: readonly string[]) => sql<boolean>`member_key = any(array(select jsonb_array_elements_text(${JSON.stringify(members)}::jsonb)))`;

/** The contract when the caller is its payer or its provider organization, else null. */
export async function contractOfParty(db: Db, ctx: AccessContext, id: string) {
  return (
    (await db
      .selectFrom('contract as c')
      .innerJoin('organization as p', 'p.id', 'c.payer_org_id')
      .innerJoin('organization as o', 'o.id', 'c.provider_org_id')
      .select(['c.id', 'c.name', 'c.payer_org_id', 'c.provider_org_id', 'p.name as payer_name', 'o.name as provider_name', sql<string>`to_char(c.effective_from, 'YYYY-MM-DD')`.as('effective_from')])
      .where('c.id', '=', id)
      .where(ctx.orgKind === 'payer' ? 'c.payer_org_id' : 'c.provider_org_id', '=', ctx.orgId)
      .executeTakeFirst()) ?? null
  );
}

export interface RosterMember {
  key: string;
  memberId: string;
  name: string;
  step: string;
  reason: string;
  change: 'new' | 'changed' | 'unchanged';
}

/**
 * The provider organization's members in the latest retrospective attribution run for the
 * year, with their change since the previous run of that window, and the members it lost.
 */
export async function rosterOfYear(db: Db, payerId: string, providerOrgId: string, year: number) {
  const run = await db
    .selectFrom('attribution_run')
    .select(['id', sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`.as('at')])
    .where('payer_org_id', '=', payerId)
    .where('window_kind', '=', 'retrospective')
    .where('window_from', '=', `${year}-01-01`)
    .where('window_to', '=', `${year}-12-31`)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!run) return null;
  const previous = await previousAssignments(db, payerId, 'retrospective', run.id);
  const rows = await db
    .selectFrom('attribution as a')
    .innerJoin('member as m', 'm.key', 'a.member_key')
    .select(['m.key', 'm.member_id', 'm.first_name', 'm.last_name', 'a.step', sql<string>`a.explanation->>'reason'`.as('reason')])
    .where('a.run_id', '=', run.id)
    .where('a.org_id', '=', providerOrgId)
    .orderBy('m.key')
    .execute();
  const members: RosterMember[] = rows.map((r) => ({
    key: r.key, memberId: r.member_id, name: `${r.first_name} ${r.last_name}`.trim(), step: r.step, reason: r.reason ?? '',
    change: previous.size === 0 ? 'unchanged' : !previous.get(r.key) ? 'new' : previous.get(r.key) === providerOrgId ? 'unchanged' : 'changed',
  }));
  const mine = new Set(members.map((m) => m.key));
  const lostKeys = [...previous].filter(([k, org]) => org === providerOrgId && !mine.has(k)).map(([k]) => k).sort();
  const lost = lostKeys.length
    ? await db.selectFrom('member').select(['key', 'member_id', 'first_name', 'last_name']).where(sql<boolean>`key = any(array(select jsonb_array_elements_text(${JSON.stringify(lostKeys)}::jsonb)))`).orderBy('key').execute()
    : [];
  return { runId: run.id, createdAt: run.at, firstRun: previous.size === 0, members, dropped: lost.map((m) => ({ key: m.key, memberId: m.member_id, name: `${m.first_name} ${m.last_name}`.trim() })) };
}

export interface MemberRisk {
  segment: string;
  raw: string;
  payment: string;
  hccs: string[];
  diagnoses: Array<{ code: string; ccs: string[]; note?: string }>;
}

/** The roster's scores in the latest risk run of a payment year (null when there is no run). */
export async function riskOfMembers(db: Db, payerId: string, paymentYear: number, members: readonly string[]): Promise<{ runId: string; scores: Map<string, MemberRisk> } | null> {
  const run = await db.selectFrom('risk_run').select('id').where('payer_org_id', '=', payerId).where('payment_year', '=', paymentYear).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  if (!run) return null;
  const rows = members.length
    ? await db.selectFrom('risk_score').select(['member_key', 'segment', sql<string>`raw_score::text`.as('raw'), sql<string>`payment_score::text`.as('payment'), 'hccs', sql<unknown>`explanation->'diagnoses'`.as('diagnoses')]).where('run_id', '=', run.id).where(keysParam(members)).execute()
    : [];
  return { runId: run.id, scores: new Map(rows.map((r) => [r.member_key, { segment: r.segment, raw: r.raw, payment: r.payment, hccs: r.hccs as string[], diagnoses: (r.diagnoses ?? []) as MemberRisk['diagnoses'] }])) };
}

/** Member months and paid cents (by month of service, duplicates excluded) per month of the year for a set of members. */
export async function monthlyCost(db: Db, payerId: string, members: readonly string[], year: number): Promise<Array<{ month: string; memberMonths: number; paidCents: number }>> {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const months = new Map<string, { memberMonths: number; paidCents: number }>();
  for (let m = 1; m <= 12; m++) months.set(`${year}-${String(m).padStart(2, '0')}`, { memberMonths: 0, paidCents: 0 });
  if (members.length) {
    const mm = await sql<{ month: string; n: string }>`
      select to_char(x.month, 'YYYY-MM') as month, count(*) as n from (
        select distinct c.member_key, m.month
        from coverage c
        cross join lateral generate_series(date_trunc('month', greatest(c.effective_from, ${from}::date)), least(coalesce(c.effective_to, ${to}::date), ${to}::date), interval '1 month') as m(month)
        where c.member_key = any(array(select jsonb_array_elements_text(${JSON.stringify(members)}::jsonb))) and m.month >= c.effective_from and m.month <= coalesce(c.effective_to, ${to}::date)
      ) x group by 1`.execute(db);
    for (const r of mm.rows) months.get(r.month)!.memberMonths = Number(r.n);
    const paid = await db
      .selectFrom('claim')
      .select([sql<string>`to_char(service_date_from, 'YYYY-MM')`.as('month'), (eb) => eb.fn.sum<string>('paid_cents').as('paid')])
      .where('payer_org_id', '=', payerId)
      .where(keysParam(members))
      .where('status', '<>', 'duplicate')
      .where('service_date_from', '>=', from)
      .where('service_date_from', '<=', to)
      .groupBy(sql`to_char(service_date_from, 'YYYY-MM')`)
      .execute();
    for (const r of paid) months.get(r.month)!.paidCents = Number(r.paid);
  }
  return [...months].map(([month, v]) => ({ month, ...v }));
}

/** One member's claims with service in [from, to] (duplicates excluded), for drill-down from a contract view. */
export async function memberClaimsOfPeriod(db: Db, payerId: string, memberKey: string, from: string, to: string) {
  const rows = await db
    .selectFrom('claim as c')
    .leftJoin('organization as o', 'o.id', 'c.provider_org_id')
    .select(['c.id', 'c.kind', 'c.status', 'o.name as provider_name', 'c.provider_org_id', sql<string>`to_char(c.service_date_from, 'YYYY-MM-DD')`.as('service_date'), sql<string>`to_char(c.received_at at time zone 'UTC', 'YYYY-MM-DD')`.as('received'), 'c.paid_cents', 'c.allowed_cents', 'c.diagnoses'])
    .where('c.payer_org_id', '=', payerId)
    .where('c.member_key', '=', memberKey)
    .where('c.status', '<>', 'duplicate')
    .where('c.service_date_from', '>=', from)
    .where('c.service_date_from', '<=', to)
    .orderBy('c.service_date_from')
    .orderBy('c.id')
    .execute();
  return rows.map((r) => ({
    id: r.id, kind: r.kind, status: r.status, providerName: r.provider_name ?? '', providerOrgId: r.provider_org_id, serviceDate: r.service_date, receivedOn: r.received,
    paidCents: Number(r.paid_cents), allowedCents: Number(r.allowed_cents), diagnoses: (r.diagnoses as Array<{ code: string }>).map((d) => d.code),
  }));
}

/** Paid cents (service in the year, duplicates excluded) and member months per member, for the roster table. */
export async function memberYearTotals(db: Db, payerId: string, keys: readonly string[], year: number): Promise<Map<string, { paidCents: number; memberMonths: number }>> {
  const out = new Map<string, { paidCents: number; memberMonths: number }>();
  if (keys.length === 0) return out;
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const rows = await sql<{ member_key: string; paid: string; months: string }>`
    with k as (select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) as member_key),
    paid as (
      select member_key, sum(paid_cents) as paid from claim
      where payer_org_id = ${payerId} and status <> 'duplicate' and service_date_from between ${from}::date and ${to}::date
        and member_key = any(array(select member_key from k)) group by member_key),
    mm as (
      select member_key, count(*) as months from (
        select distinct c.member_key, m.month from coverage c
        cross join lateral generate_series(date_trunc('month', greatest(c.effective_from, ${from}::date)), least(coalesce(c.effective_to, ${to}::date), ${to}::date), interval '1 month') as m(month)
        where c.member_key = any(array(select member_key from k)) and m.month >= c.effective_from and m.month <= coalesce(c.effective_to, ${to}::date)) x
      group by member_key)
    select k.member_key, coalesce(paid.paid, 0) as paid, coalesce(mm.months, 0) as months from k left join paid using (member_key) left join mm using (member_key)`.execute(db);
  for (const r of rows.rows) out.set(r.member_key, { paidCents: Number(r.paid), memberMonths: Number(r.months) });
  return out;
}

/** One member's assignment in an attribution run: the step and the explanation stored with it. */
export async function attributionExplanation(db: Db, runId: string, memberKey: string): Promise<{ step: string; orgId: string | null; explanation: unknown } | null> {
  const r = await db.selectFrom('attribution').select(['step', 'org_id', 'explanation']).where('run_id', '=', runId).where('member_key', '=', memberKey).executeTakeFirst();
  return r ? { step: r.step, orgId: r.org_id, explanation: r.explanation } : null;
}

/** Years with a retrospective attribution run, per payer (newest first). */
export async function attributionYears(db: Db, payerIds: readonly string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (payerIds.length === 0) return out;
  const rows = await db.selectFrom('attribution_run').select(['payer_org_id', sql<number>`extract(year from window_from)::int`.as('year')]).distinct().where('payer_org_id', 'in', [...payerIds]).where('window_kind', '=', 'retrospective').orderBy('year', 'desc').execute();
  for (const r of rows) out.set(r.payer_org_id, [...(out.get(r.payer_org_id) ?? []), Number(r.year)]);
  return out;
}
