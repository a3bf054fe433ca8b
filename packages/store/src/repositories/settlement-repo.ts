/**
 * Member lists go to the database as one JSON parameter (rosters can be far larger than the
 * 65,535 bind parameters a statement may carry).
 *
 * What a settlement reads (terms in effect, the roster of the latest attribution run,
 * member months, expenditure with its run-out cut-off, the roster's risk scores) and the
 * immutable run it stores.
 */
import type { AccessContext } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import { recordAudit } from './audit-repo.ts';

export async function addContractTerms(db: Db, contractId: string, effectiveFrom: string, terms: Record<string, unknown>): Promise<number> {
  const last = await db.selectFrom('contract_terms').select((eb) => eb.fn.max('version').as('v')).where('contract_id', '=', contractId).executeTakeFirst();
  const version = Number(last?.v ?? 0) + 1;
  await db.insertInto('contract_terms').values({ contract_id: contractId, version, effective_from: effectiveFrom, terms: JSON.stringify(terms) }).execute();
  return version;
}

/** The latest terms version effective on or before `asOf`. */
export async function termsInEffect(db: Db, contractId: string, asOf: string) {
  return db.selectFrom('contract_terms').select(['version', 'terms', sql<string>`to_char(effective_from, 'YYYY-MM-DD')`.as('effective_from')]).where('contract_id', '=', contractId).where('effective_from', '<=', asOf).orderBy('effective_from', 'desc').orderBy('version', 'desc').executeTakeFirst();
}

/** The members assigned to `orgId` by the latest retrospective attribution run whose window is [from, to]. */
export async function latestRoster(db: Db, payerId: string, orgId: string, from: string, to: string): Promise<{ runId: string; members: string[] } | null> {
  const run = await db.selectFrom('attribution_run').select('id').where('payer_org_id', '=', payerId).where('window_kind', '=', 'retrospective').where('window_from', '=', from).where('window_to', '=', to).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  if (!run) return null;
  const rows = await db.selectFrom('attribution').select('member_key').where('run_id', '=', run.id).where('org_id', '=', orgId).orderBy('member_key').execute();
  return { runId: run.id, members: rows.map((r) => r.member_key) };
}

