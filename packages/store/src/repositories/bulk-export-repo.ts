/**
 * FHIR Bulk Data export jobs in the database: kick-off stores a job, any server claims it
 * with FOR UPDATE SKIP LOCKED, freezes the member set in SQL (INSERT … SELECT, nothing in
 * memory), counts what each file will hold, and the NDJSON files are streamed from the
 * database at download in keyset-ordered batches — constant memory, no size cap.
 * https://hl7.org/fhir/uv/bulkdata/STU2/export.html
 */
import { disclosurePurpose, type AccessContext } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import type { DateBound } from './member-reader.ts';
import { isMatchGroup, matchGroupMembers } from './provider-access-repo.ts';
import { rosterMemberKeys } from './roster-change-repo.ts';

export interface ExportJobInput {
  readonly id: string;
  readonly ctx: AccessContext;
  readonly groupId: string | null;
  readonly exportType: string;
  readonly types: readonly string[];
  readonly typeFilters: readonly string[];
  readonly since: string | null;
  readonly requestUrl: string;
  readonly transactionTime: string;
}

export async function insertExportJob(db: Db, j: ExportJobInput): Promise<void> {
  await db.insertInto('bulk_export_job').values({
    id: j.id, actor: j.ctx.actor, org_id: j.ctx.orgId, access: JSON.stringify(j.ctx), group_id: j.groupId, export_type: j.exportType, types: JSON.stringify(j.types),
    type_filters: JSON.stringify(j.typeFilters), since: j.since, request_url: j.requestUrl, status: 'queued', transaction_time: j.transactionTime,
    outputs: '[]', error: null, members: null, started_at: null, finished_at: null, expires_at: null,
  }).execute();
}

export async function getExportJob(db: Db, id: string) {
  return db.selectFrom('bulk_export_job').selectAll().where('id', '=', id).executeTakeFirst();
}
export type ExportJobRow = NonNullable<Awaited<ReturnType<typeof getExportJob>>>;

/** Takes the oldest queued job, if any; concurrent servers never take the same one. */
export async function claimNextExportJob(db: Db): Promise<ExportJobRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const next = await trx.selectFrom('bulk_export_job').select('id').where('status', '=', 'queued').orderBy('created_at').limit(1).forUpdate().skipLocked().executeTakeFirst();
    if (!next) return undefined;
    return trx.updateTable('bulk_export_job').set({ status: 'running', started_at: sql<string>`now()` }).where('id', '=', next.id).returningAll().executeTakeFirst();
  });
}

/**
 * The members a group export covers: the roster of the contract's provider in the payer's
 * latest attribution run with its ATR changes (the Da Vinci ATR Group), the members of a PDex
 * provider-match Group, or every member of a payer when no group.
 * Members who opted out of Provider Access are left out of group (provider) exports; a
 * Payer-to-Payer export covers the requester's matched Group, members still opted in only.
 */
export async function freezeExportMembers(db: Db, job: ExportJobRow): Promise<number> {
  const match = job.export_type !== 'payertopayer' && job.group_id ? await isMatchGroup(db, job.group_id) : undefined;
  if (job.export_type === 'payertopayer') {
    // The requesting payer's matched Group, re-checked now (PDex §pdex-167): only members who
    // are still opted in to Payer-to-Payer and whose Consent has not ended by the request date.
    await sql`
      insert into bulk_export_member (job_id, member_key)
      select ${job.id}, g.member_key
      from member_match_group mg
      join member_match_group_member g on g.group_id = mg.id
      join member_access_choice c on c.member_key = g.member_key and c.payer_to_payer_opt_in
      where mg.id = ${job.group_id} and mg.category = 'match' and mg.requester_org_id = ${job.org_id}
        and (g.consent_start is null or g.consent_start <= ${job.transaction_time.slice(0, 10)}::date)
        and (g.consent_end is null or g.consent_end >= ${job.transaction_time.slice(0, 10)}::date)`.execute(db);
  } else if (job.group_id && match) {
    // A PDex $provider-member-match Group: its attested relationships still in their period on
    // the transaction day, opted-out members left out (matchGroupMembers).
    await sql`
      insert into bulk_export_member (job_id, member_key)
      select ${job.id}, g.member_key from ${matchGroupMembers(job.group_id, match.providerOrgId, job.transaction_time.slice(0, 10))} g`.execute(db);
  } else if (job.group_id) {
    // The contract's roster: the latest run's assignments with the payer's ATR changes applied.
    await sql`
      insert into bulk_export_member (job_id, member_key)
      select ${job.id}, r.member_key from ${rosterMemberKeys(job.group_id)} r
      -- CMS-0057-F: a member who opted out of Provider Access is never disclosed to providers.
      where not exists (select 1 from member_access_choice o where o.member_key = r.member_key and o.provider_access_opt_out)`.execute(db);
  } else {
    await sql`insert into bulk_export_member (job_id, member_key) select ${job.id}, m.key from member m where m.payer_org_id = ${job.org_id}`.execute(db);
  }
  // Fresh statistics, so the planner joins claims to a large member set by hash, not by nested loop.
  await sql`analyze bulk_export_member`.execute(db);
  const r = await db.selectFrom('bulk_export_member').select((eb) => eb.fn.countAll<number>().as('n')).where('job_id', '=', job.id).executeTakeFirst();
  return Number(r?.n ?? 0);
}

