/**
 * What attribution reads (eligible members, primary-care-relevant service lines with who
 * furnished them, voluntary alignments) and how a run is stored and compared.
 */
import type { AccessContext, AttributionService, VoluntaryAlignment } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import { recordAudit } from './audit-repo.ts';
import { insertJsonRows } from './json-insert.ts';
import { latestRosterChanges, latestRunOf, rosterConfirmation, rosterMemberKeys } from './roster-change-repo.ts';

/**
 * Members of the payer with at least `minMonths` months of coverage in [from, to] — a month
 * counts when the member is covered on its first day (as settlement counts member months).
 */
export async function attributionEligible(db: Db, payerId: string, from: string, to: string, minMonths = 1): Promise<string[]> {
  const rows = await sql<{ key: string }>`
    select c.member_key as key
    from coverage c
    join member m on m.key = c.member_key
    cross join lateral generate_series(date_trunc('month', greatest(c.effective_from, ${from}::date)), least(coalesce(c.effective_to, ${to}::date), ${to}::date), interval '1 month') as g(month)
    where m.payer_org_id = ${payerId} and c.effective_from <= ${to}::date and (c.effective_to is null or c.effective_to >= ${from}::date)
      and g.month >= c.effective_from and g.month >= ${from}::date
    group by c.member_key
    having count(distinct g.month) >= ${minMonths}
    order by c.member_key`.execute(db);
  return rows.rows.map((r) => r.key);
}

/**
 * Service lines in [from, to] with the billing organization and the rendering practitioner's
 * taxonomy ('' when the claim names no known rendering practitioner). Duplicates excluded.
 */
export async function attributionServices(db: Db, payerId: string, from: string, to: string, codes: ReadonlySet<string>): Promise<AttributionService[]> {
  const rows = await db
    .selectFrom('claim_line as l')
    .innerJoin('claim as c', 'c.id', 'l.claim_id')
    .leftJoin('practitioner as p', 'p.npi', 'c.rendering_npi')
    .select(['c.member_key', 'c.provider_org_id', 'c.rendering_npi', 'p.taxonomy', 'l.procedure_code', sql<string>`to_char(l.service_date_from, 'YYYY-MM-DD')`.as('service_date'), 'l.allowed_cents', 'l.claim_id', 'l.line_number'])
    .where('c.payer_org_id', '=', payerId)
    .where('c.status', '<>', 'duplicate')
    .where('c.member_key', 'is not', null)
    .where('c.provider_org_id', 'is not', null)
    .where('l.procedure_code', 'in', [...codes])
    .where('l.service_date_from', '>=', from)
    .where('l.service_date_from', '<=', to)
    .execute();
  return rows.map((r) => ({
    memberKey: r.member_key!, orgId: r.provider_org_id!, practitionerNpi: r.rendering_npi ?? '', taxonomy: r.taxonomy ?? '', procedureCode: r.procedure_code!,
    serviceDate: r.service_date, allowedCents: Number(r.allowed_cents), claimId: r.claim_id, lineNumber: r.line_number,
  }));
}

/**
 * Designations (voluntary alignment) in effect on `asOf` — the window's last day, as CMS takes
 * the designation made by then — of the payer's members: begun on or before it, not ended before it.
 */
export async function voluntaryAlignments(db: Db, payerId: string, asOf: string): Promise<Map<string, VoluntaryAlignment>> {
  const rows = await db
    .selectFrom('member_alignment as a')
    .innerJoin('member as m', 'm.key', 'a.member_key')
    .select(['a.member_key', 'a.org_id', 'a.practitioner_npi', sql<string>`to_char(a.designated_on, 'YYYY-MM-DD')`.as('from'), sql<string | null>`to_char(a.effective_to, 'YYYY-MM-DD')`.as('until')])
    .where('m.payer_org_id', '=', payerId)
    .where('a.designated_on', '<=', asOf)
    .where((eb) => eb.or([eb('a.effective_to', 'is', null), eb('a.effective_to', '>=', asOf)]))
    .execute();
  return new Map(rows.map((r) => [r.member_key, { orgId: r.org_id, practitionerNpi: r.practitioner_npi, from: r.from, until: r.until }]));
}

export interface AttributionRunRow {
  id: string;
  payerOrgId: string;
  windowKind: string;
  windowFrom: string;
  windowTo: string;
  method: string;
}