/** Member months of coverage within [from, to] for each member (a month counts when covered on its first day). */
export async function memberMonths(db: Db, members: readonly string[], from: string, to: string): Promise<number> {
  if (members.length === 0) return 0;
  const r = await sql<{ n: string }>`
    select count(*) as n from (
      select distinct c.member_key, m.month
      from coverage c
      cross join lateral generate_series(date_trunc('month', greatest(c.effective_from, ${from}::date)), least(coalesce(c.effective_to, ${to}::date), ${to}::date), interval '1 month') as m(month)
      where c.member_key = any(array(select jsonb_array_elements_text(${JSON.stringify(members)}::jsonb))) and m.month >= c.effective_from and m.month <= coalesce(c.effective_to, ${to}::date)
    ) x`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** Member months of coverage within [from, to] per member (a month counts when covered on its first day). */
export async function memberMonthsByMember(db: Db, members: readonly string[], from: string, to: string): Promise<Map<string, number>> {
  if (members.length === 0) return new Map();
  const r = await sql<{ member_key: string; n: string }>`
    select member_key, count(*) as n from (
      select distinct c.member_key, m.month
      from coverage c
      cross join lateral generate_series(date_trunc('month', greatest(c.effective_from, ${from}::date)), least(coalesce(c.effective_to, ${to}::date), ${to}::date), interval '1 month') as m(month)
      where c.member_key = any(array(select jsonb_array_elements_text(${JSON.stringify(members)}::jsonb))) and m.month >= c.effective_from and m.month <= coalesce(c.effective_to, ${to}::date)
    ) x group by member_key`.execute(db);
  return new Map(r.rows.map((x) => [x.member_key, Number(x.n)]));
}

/**
 * Claims for bundled episodes: every claim (duplicates excluded) with service in
 * [from, lastDay] received by `cutoff`, of the members who have a claim billed by `orgId`
 * with service in [from, to]; `anchorable` marks the organization's own claims (only they
 * open episodes). Line procedure codes and the MS-DRG come along as trigger candidates.
 */
export async function episodeClaims(db: Db, payerId: string, orgId: string, from: string, to: string, lastDay: string, cutoff: string) {
  const rows = await sql<{ id: string; member_key: string; service_from: string; drg_code: string | null; paid_cents: string; provider_org_id: string | null; procedures: string[] }>`
    with m as (
      select distinct member_key from claim
      where payer_org_id = ${payerId} and provider_org_id = ${orgId} and member_key is not null and status <> 'duplicate'
        and service_date_from between ${from}::date and ${to}::date)
    select c.id, c.member_key, to_char(c.service_date_from, 'YYYY-MM-DD') as service_from, c.drg_code, c.paid_cents, c.provider_org_id,
      coalesce((select json_agg(l.procedure_code order by l.line_number) from claim_line l where l.claim_id = c.id and l.procedure_code is not null), '[]'::json) as procedures
    from claim c
    where c.payer_org_id = ${payerId} and c.member_key in (select member_key from m) and c.status <> 'duplicate'
      and c.service_date_from between ${from}::date and ${lastDay}::date and c.received_at < (${cutoff}::date + 1)
    order by c.member_key, c.service_date_from, c.id`.execute(db);
  return rows.rows.map((r) => ({ claimId: r.id, memberKey: r.member_key, serviceFrom: r.service_from, drg: r.drg_code, procedureCodes: r.procedures, paidCents: Number(r.paid_cents), anchorable: r.provider_org_id === orgId }));
}

/** Paid cents per member for claims with service in [from, to] received by `cutoff` (duplicates excluded). */
export async function expenditureByMember(db: Db, payerId: string, members: readonly string[], from: string, to: string, cutoff: string): Promise<Map<string, number>> {
  if (members.length === 0) return new Map();
  const rows = await db
    .selectFrom('claim')
    .select(['member_key', (eb) => eb.fn.sum<string>('paid_cents').as('paid'), (eb) => eb.fn.countAll<string>().as('claims')])
    .where('payer_org_id', '=', payerId)
    .where(sql<boolean>`member_key = any(array(select jsonb_array_elements_text(${JSON.stringify(members)}::jsonb)))`)
    .where('status', '<>', 'duplicate')
    .where('service_date_from', '>=', from)
    .where('service_date_from', '<=', to)
    .where(sql<boolean>`received_at < (${cutoff}::date + 1)`)
    .groupBy('member_key')
    .execute();
  return new Map(rows.map((r) => [r.member_key!, Number(r.paid)]));
}

/**
 * The claim set of a settlement: per member, the claims with service in [from, to] received by
 * `cutoff` (duplicates excluded) as `[claim id, paid cents]`, in claim id order — what the
 * run freezes so it can be replayed and drilled into however the claims change later.
 */
export async function claimSetByMember(db: Db, payerId: string, members: readonly string[], from: string, to: string, cutoff: string): Promise<Map<string, Array<[string, number]>>> {
  if (members.length === 0) return new Map();
  // One row per member with its claims aggregated in SQL: a 100,000-member roster is 100,000 rows, not one per claim.
  const rows = await sql<{ member_key: string; claims: Array<[string, number | string]> }>`
    select member_key, json_agg(json_build_array(id, paid_cents) order by id collate "C") as claims
    from claim
    where payer_org_id = ${payerId} and member_key = any(array(select jsonb_array_elements_text(${JSON.stringify(members)}::jsonb)))
      and status <> 'duplicate' and service_date_from between ${from}::date and ${to}::date and received_at < (${cutoff}::date + 1)
    group by member_key`.execute(db);
  return new Map(rows.rows.map((r) => [r.member_key, r.claims.map(([id, cents]): [string, number] => [id, Number(cents)])]));
}

/** Payment scores (decimal text, four places) of the roster members in the latest risk run for a payment year. */
export async function rosterRiskScores(db: Db, payerId: string, paymentYear: number, members: readonly string[]): Promise<{ runId: string; scores: Record<string, string> } | null> {
  const run = await db.selectFrom('risk_run').select('id').where('payer_org_id', '=', payerId).where('payment_year', '=', paymentYear).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  if (!run || members.length === 0) return run ? { runId: run.id, scores: {} } : null;
  const rows = await db.selectFrom('risk_score').select(['member_key', sql<string>`payment_score::text`.as('score')]).where('run_id', '=', run.id).where(sql<boolean>`member_key = any(array(select jsonb_array_elements_text(${JSON.stringify(members)}::jsonb)))`).orderBy('member_key').execute();
  return { runId: run.id, scores: Object.fromEntries(rows.map((r) => [r.member_key, r.score])) };
}

export async function insertSettlementRun(db: Db, run: { id: string; contractId: string; termsVersion: number; period: number; inputs: Record<string, unknown>; outputs: Record<string, unknown> }): Promise<void> {
  await db.insertInto('settlement_run').values({ id: run.id, contract_id: run.contractId, terms_version: run.termsVersion, period: run.period, inputs: JSON.stringify(run.inputs), outputs: JSON.stringify(run.outputs) }).execute();
}

/** Contracts the caller is a party to (payer: its own; provider: those it holds). */
export async function visibleContracts(db: Db, ctx: AccessContext) {
  let q = db.selectFrom('contract').select(['id', 'name', 'payer_org_id', 'provider_org_id', sql<string>`to_char(effective_from, 'YYYY-MM-DD')`.as('effective_from')]);
  q = ctx.orgKind === 'payer' ? q.where('payer_org_id', '=', ctx.orgId) : q.where('provider_org_id', '=', ctx.orgId);
  return q.orderBy('id').execute();
}

/** Settlement runs of a contract the caller is a party to (newest first); null when the contract is not theirs. */
export async function listSettlements(db: Db, ctx: AccessContext, contractId: string) {
  const mine = (await visibleContracts(db, ctx)).some((c) => c.id === contractId);
  if (!mine) return null;
  return db.selectFrom('settlement_run').select(['id', 'period', 'terms_version', sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`.as('created_at'), sql<number>`(outputs->>'paymentCents')::bigint`.as('payment_cents')]).where('contract_id', '=', contractId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

/** The contract a settlement run belongs to, when the caller is a party to it (else null: a 404 like a missing run). */
async function runOfParty(db: Db, ctx: AccessContext, id: string) {
  const row = await db.selectFrom('settlement_run').select(['id', 'contract_id', 'period', 'terms_version']).where('id', '=', id).executeTakeFirst();
  return row && (await visibleContracts(db, ctx)).some((c) => c.id === row.contract_id) ? row : null;
}

/**
 * Member keys a stored run's inputs name (roster, spend, claim set). A bundles run freezes the
 * claims of every member the organization billed in the year, to find episodes; only members
 * with an episode are in its statement, so only they are disclosed (expenditureByMember).
 */
function keysOf(inputs: Record<string, unknown>): string[] {
  const sources = inputs['type'] === 'bundles' ? ['expenditureByMember'] : ['expenditureByMember', 'memberMonthsByMember', 'claims'];
  const maps = sources.map((k) => (inputs[k] ?? {}) as Record<string, unknown>);
  return [...new Set(maps.flatMap((m) => Object.keys(m)))].sort();
}

/**
 * One settlement statement, the same for both parties to the contract; audited as a read of
 * every member whose expenditure it lists. Null when the caller is not a party. The claim set
 * stays out of the statement (it is per claim; `settlementMemberClaims` serves one member's).
 */
export async function getSettlement(db: Db, ctx: AccessContext, id: string) {
  if (!(await runOfParty(db, ctx, id))) return null;
  const row = await db.selectFrom('settlement_run').select(['id', 'contract_id', 'period', 'terms_version', sql<Record<string, unknown>>`inputs - 'claims'`.as('inputs'), 'outputs']).where('id', '=', id).executeTakeFirstOrThrow();
  // Shared savings and bundles list expenditure per member; capitation lists member months.
  const keys = keysOf(row.inputs);
  await recordAudit(db, ctx, { action: 'read', resourceType: 'SettlementRun', resourceId: id, memberKeys: keys });
  // Who the keys are, for the drill-down (member id and name; not part of the stored snapshot).
  const people = keys.length
    ? await db.selectFrom('member').select(['key', 'member_id', 'first_name', 'last_name']).where(sql<boolean>`key = any(array(select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb)))`).orderBy('key').execute()
    : [];
  return {
    id: row.id, contractId: row.contract_id, period: row.period, termsVersion: row.terms_version, type: (row.inputs as { type?: string }).type ?? 'shared-savings', inputs: row.inputs, outputs: row.outputs,
    members: Object.fromEntries(people.map((p) => [p.key, { memberId: p.member_id, name: `${p.first_name} ${p.last_name}`.trim() }])),
  };
}

/**
 * A stored run whole — its frozen inputs with the claim set, and its outputs — for the replay.
 * Audited as a read of every member the snapshot names. Null when the caller is not a party.
 */
export async function getSettlementSnapshot(db: Db, ctx: AccessContext, id: string) {
  if (!(await runOfParty(db, ctx, id))) return null;
  const row = await db.selectFrom('settlement_run').select(['id', 'contract_id', 'period', 'terms_version', 'inputs', 'outputs']).where('id', '=', id).executeTakeFirstOrThrow();
  await recordAudit(db, ctx, { action: 'read', resourceType: 'SettlementRun', resourceId: id, memberKeys: keysOf(row.inputs), detail: { purpose: 'replay' } });
  return { id: row.id, contractId: row.contract_id, period: row.period, termsVersion: row.terms_version, inputs: row.inputs, outputs: row.outputs };
}

/**
 * One member's claims in a stored run, from the frozen claim set: the paid cents the run
 * counted, with the claim's date, provider and status read now for display (and its paid
 * amount now, when that changed since). Null when the caller is not a party or the run does
 * not name the member. Audited as a read of that member.
 */
export async function settlementMemberClaims(db: Db, ctx: AccessContext, id: string, memberKey: string) {
  const run = await runOfParty(db, ctx, id);
  if (!run) return null;
  const row = await db
    .selectFrom('settlement_run')
    .select([sql<string>`inputs->>'type'`.as('type'), sql<unknown[][] | null>`inputs->'claims'->${memberKey}::text`.as('claims'), sql<string | null>`coalesce(inputs->'expenditureByMember'->>${memberKey}::text, inputs->'memberMonthsByMember'->>${memberKey}::text)`.as('figure')])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  // A bundles run shows only members with an episode (see keysOf); others' claims stay frozen, unseen.
  if (row.figure === null && (row.claims === null || row.type === 'bundles')) return null;
  // Shared savings freezes [id, cents]; bundles [id, service date, cents, …].
  const paidAt = row.type === 'bundles' ? 2 : 1;
  const frozen = (row.claims ?? []).map((c) => ({ id: String(c[0]), countedCents: Number(c[paidAt]) }));
  const ids = frozen.map((c) => c.id);
  const live = ids.length
    ? await db
        .selectFrom('claim as c')
        .leftJoin('organization as o', 'o.id', 'c.provider_org_id')
        .select(['c.id', 'c.kind', 'c.status', 'c.paid_cents', 'o.name as provider_name', sql<string>`to_char(c.service_date_from, 'YYYY-MM-DD')`.as('service_date'), sql<string>`to_char(c.received_at at time zone 'UTC', 'YYYY-MM-DD')`.as('received')])
        .where(sql<boolean>`c.id = any(array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)))`)
        .execute()
    : [];
  const byId = new Map(live.map((c) => [c.id, c]));
  const person = await db.selectFrom('member').select(['member_id', 'first_name', 'last_name']).where('key', '=', memberKey).executeTakeFirst();
  await recordAudit(db, ctx, { action: 'read', resourceType: 'SettlementRun', resourceId: id, memberKeys: [memberKey], detail: { claims: frozen.length } });
  return {
    settlementId: id, contractId: run.contract_id, period: run.period, type: row.type, memberKey, memberId: person?.member_id ?? '', name: person ? `${person.first_name} ${person.last_name}`.trim() : '',
    figure: Number(row.figure ?? 0), countedCents: frozen.reduce((t, c) => t + c.countedCents, 0),
    claims: frozen.map((c) => {
      const x = byId.get(c.id);
      const now = x ? Number(x.paid_cents) : null;
      return { id: c.id, countedCents: c.countedCents, ...(now !== c.countedCents ? { paidNowCents: now } : {}), serviceDate: x?.service_date ?? null, receivedOn: x?.received ?? null, kind: x?.kind ?? null, status: x?.status ?? null, providerName: x?.provider_name ?? '' };
    }),
  };
}
