/**
 * Payer-to-Payer exchange in the database: the Groups a `$bulk-member-match` answered (each
 * visible to the requesting payer only), the members of a matched Group with their Consent's
 * period, and another payer's export received for one of our members (kept as sent, with where
 * it came from). Reads of member data are audited here.
 * https://hl7.org/fhir/us/davinci-pdex/STU2.1/payertopayerbulkexchange.html
 */
import type { AccessContext } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import { recordAudit } from './audit-repo.ts';

export type MatchCategory = 'match' | 'nomatch' | 'consentconstraint';

export interface MatchGroupInput {
  readonly id: string;
  readonly category: MatchCategory;
  readonly resource: Record<string, unknown>;
  /** Our members in a matched Group, with the period of the Consent the requester sent for each. */
  readonly members: ReadonlyArray<{ memberKey: string; consentStart: string | null; consentEnd: string | null }>;
}

/** Stores the answer of one $bulk-member-match job: every Group and the matched members, in one transaction. */
export async function insertMatchGroups(db: Db, jobId: string, requesterOrgId: string, groups: readonly MatchGroupInput[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const g of groups) {
      await trx.insertInto('member_match_group').values({ id: g.id, job_id: jobId, requester_org_id: requesterOrgId, category: g.category, resource: JSON.stringify(g.resource) }).execute();
      if (g.members.length) await trx.insertInto('member_match_group_member').values(g.members.map((m) => ({ group_id: g.id, member_key: m.memberKey, consent_start: m.consentStart, consent_end: m.consentEnd }))).execute();
    }
  });
}

/** The Groups one job answered, matched first. */
export async function matchGroupsOfJob(db: Db, jobId: string) {
  return db.selectFrom('member_match_group').selectAll().where('job_id', '=', jobId)
    .orderBy(sql`case category when 'match' then 0 when 'nomatch' then 1 else 2 end`).execute();
}

/**
 * The match Groups the requesting payer may see (PDex §pdex-161: only the Groups of its own
 * requests; anyone else sees none, the same as a missing one), oldest first, without their
 * members and contained resources: what a search filters on. No member is named, so no audit.
 */
export async function matchGroupHeads(db: Db, ctx: AccessContext): Promise<Array<{ id: string; head: Record<string, unknown> }>> {
  if (ctx.orgKind !== 'payer' || ctx.patientKey !== undefined) return [];
  const rows = await db.selectFrom('member_match_group').select(['id', sql<Record<string, unknown>>`resource - 'contained' - 'member'`.as('head')])
    .where('requester_org_id', '=', ctx.orgId).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, head: typeof r.head === 'string' ? (JSON.parse(r.head) as Record<string, unknown>) : r.head }));
}

/**
 * Match Groups by id, of the requesting payer only (as `matchGroupHeads`), in the same order.
 * Reading them is audited with the matched members they name.
 */
export async function searchMatchGroups(db: Db, ctx: AccessContext, f: { ids: readonly string[]; action: 'read' | 'search' }) {
  if (ctx.orgKind !== 'payer' || ctx.patientKey !== undefined || f.ids.length === 0) return { rows: [] };
  const rows = await db.selectFrom('member_match_group').selectAll().where('requester_org_id', '=', ctx.orgId).where('id', 'in', [...f.ids]).orderBy('created_at').orderBy('id').execute();
  if (rows.length) {
    const members = await db.selectFrom('member_match_group_member').select('member_key').where('group_id', 'in', rows.map((r) => r.id)).execute();
    await recordAudit(db, ctx, { action: f.action, resourceType: 'Group', resourceId: f.action === 'read' ? rows[0]!.id : null, memberKeys: members.map((m) => m.member_key), detail: { operation: 'bulk-member-match groups', count: rows.length } });
  }
  return { rows };
}

/** A matched Group the given payer requested, or undefined (a Group of someone else's request does not exist for you). */
export async function getMatchedGroupFor(db: Db, requesterOrgId: string, groupId: string) {
  return db.selectFrom('member_match_group').select(['id', 'category', 'requester_org_id']).where('id', '=', groupId).where('requester_org_id', '=', requesterOrgId).where('category', '=', 'match').executeTakeFirst();
}