export interface ClaimStreamFilter {
  readonly since: string | null;
  readonly until: string;
  readonly serviceDate?: readonly DateBound[];
  readonly type?: string | undefined;
  /** Claims from this day on only (CMS-0057-F: data with a date of service on or after 1 January 2016). */
  readonly serviceFrom?: string;
}

const OP = { eq: '=', ge: '>=', le: '<=', gt: '>', lt: '<' } as const;

function claimConditions(f: ClaimStreamFilter) {
  const parts = [sql`c.received_at <= ${f.until}`, sql`c.status <> 'duplicate'`];
  if (f.since) parts.push(sql`c.received_at > ${f.since}`);
  if (f.serviceFrom) parts.push(sql`c.service_date_to >= ${f.serviceFrom}`);
  if (f.type) parts.push(sql`c.kind = ${f.type}`);
  for (const b of f.serviceDate ?? []) {
    if (b.op === 'eq') parts.push(sql`c.service_date_from <= ${b.value} and c.service_date_to >= ${b.value}`);
    else if (b.op === 'ge' || b.op === 'gt') parts.push(sql`c.service_date_to ${sql.raw(OP[b.op])} ${b.value}`);
    else parts.push(sql`c.service_date_from ${sql.raw(OP[b.op])} ${b.value}`);
  }
  return sql.join(parts, sql` and `);
}

export async function countExport(db: Db, jobId: string, f: ClaimStreamFilter): Promise<{ patients: number; coverages: number; claims: number }> {
  const r = await sql<{ patients: number; coverages: number; claims: number }>`
    select (select count(*) from bulk_export_member where job_id = ${jobId})::int as patients,
           (select count(*) from coverage v where v.member_key in (select member_key from bulk_export_member where job_id = ${jobId}))::int as coverages,
           (select count(*) from claim c where c.member_key in (select member_key from bulk_export_member where job_id = ${jobId}) and ${claimConditions(f)})::int as claims`.execute(db);
  return r.rows[0]!;
}

export async function finishExportJob(db: Db, id: string, outcome: { status: 'completed'; outputs: Array<{ type: string; count: number }>; members: number; expiresAt: string } | { status: 'failed'; error: string }): Promise<void> {
  await db.updateTable('bulk_export_job')
    .set(outcome.status === 'completed'
      ? { status: 'completed', outputs: JSON.stringify(outcome.outputs), members: outcome.members, finished_at: sql<string>`now()`, expires_at: outcome.expiresAt }
      : { status: 'failed', error: outcome.error, finished_at: sql<string>`now()` })
    // A job cancelled while it ran stays cancelled.
    .where('id', '=', id).where('status', '=', 'running')
    .execute();
}

/** DELETE on the status URL: the job is cancelled and what it froze is removed. */
export async function cancelExportJob(db: Db, id: string): Promise<void> {
  await db.updateTable('bulk_export_job').set({ status: 'cancelled', finished_at: sql<string>`now()` }).where('id', '=', id).where('status', 'in', ['queued', 'running', 'completed', 'failed']).execute();
  await db.deleteFrom('bulk_export_member').where('job_id', '=', id).execute();
}

/** Completed exports past their expiry lose their files (the member set they stream from). */
export async function expireExportJobs(db: Db, now: string): Promise<number> {
  const expired = await db.selectFrom('bulk_export_job').select('id').where('status', '=', 'completed').where('expires_at', '<', now).execute();
  for (const j of expired) await cancelExportJob(db, j.id);
  return expired.length;
}

/** Members of an export in key order, a batch at a time. */
export async function* streamExportMembers(db: Db, jobId: string, batch = 2000) {
  let after = '';
  for (;;) {
    const rows = await db.selectFrom('bulk_export_member as e').innerJoin('member as m', 'm.key', 'e.member_key').selectAll('m').where('e.job_id', '=', jobId).where('e.member_key', '>', after).orderBy('e.member_key').limit(batch).execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.key;
  }
}

