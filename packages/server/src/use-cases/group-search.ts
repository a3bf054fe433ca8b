/**
 * The Group read and search of Provider Access and Payer-to-Payer (`GET /fhir/Group`): the
 * caller's attribution rosters (Da Vinci ATR), then its match Groups — a provider's
 * `$provider-member-match` Groups, a payer's `$bulk-member-match` Groups. The PDex criteria
 * (`code`, `characteristic`, `identifier`, `characteristic-value-reference`) are met on each match
 * Group's head (the Group without its members), and only the page's Groups are read, which audits
 * the members they name. Rosters carry no code or characteristic, so a search with criteria lists
 * match Groups only. The payer's opt-out Group is read by its id.
 * https://hl7.org/fhir/us/davinci-pdex/STU2.1/CapabilityStatement-pdex-provider-access-server.html
 */
import type { AccessContext } from '@tandem/core';
import { attributionGroup, groupCriteria, groupMatches, hasGroupCriteria, matchResultGroup, OPT_OUT_GROUP_ID, referencedOrganizations, SYSTEM } from '@tandem/fhir';
import { isMatchGroup, matchGroupHeads, organizationsByIds, providerMatchesOf, searchMatchGroups, searchRosters, type Db } from '@tandem/store';
import type { Group, Identifier } from '@medplum/fhirtypes';
import { matchGroupFor, optOutGroupFor } from './provider-access-groups.ts';

type Query = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The identifiers each searched Organization is known by (NPI; Tandem's id), to match logical references. */
async function organizationAliases(db: Db, ids: readonly string[]): Promise<Map<string, Identifier[]>> {
  const orgs = await organizationsByIds(db, ids);
  return new Map(orgs.map((o) => [`Organization/${o.id}`, [...(o.npi ? [{ system: SYSTEM.npi, value: o.npi }] : []), { system: SYSTEM.organizationId, value: o.id }]]));
}

/** The match Groups the caller may see, as heads (no members), oldest first. */
async function matchHeads(db: Db, ctx: AccessContext): Promise<Array<{ id: string; head: Group }>> {
  if (ctx.orgKind === 'payer') return (await matchGroupHeads(db, ctx)).map((h) => ({ id: h.id, head: h.head as unknown as Group }));
  const matches = await providerMatchesOf(db, ctx);
  if (matches.length === 0) return [];
  const [provider] = await organizationsByIds(db, [ctx.orgId]);
  return matches.map((m) => ({ id: m.id, head: matchResultGroup({ id: m.id, code: 'match', provider: provider!, date: m.created_at.slice(0, 10), members: [] }) }));
}

/** The whole match Groups of a page (audited as the caller reads them). */
async function readMatchGroups(db: Db, ctx: AccessContext, ids: readonly string[], action: 'read' | 'search', today: string): Promise<Group[]> {
  if (ids.length === 0) return [];
  if (ctx.orgKind === 'payer') return (await searchMatchGroups(db, ctx, { ids, action })).rows.map((r) => r.resource as unknown as Group);
  const out: Group[] = [];
  for (const id of ids) {
    const g = await matchGroupFor(db, ctx, id, today);
    if (g) out.push(g);
  }
  return out;
}

/** One page of the Groups the caller may see that meet the query (with `id`: that Group, if so). */
export async function searchGroups(db: Db, ctx: AccessContext, q: Query, o: { id?: string | undefined; offset: number; count: number; today: string; fhirBase: string }): Promise<{ total: number; resources: Group[] }> {
  const criteria = groupCriteria(q, o.fhirBase);
  const rawId = q['_id'];
  const wantedId = o.id ?? (typeof rawId === 'string' ? rawId : rawId?.[0]);
  const aliases = await organizationAliases(db, referencedOrganizations(criteria));
  if (wantedId === OPT_OUT_GROUP_ID) {
    const g = await optOutGroupFor(db, ctx);
    return groupMatches(g, criteria, aliases) ? { total: 1, resources: [g] } : { total: 0, resources: [] };
  }
  const heads = await matchHeads(db, ctx);
  const matching = heads.filter((h) => (wantedId === undefined || h.id === wantedId) && groupMatches(h.head, criteria, aliases));
  // A match Group's id (ours, or another requester's) names no roster.
  const matchId = wantedId !== undefined && (wantedId.startsWith('p2p-') || heads.some((h) => h.id === wantedId) || (await isMatchGroup(db, wantedId)) !== undefined);
  const rosters: Awaited<ReturnType<typeof searchRosters>> = hasGroupCriteria(criteria) || matchId ? { total: 0, groups: [] } : await searchRosters(db, ctx, { contractId: wantedId, limit: o.count, offset: o.offset });
  const from = Math.max(0, o.offset - rosters.total);
  const page = matching.slice(from, from + Math.max(0, o.count - rosters.groups.length));
  const matches = await readMatchGroups(db, ctx, page.map((h) => h.id), wantedId !== undefined ? 'read' : 'search', o.today);
  return {
    total: rosters.total + matching.length,
    resources: [...rosters.groups.map((g) => attributionGroup({
      contractId: g.contract.id, contractName: g.contract.name, payerOrgId: g.contract.payer_org_id, providerOrgId: g.contract.provider_org_id,
      contractFrom: String(g.contract.effective_from).slice(0, 10), contractTo: g.contract.effective_to ? String(g.contract.effective_to).slice(0, 10) : null, run: g.run, members: g.members,
      confirmation: g.confirmation,
    })), ...matches],
  };
}
