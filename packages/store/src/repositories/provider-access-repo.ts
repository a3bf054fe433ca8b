/**
 * Provider Access relationships from provider attestation (Da Vinci PDex
 * `$provider-member-match`): the match request, the treatment relationships it created, and
 * the members a match Group discloses. A relationship counts only inside its period and while
 * the member has not opted out of Provider Access (CMS-0057-F, 42 CFR 422.121(b)).
 * https://hl7.org/fhir/us/davinci-pdex/provider-access-api.html
 */
import type { AccessContext } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import { recordAudit } from './audit-repo.ts';

/** The payers a provider is in network with on `today` (a contract in effect): Provider Access is for in-network providers. */
export async function networkPayers(db: Db, providerOrgId: string, today: string): Promise<string[]> {
  const rows = await db.selectFrom('contract').select('payer_org_id').distinct()
    .where('provider_org_id', '=', providerOrgId).where('effective_from', '<=', today)
    .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>=', today)]))
    .execute();
  return rows.map((r) => r.payer_org_id);
}

export interface AttestedRelationship {
  readonly memberKey: string;
  readonly attestedBy: string;
  readonly attestedAt: string | null;
  readonly consent: Record<string, unknown>;
  readonly periodStart: string;
  readonly periodEnd: string;
}

export interface ProviderMatchRecord {
  readonly id: string;
  readonly submitted: number;
  readonly notMatched: number;
  readonly consentConstrained: readonly string[];
  readonly relationships: readonly AttestedRelationship[];
}

/**
 * Stores one match request and the treatment relationships of its matched members, with one
 * audit event naming every member the match touched (matched and consent-constrained), in one transaction.
 */
export async function recordProviderMatch(db: Db, ctx: AccessContext, m: ProviderMatchRecord): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('provider_match').values({
      id: m.id, provider_org_id: ctx.orgId, actor: ctx.actor, submitted: m.submitted, matched: m.relationships.length, not_matched: m.notMatched, consent_constrained: m.consentConstrained.length,
    }).execute();
    if (m.relationships.length) {
      await trx.insertInto('treatment_relationship').values(m.relationships.map((r) => ({
        member_key: r.memberKey, provider_org_id: ctx.orgId, source: 'attestation' as const, match_id: m.id, attested_by: r.attestedBy, attested_at: r.attestedAt,
        consent: JSON.stringify(r.consent), period_start: r.periodStart, period_end: r.periodEnd, recorded_by: ctx.actor,
      }))).execute();
    }
    await recordAudit(trx, ctx, {
      action: 'create', resourceType: 'Group', resourceId: m.id, memberKeys: [...m.relationships.map((r) => r.memberKey), ...m.consentConstrained],
      outcome: 'success', detail: { operation: 'provider-member-match', submitted: m.submitted, matched: m.relationships.length, notMatched: m.notMatched, consentConstrained: m.consentConstrained.length },
    });
  });
}

/**
 * The members a match Group discloses to the provider that made it, on `today`: relationships
 * of that match still in their period, members who have not opted out. Shared by the Group
 * read and the export's member freeze, so both apply the same rule.
 */
export function matchGroupMembers(matchId: string, providerOrgId: string, today: string) {
  return sql<{ member_key: string }>`(
    select distinct t.member_key from treatment_relationship t
    where t.match_id = ${matchId} and t.provider_org_id = ${providerOrgId} and t.period_start <= ${today}::date and t.period_end >= ${today}::date
      and not exists (select 1 from member_access_choice o where o.member_key = t.member_key and o.provider_access_opt_out))`;
}

/** A match Group as its provider sees it (undefined when it is not theirs: a 404, like a missing one). Audited. */
export async function readMatchGroup(db: Db, ctx: AccessContext, id: string, today: string) {
  if (ctx.orgKind !== 'provider' || ctx.patientKey !== undefined) return undefined;
  const match = await db.selectFrom('provider_match').selectAll().where('id', '=', id).where('provider_org_id', '=', ctx.orgId).executeTakeFirst();
  if (!match) return undefined;
  const members = await db.selectFrom('treatment_relationship as t').innerJoin('member as m', 'm.key', 't.member_key')
    .select(['m.key', 'm.member_id', 't.period_start', 't.period_end', 't.attested_by', 't.attested_at'])
    .where('t.member_key', 'in', (eb) => eb.selectFrom(matchGroupMembers(id, ctx.orgId, today).as('g')).select('g.member_key'))
    .where('t.match_id', '=', id).orderBy('m.key').execute();
  await recordAudit(db, ctx, { action: 'read', resourceType: 'Group', resourceId: id, memberKeys: members.map((m) => m.key), detail: { kind: 'provider-match' } });
  return { match, members };
}

/**
 * The match Groups a provider's `$provider-member-match` requests created, oldest first, with the
 * members each discloses today (matchGroupMembers: in period, not opted out) — what the provider's
 * `GET /fhir/Group` lists after its rosters. Anyone but the provider that asked gets none. One
 * audit event names every member the page shows.
 */
export async function searchProviderMatchGroups(db: Db, ctx: AccessContext, f: { id?: string | undefined; limit: number; offset: number; today: string }) {
  if (ctx.orgKind !== 'provider' || ctx.patientKey !== undefined) return { total: 0, groups: [] };
  let q = db.selectFrom('provider_match').where('provider_org_id', '=', ctx.orgId);
  if (f.id !== undefined) q = q.where('id', '=', f.id);
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const matches = f.limit > 0 ? await q.selectAll().orderBy('created_at').orderBy('id').limit(f.limit).offset(f.offset).execute() : [];
  const membersOf = (matchId: string) => db.selectFrom('treatment_relationship as t').innerJoin('member as m', 'm.key', 't.member_key')
    .select(['m.key', 'm.member_id', 't.period_start', 't.period_end'])
    .where('t.member_key', 'in', (eb) => eb.selectFrom(matchGroupMembers(matchId, ctx.orgId, f.today).as('g')).select('g.member_key'))
    .where('t.match_id', '=', matchId).orderBy('m.key').execute();
  const groups: Array<{ match: (typeof matches)[number]; members: Awaited<ReturnType<typeof membersOf>> }> = [];
  // One match at a time: a page holds at most 200, and each is one indexed query.
  for (const match of matches) groups.push({ match, members: await membersOf(match.id) });
  if (groups.length) await recordAudit(db, ctx, { action: 'search', resourceType: 'Group', memberKeys: groups.flatMap((g) => g.members.map((m) => m.key)), detail: { kind: 'provider-match', count: groups.length } });
  return { total, groups };
}

/** Whether a group id names a provider match (rather than a contract's roster). */
export async function isMatchGroup(db: Db, id: string): Promise<{ providerOrgId: string } | undefined> {
  const r = await db.selectFrom('provider_match').select('provider_org_id').where('id', '=', id).executeTakeFirst();
  return r ? { providerOrgId: r.provider_org_id } : undefined;
}

/** The relationships a provider holds for a member (for the API and audits of who may see what). */
export async function treatmentRelationships(db: Db, memberKey: string) {
  return db.selectFrom('treatment_relationship').selectAll().where('member_key', '=', memberKey).orderBy('id').execute();
}