export async function* streamExportCoverages(db: Db, jobId: string, batch = 2000) {
  let after = '';
  for (;;) {
    const rows = await db.selectFrom('coverage')
      .innerJoin('member', 'member.key', 'coverage.member_key').innerJoin('plan', 'plan.id', 'coverage.plan_id').innerJoin('organization as payer', 'payer.id', 'plan.payer_org_id')
      .select(['coverage.id', 'coverage.member_key', 'coverage.subscriber_key', 'coverage.effective_from', 'coverage.effective_to', 'member.member_id', 'member.relationship', 'plan.id as plan_id', 'plan.name as plan_name', 'plan.line_of_business', 'payer.id as payer_id', 'payer.name as payer_name'])
      .where('coverage.member_key', 'in', (eb) => eb.selectFrom('bulk_export_member').select('member_key').where('job_id', '=', jobId))
      .where('coverage.id', '>', after).orderBy('coverage.id').limit(batch).execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.id;
  }
}

/** A claim line as the ExplanationOfBenefit mapper takes it (EobLineInput of @tandem/fhir); amounts only when asked. */
export interface ExportClaimLine {
  readonly lineNumber: number;
  readonly procedureCode: string | null;
  readonly modifiers: string[];
  readonly revenueCode: string | null;
  readonly units: string;
  readonly serviceDateFrom: string;
  readonly serviceDateTo: string;
}
export interface ExportClaimLineAmounts extends ExportClaimLine {
  readonly billedCents: number;
  readonly allowedCents: number;
  readonly deductibleCents: number;
  readonly copayCents: number;
  readonly coinsuranceCents: number;
  readonly patientRespCents: number;
  readonly paidCents: number;
  readonly adjustments: Array<{ group: string; carc: string; amountCents: number }>;
  readonly remarks: string[];
}
/** A claim as the ExplanationOfBenefit mapper takes it (EobBasisInput of @tandem/fhir), shaped by PostgreSQL. */
export interface ExportClaim {
  readonly id: string;
  readonly kind: 'professional' | 'institutional';
  readonly status: string;
  readonly memberKey: string;
  readonly coverageId: string | null;
  readonly payerOrgId: string;
  readonly payerName: string | null;
  readonly providerOrgId: string | null;
  readonly providerName: string;
  readonly billingNpi: string | null;
  readonly patientControlNumber: string;
  readonly receivedAt: string;
  readonly serviceDateFrom: string;
  readonly serviceDateTo: string;
  readonly network: string | null;
  readonly typeOfBill: string | null;
  readonly placeOfService: string | null;
  readonly diagnoses: Array<{ qualifier: string; code: string }>;
  readonly lines: ExportClaimLine[];
}
/** The same with the claim's and the lines' amounts (EobInput): what the payer's export maps. */
export interface ExportClaimAmounts extends ExportClaim {
  readonly billedCents: number;
  readonly allowedCents: number;
  readonly paidCents: number;
  readonly patientRespCents: number;
  readonly lines: ExportClaimLineAmounts[];
}

export interface ClaimStreamOptions {
  /** Claims and lines with their amounts (the payer's full EOB); without, only what a CARIN Basis EOB shows. */
  readonly amounts: boolean;
  readonly membersPerBatch?: number;
  /**
   * At most this many claims per query, so a page's size does not depend on how many claims a
   * member has. Small pages die young in V8: the prefetched page outlives the garbage collections
   * made while the previous one is written, and what it holds is promoted (2,000-claim pages
   * peaked ~15 MiB higher than 500 at a million resources, for no measurable gain in speed).
   */
  readonly claimsPerPage?: number;
}

/**
 * Claims with their lines, one row per claim already shaped as the EOB mapper's input: the lines
 * are aggregated by PostgreSQL (json_agg) and the timestamps formatted there, so the driver
 * hands over finished objects and no per-line row, map or Date is made in JavaScript. The
 * export's members are walked in key order, `membersPerBatch` at a time, each batch's claims
 * through the claim_member index, `claimsPerPage` (500) at a time (keyset on member and claim id):
 * every query is small whatever the group's size, and one page is fetched while the caller
 * writes the previous one — at most two pages in memory.
 */
