/**
 * Da Vinci ATR reconciliation on a contract's roster: `$member-add` / `$member-remove` are kept
 * as changes on top of the payer's latest attribution run (the run itself is never edited, so
 * it stays reproducible), `$confirm-attribution-list` records the provider's confirmation of
 * the list as it stood. The roster a contract shows — Group read, export, status — is the
 * run's assignments with the latest change per member applied.
 * https://hl7.org/fhir/us/davinci-atr/STU2/
 */
import type { AccessContext } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import { recordAudit } from './audit-repo.ts';

/** The payer's latest attribution run (the run a contract's roster is read from), if any. */
export async function latestRunOf(db: Db, payerOrgId: string) {
  return db.selectFrom('attribution_run')
    .select(['id', 'window_kind', sql<string>`to_char(window_from, 'YYYY-MM-DD')`.as('from'), sql<string>`to_char(window_to, 'YYYY-MM-DD')`.as('to'), sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`.as('at')])
    .where('payer_org_id', '=', payerOrgId).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
}

/**
 * The member keys on a contract's roster now, as a subquery: the latest run's assignments to
 * the contract's provider, minus members whose latest change is a removal, plus those whose
 * latest change is an addition. One SQL statement, whatever the roster's size.
 */
export function rosterMemberKeys(contractId: string) {
  return sql<{ member_key: string }>`(
    with c as (select id, payer_org_id, provider_org_id from contract where id = ${contractId}),
    run as (select r.id from attribution_run r join c on r.payer_org_id = c.payer_org_id order by r.created_at desc, r.id desc limit 1),
    last_change as (
      select distinct on (member_key) member_key, action from roster_change
      where contract_id = ${contractId} and run_id = (select id from run) order by member_key, id desc)
    select a.member_key from attribution a join c on a.org_id = c.provider_org_id
    where a.run_id = (select id from run) and not exists (select 1 from last_change l where l.member_key = a.member_key and l.action = 'remove')
    union
    select l.member_key from last_change l where l.action = 'add')`;
}

/**
 * The member keys on any roster of a provider organization now, as one subquery: for each of
 * its contracts, the payer's latest run's assignments to it with that contract's changes
 * applied (the union of `rosterMemberKeys` over the provider's contracts).
 */
export function providerRosterKeys(providerOrgId: string) {
  return sql<{ member_key: string }>`(
    with c as (select id, payer_org_id from contract where provider_org_id = ${providerOrgId}),
    runs as (select c.id as contract_id, (select r.id from attribution_run r where r.payer_org_id = c.payer_org_id order by r.created_at desc, r.id desc limit 1) as run_id from c),
    last_change as (
      select distinct on (rc.contract_id, rc.member_key) rc.contract_id, rc.member_key, rc.action from roster_change rc
      join runs on runs.contract_id = rc.contract_id and runs.run_id = rc.run_id order by rc.contract_id, rc.member_key, rc.id desc)
    select a.member_key from runs join attribution a on a.run_id = runs.run_id and a.org_id = ${providerOrgId}
    where not exists (select 1 from last_change l where l.contract_id = runs.contract_id and l.member_key = a.member_key and l.action = 'remove')
    union
    select l.member_key from last_change l where l.action = 'add')`;
}

export interface RosterChange {
  readonly contractId: string;
  readonly runId: string;
  readonly memberKey: string;
  readonly action: 'add' | 'remove';
  readonly reason: string;
  readonly periodStart: string | null;
  readonly periodEnd: string | null;
}

/** Records one change and its audit event (the member it changes) together. */
export async function insertRosterChange(db: Db, ctx: AccessContext, c: RosterChange): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const r = await trx.insertInto('roster_change').values({
      contract_id: c.contractId, run_id: c.runId, member_key: c.memberKey, action: c.action, reason: c.reason, period_start: c.periodStart, period_end: c.periodEnd, actor: ctx.actor,
    }).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'update', resourceType: 'Group', resourceId: c.contractId, memberKeys: [c.memberKey], detail: { operation: `member-${c.action}`, run: c.runId, reason: c.reason, period: { start: c.periodStart, end: c.periodEnd }, change: r.id } });
    return r.id;
  });
}

/** The latest change per member of a contract's roster in a run (what the Group shows for each). */
export async function latestRosterChanges(db: Db, contractId: string, runId: string) {
  const rows = await sql<{ id: number; member_key: string; action: 'add' | 'remove'; reason: string; period_start: string | null; period_end: string | null; actor: string; created_at: string }>`
    select distinct on (member_key) id, member_key, action, reason, period_start, period_end, actor, created_at from roster_change
    where contract_id = ${contractId} and run_id = ${runId} order by member_key, id desc`.execute(db);
  return new Map(rows.rows.map((r) => [r.member_key, { ...r, id: Number(r.id) }]));
}

/** The last change id of a contract's roster in a run (0 when none): what a confirmation confirms. */
export async function lastChangeId(db: Db, contractId: string, runId: string): Promise<number> {
  const r = await db.selectFrom('roster_change').select((eb) => eb.fn.max('id').as('id')).where('contract_id', '=', contractId).where('run_id', '=', runId).executeTakeFirst();
  return Number(r?.id ?? 0);
}

export async function insertRosterConfirmation(db: Db, ctx: AccessContext, c: { contractId: string; runId: string; lastChangeId: number; members: number }) {
  return db.transaction().execute(async (trx) => {
    const r = await trx.insertInto('roster_confirmation').values({ contract_id: c.contractId, run_id: c.runId, last_change_id: c.lastChangeId, members: c.members, confirmed_by: ctx.actor, org_id: ctx.orgId })
      .returning(['id', sql<string>`to_char(confirmed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`.as('at')]).executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'update', resourceType: 'Group', resourceId: c.contractId, detail: { operation: 'confirm-attribution-list', run: c.runId, lastChange: c.lastChangeId, members: c.members } });
    return r;
  });
}

/**
 * The provider's latest confirmation of a contract's roster in a run, and whether it still
 * holds (no change was made after it): the list is `final` only while it does.
 */
export async function rosterConfirmation(db: Db, contractId: string, runId: string) {
  const c = await db.selectFrom('roster_confirmation')
    .select(['confirmed_by', 'org_id', 'last_change_id', 'members', sql<string>`to_char(confirmed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`.as('at')])
    .where('contract_id', '=', contractId).where('run_id', '=', runId).orderBy('id', 'desc').executeTakeFirst();
  if (!c) return null;
  const current = (await lastChangeId(db, contractId, runId)) === Number(c.last_change_id ?? 0);
  return { confirmedBy: c.confirmed_by, orgId: c.org_id, confirmedAt: c.at, members: c.members, current };
}
