/**
 * The Provider Access Groups of `GET /fhir/Group`: the payer's member opt-out Group (PDex
 * pdex-member-opt-out, by id) and a provider's `$provider-member-match` Groups (by id, and listed
 * in the provider's search after its rosters).
 * https://hl7.org/fhir/us/davinci-pdex/StructureDefinition-pdex-member-opt-out.html
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { matchResultGroup, memberOptOutGroup } from '@tandem/fhir';
import { isMatchGroup, providerAccessOptOuts, readMatchGroup, recordAudit, type Db } from '@tandem/store';

/**
 * The payer's opt-out list. Readable by the payer only: the list names members who chose that
 * providers should not see their data, so showing it to a provider would itself disclose that
 * choice (PDex: the fact of opting out is information about the member). Audited with every
 * member it names.
 */
export async function optOutGroupFor(db: Db, ctx: AccessContext): Promise<ReturnType<typeof memberOptOutGroup>> {
  if (ctx.orgKind !== 'payer' || ctx.patientKey !== undefined) throw new TandemError('FORBIDDEN', "the member opt-out Group is the payer's; providers never read it");
  const payer = await db.selectFrom('organization').select(['id', 'name']).where('id', '=', ctx.orgId).executeTakeFirstOrThrow();
  const rows = await providerAccessOptOuts(db, ctx.orgId);
  await recordAudit(db, ctx, { action: 'read', resourceType: 'Group', resourceId: 'member-opt-out', memberKeys: rows.map((r) => r.key), detail: { members: rows.length } });
  return memberOptOutGroup({ payer, members: rows.map((r) => ({ key: r.key, memberId: r.member_id, since: String(r.updated_at).slice(0, 10) })) });
}

/**
 * A `$provider-member-match` Group as its provider sees it today (members still in their
 * relationship period and not opted out); undefined when the id is not a match Group, null
 * when it is someone else's (a 404, like a missing one).
 */
export async function matchGroupFor(db: Db, ctx: AccessContext, id: string, today: string): Promise<ReturnType<typeof matchResultGroup> | null | undefined> {
  if (!(await isMatchGroup(db, id))) return undefined;
  const g = await readMatchGroup(db, ctx, id, today);
  if (!g) return null;
  const org = await db.selectFrom('organization').select(['id', 'npi', 'name']).where('id', '=', ctx.orgId).executeTakeFirstOrThrow();
  return matchResultGroup({
    id, code: 'match', provider: org, date: String(g.match.created_at).slice(0, 10),
    members: g.members.map((m) => ({ reference: `Patient/${m.key}`, period: { start: m.period_start, end: m.period_end } })),
  });
}