export function streamExportClaims(db: Db, jobId: string, f: ClaimStreamFilter, o: ClaimStreamOptions & { amounts: true }): AsyncGenerator<ExportClaimAmounts[]>;
export function streamExportClaims(db: Db, jobId: string, f: ClaimStreamFilter, o: ClaimStreamOptions): AsyncGenerator<ExportClaim[]>;
export async function* streamExportClaims(db: Db, jobId: string, f: ClaimStreamFilter, o: ClaimStreamOptions): AsyncGenerator<ExportClaim[]> {
  const membersPerBatch = o.membersPerBatch ?? 250;
  const claimsPerPage = o.claimsPerPage ?? 500;
  const claimAmounts = o.amounts ? sql`, c.billed_cents as "billedCents", c.allowed_cents as "allowedCents", c.paid_cents as "paidCents", c.patient_resp_cents as "patientRespCents"` : sql``;
  const lineAmounts = o.amounts
    ? sql`, 'billedCents', l.billed_cents, 'allowedCents', l.allowed_cents, 'deductibleCents', l.deductible_cents, 'copayCents', l.copay_cents,
        'coinsuranceCents', l.coinsurance_cents, 'patientRespCents', l.patient_resp_cents, 'paidCents', l.paid_cents, 'adjustments', l.adjustments, 'remarks', l.remarks`
    : sql``;
  type Cursor = { keys: string[]; member: string; id: string };
  const memberBatch = async (after: string): Promise<Cursor | null> => {
    const keys = (await db.selectFrom('bulk_export_member').select('member_key').where('job_id', '=', jobId).where('member_key', '>', after).orderBy('member_key').limit(membersPerBatch).execute()).map((r) => r.member_key);
    return keys.length ? { keys, member: '', id: '' } : null;
  };
  const page = async (at: Cursor | null): Promise<{ claims: ExportClaim[]; next: Cursor | null } | null> => {
    if (!at) return null;
    const claims = (await sql<ExportClaim>`
      select c.id, c.kind, c.status, c.member_key as "memberKey",
        (select v.id from coverage v where v.member_key = c.member_key and v.plan_id = c.plan_id order by v.effective_from desc limit 1) as "coverageId",
        c.payer_org_id as "payerOrgId", payer.name as "payerName", c.provider_org_id as "providerOrgId", coalesce(prov.name, c.billing_name) as "providerName",
        c.billing_npi as "billingNpi", c.patient_control_number as "patientControlNumber",
        -- The instant as the driver's Date.toISOString() would write it, without a Date per row.
        to_char(c.received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "receivedAt",
        c.service_date_from as "serviceDateFrom", c.service_date_to as "serviceDateTo", c.network, c.type_of_bill as "typeOfBill",
        c.place_of_service as "placeOfService", c.diagnoses${claimAmounts},
        (select coalesce(json_agg(json_build_object('lineNumber', l.line_number, 'procedureCode', l.procedure_code, 'modifiers', l.modifiers, 'revenueCode', l.revenue_code,
            'units', l.units, 'serviceDateFrom', l.service_date_from, 'serviceDateTo', l.service_date_to${lineAmounts}) order by l.line_number), '[]'::json)
          from claim_line l where l.claim_id = c.id) as lines
      from claim c
      left join organization prov on prov.id = c.provider_org_id
      left join organization payer on payer.id = c.payer_org_id
      where c.member_key = any(${at.keys}::text[]) and (c.member_key, c.id) > (${at.member}, ${at.id}) and ${claimConditions(f)}
      order by c.member_key, c.id
      limit ${claimsPerPage + 1}`.execute(db)).rows;
    // One row more than a page says whether the member batch goes on (keyset from the page's last claim) or is done.
    const more = claims.length > claimsPerPage;
    if (more) claims.pop();
    const last = claims[claims.length - 1];
    const next = more && last ? Promise.resolve({ keys: at.keys, member: last.memberKey, id: last.id }) : memberBatch(at.keys[at.keys.length - 1]!);
    return { claims, next: await next };
  };
  let next = memberBatch('').then(page);
  for (;;) {
    const p = await next;
    if (!p) return;
    next = page(p.next);
    if (p.claims.length) yield p.claims;
  }
}

/** One audit event naming every member an export disclosed, built in SQL (no member list in memory). */
export async function auditExport(db: Db, ctx: AccessContext, jobId: string, detail: Record<string, unknown>): Promise<void> {
  await sql`
    insert into audit_event (actor, org_id, action, resource_type, resource_id, member_keys, purpose, outcome, detail)
    select ${ctx.actor}, ${ctx.orgId}, 'export', 'Group', ${String(detail['group'] ?? jobId)},
      coalesce((select jsonb_agg(member_key order by member_key) from bulk_export_member where job_id = ${jobId}), '[]'::jsonb),
      ${ctx.purpose}, 'success', ${JSON.stringify({ ...detail, job: jobId, purpose: disclosurePurpose(ctx) })}::jsonb`.execute(db);
}