export async function insertAttributionRun(db: Db, run: AttributionRunRow, rows: ReadonlyArray<{ memberKey: string; orgId: string | null; step: string; explanation: Record<string, unknown> }>): Promise<void> {
  await db
    .insertInto('attribution_run')
    .values({ id: run.id, payer_org_id: run.payerOrgId, window_kind: run.windowKind, window_from: run.windowFrom, window_to: run.windowTo, method: run.method, members: rows.length })
    .execute();
  await insertJsonRows(db, 'attribution', ['run_id', 'member_key', 'org_id', 'step', 'explanation'], rows.map((r) => ({ run_id: run.id, member_key: r.memberKey, org_id: r.orgId, step: r.step, explanation: r.explanation })));
}

/** The assignments of the latest earlier run of the same payer and window kind (empty when there is none). */
export async function previousAssignments(db: Db, payerId: string, windowKind: string, beforeRunId: string): Promise<Map<string, string | null>> {
  const prev = await db
    .selectFrom('attribution_run')
    .select('id')
    .where('payer_org_id', '=', payerId)
    .where('window_kind', '=', windowKind)
    .where('id', '<>', beforeRunId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!prev) return new Map();
  const rows = await db.selectFrom('attribution').select(['member_key', 'org_id']).where('run_id', '=', prev.id).execute();
  return new Map(rows.map((r) => [r.member_key, r.org_id]));
}

/** A roster member as the Group shows it: change since the run before (or the payer's `$member-add`), and its period when a change set one. */
export interface AttributionListMember {
  key: string;
  memberId: string;
  change: 'new' | 'change' | 'nochange';
  period?: { start: string | null; end: string | null };
}

/**
 * Rosters as of the latest attribution run of the payer: one per contract the caller may
 * see (a provider sees its own contracts, a payer its own), with members and their change
 * since the run before, the payer's ATR `$member-add`/`$member-remove` changes applied, and the
 * provider's confirmation of the list. No member cap: every member is listed. Audited as a
 * read of every member listed.
 */
export async function searchRosters(db: Db, ctx: AccessContext, f: { contractId?: string | undefined; limit: number; offset: number; memberKeys?: readonly string[] }) {
  let contracts = db.selectFrom('contract').selectAll();
  // Rosters are a payer–provider matter: a member's app (patient context) sees none.
  if (ctx.patientKey !== undefined) contracts = contracts.where(sql<boolean>`false`);
  contracts = ctx.orgKind === 'payer' ? contracts.where('payer_org_id', '=', ctx.orgId) : contracts.where('provider_org_id', '=', ctx.orgId);
  if (f.contractId) contracts = contracts.where('id', '=', f.contractId);
  const all = await contracts.orderBy('id').execute();
  const page = all.slice(f.offset, f.offset + f.limit);
  const out: Array<{
    contract: (typeof all)[number]; run: { id: string; windowFrom: string; windowTo: string; createdAt: string } | null; members: AttributionListMember[];
    confirmation: Awaited<ReturnType<typeof rosterConfirmation>>;
  }> = [];
  for (const c of page) {
    const run = await latestRunOf(db, c.payer_org_id);
    if (!run) {
      out.push({ contract: c, run: null, members: [], confirmation: null });
      continue;
    }
    const previous = await previousAssignments(db, c.payer_org_id, run.window_kind, run.id);
    const changes = await latestRosterChanges(db, c.id, run.id);
    const rows = await db
      .selectFrom('member as m')
      .select(['m.key', 'm.member_id'])
      .where('m.key', 'in', (eb) => eb.selectFrom(rosterMemberKeys(c.id).as('r')).select('r.member_key'))
      // Narrowed to some members (ATR $attribution-status): only those are read, and audited.
      .$if(f.memberKeys !== undefined, (q) => (f.memberKeys!.length ? q.where('m.key', 'in', [...f.memberKeys!]) : q.where(sql<boolean>`false`)))
      .orderBy('m.key')
      .execute();
    out.push({
      contract: c, run: { id: run.id, windowFrom: run.from, windowTo: run.to, createdAt: run.at }, confirmation: await rosterConfirmation(db, c.id, run.id),
      members: rows.map((r) => {
        const added = changes.get(r.key);
        if (added?.action === 'add') return { key: r.key, memberId: r.member_id, change: 'new' as const, period: { start: added.period_start, end: added.period_end } };
        return { key: r.key, memberId: r.member_id, change: previous.size === 0 || !previous.has(r.key) ? 'new' as const : previous.get(r.key) === c.provider_org_id ? 'nochange' as const : 'change' as const };
      }),
    });
  }
  await recordAudit(db, ctx, { action: f.contractId ? 'read' : 'search', resourceType: 'Group', resourceId: f.contractId ?? null, memberKeys: out.flatMap((g) => g.members.map((m) => m.key)), detail: { groups: out.length } });
  return { total: all.length, groups: out };
}