// ---- Receiving side: another payer's export for one of our members.

export interface PayerImportInput {
  readonly id: string;
  readonly memberKey: string;
  readonly fromPayer: string;
  readonly sourcePatientId: string;
  readonly exportRequest: string | null;
  readonly exportTransactionTime: string | null;
  readonly files: ReadonlyArray<{ file: string; type: string; lines: number }>;
  readonly counts: Record<string, number>;
}

export async function insertPayerImport(db: Db, ctx: AccessContext, p: PayerImportInput): Promise<void> {
  await db.insertInto('payer_import').values({
    id: p.id, member_key: p.memberKey, from_payer: p.fromPayer, source_patient_id: p.sourcePatientId, export_request: p.exportRequest, export_transaction_time: p.exportTransactionTime,
    files: JSON.stringify(p.files), counts: JSON.stringify(p.counts), actor: ctx.actor, org_id: ctx.orgId,
  }).execute();
}

export interface ImportedRow {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly sourceId: string;
  readonly resource: Record<string, unknown>;
}

/**
 * Writes a batch of imported resources. A resource received before from the same payer (same
 * type and source id, hence the same id here) is replaced by the newer copy: a later export
 * of the same member ("run-off") updates rather than duplicates.
 */
export async function upsertImportedResources(db: Db, memberKey: string, importId: string, rows: readonly ImportedRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('imported_resource')
    .values(rows.map((r) => ({ member_key: memberKey, resource_type: r.resourceType, resource_id: r.resourceId, import_id: importId, source_id: r.sourceId, resource: JSON.stringify(r.resource) })))
    .onConflict((oc) => oc.columns(['member_key', 'resource_type', 'resource_id']).doUpdateSet((eb) => ({ import_id: eb.ref('excluded.import_id'), resource: eb.ref('excluded.resource') })))
    .execute();
}

/**
 * A member's resources received from other payers, with the imports they came from. Only the
 * member's own payer (its staff, or the member's app in patient context) sees them; providers
 * do not (Provider Access shares what the payer itself holds). Audited.
 */
export async function listImportedResources(db: Db, ctx: AccessContext, memberKey: string, types?: readonly string[]) {
  if (ctx.orgKind !== 'payer' || (ctx.patientKey !== undefined && ctx.patientKey !== memberKey)) return { resources: [], imports: [] };
  const visible = await db.selectFrom('member').select('key').where('key', '=', memberKey).where('payer_org_id', '=', ctx.orgId).executeTakeFirst();
  if (!visible) return { resources: [], imports: [] };
  let q = db.selectFrom('imported_resource').select(['resource_type', 'resource_id', 'import_id', 'resource']).where('member_key', '=', memberKey);
  if (types) q = types.length ? q.where('resource_type', 'in', [...types]) : q.where(sql<boolean>`false`);
  const resources = await q.orderBy('resource_type').orderBy('resource_id').execute();
  const importIds = [...new Set(resources.map((r) => r.import_id))];
  const imports = importIds.length ? await db.selectFrom('payer_import').selectAll().where('id', 'in', importIds).orderBy('imported_at').execute() : [];
  if (resources.length) await recordAudit(db, ctx, { action: 'read', resourceType: 'ImportedResource', resourceId: null, memberKeys: [memberKey], detail: { count: resources.length, imports: importIds } });
  return { resources, imports };
}

/**
 * The resources and import behind the Provenance of one Payer-to-Payer import (its id is the
 * import's), under the same rule as listImportedResources: the member's own payer and the
 * member's app only. Empty when the import is unknown or out of reach.
 */
export async function importForProvenance(db: Db, ctx: AccessContext, importId: string) {
  const owner = await db.selectFrom('payer_import').select('member_key').where('id', '=', importId).executeTakeFirst();
  if (!owner) return { resources: [], imports: [] };
  const r = await listImportedResources(db, ctx, owner.member_key);
  return { resources: r.resources.filter((x) => x.import_id === importId), imports: r.imports.filter((i) => i.id === importId) };
}
