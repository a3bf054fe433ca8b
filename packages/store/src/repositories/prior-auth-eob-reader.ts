/**
 * Prior authorizations as the Patient Access and Provider Access APIs read them (PDex Prior
 * Authorization EOBs): the payer sees those made to it; a provider those it requested and
 * those of the members it treats; a member's app its own. Every read is audited.
 * https://hl7.org/fhir/us/davinci-pdex/STU2/PDexPriorAuthorization.html
 */
import type { AccessContext } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import { recordAudit } from './audit-repo.ts';
import type { DateBound } from './member-reader.ts';
import { CLINICAL_FROM, type ClinicalExportFilter } from './clinical-reader.ts';

export interface PriorAuthEobRow {
  id: string;
  status: string;
  priority: 'standard' | 'expedited';
  receivedAt: string;
  decidedAt: string | null;
  dueAt: string;
  updatedAt: string;
  submitterRef: { system: string | null; value: string };
  memberKey: string;
  coverageId: string | null;
  payer: { orgId: string; name: string };
  provider: { orgId: string; name: string };
  diagnoses: string[];
  items: Array<{
    sequence: number; code: string; codeSystem: string; modifiers: string[]; placeOfService: string | null; unitsRequested: number; unitsApproved: number | null; unitsUsed: number;
    from: string; to: string; approvedFrom: string | null; approvedTo: string | null; action: 'approved' | 'modified' | 'denied' | 'pended' | 'not-required' | 'cancelled'; reason: string; traceNumber: string | null;
  }>;
}

export interface PriorAuthEobFilter {
  readonly id?: string | undefined;
  readonly memberKey?: string | undefined;
  /** Our authorization number or the submitter's trace number. */
  readonly identifier?: string | undefined;
  /** Requested service dates overlapping every bound (as `service-date` does for claims). */
  readonly serviceDate?: readonly DateBound[];
  /** When the request last changed. */
  readonly lastUpdated?: readonly DateBound[];
  readonly limit: number;
  readonly offset: number;
}

const OP = { eq: '=', ge: '>=', le: '<=', gt: '>', lt: '<' } as const;

function scoped(db: Db, ctx: AccessContext) {
  let q = db.selectFrom('prior_auth').where('prior_auth.received_at', '>=', `${CLINICAL_FROM}T00:00:00Z`);
  if (ctx.patientKey !== undefined) q = q.where('prior_auth.member_key', '=', ctx.patientKey);
  if (ctx.orgKind === 'payer') return q.where('prior_auth.payer_org_id', '=', ctx.orgId);
  // The requesting provider, and any provider treating the member (Provider Access shares prior authorizations).
  return q.where((eb) => eb.or([
    eb('prior_auth.provider_org_id', '=', ctx.orgId),
    eb.exists(eb.selectFrom('claim').select(sql`1`.as('x')).whereRef('claim.member_key', '=', 'prior_auth.member_key').where('claim.provider_org_id', '=', ctx.orgId)),
  ]));
}

type Head = { id: string; status: string; priority: 'standard' | 'expedited'; received_at: string | Date; decided_at: string | Date | null; due_at: string | Date; updated_at: string | Date;
  submitter_system: string | null; submitter_value: string; member_key: string; payer_org_id: string; provider_org_id: string; payer_name: string; provider_name: string; diagnoses: string[] };

/** Heads → rows with their items and the member's coverage on the first service date (else the latest). */
async function complete(db: Db, heads: readonly Head[]): Promise<PriorAuthEobRow[]> {
  if (!heads.length) return [];
  const ids = heads.map((h) => h.id);
  const items = await sql<{ auth_id: string; sequence: number; code: string; code_system: string; modifiers: string[]; place_of_service: string | null; units_requested: number; units_approved: number | null;
    units_used: number; sf: string; st: string; af: string | null; at: string | null; action: PriorAuthEobRow['items'][number]['action']; reason: string; trace_number: string | null }>`
    select auth_id, sequence, code, code_system, modifiers, place_of_service, units_requested, units_approved, units_used, to_char(service_from, 'YYYY-MM-DD') as sf, to_char(service_to, 'YYYY-MM-DD') as st,
      to_char(approved_from, 'YYYY-MM-DD') as af, to_char(approved_to, 'YYYY-MM-DD') as at, action, reason, trace_number
    from prior_auth_item where auth_id = any(${ids}::text[]) order by auth_id, sequence`.execute(db);
  const keys = [...new Set(heads.map((h) => h.member_key))];
  const coverages = (await sql<{ id: string; member_key: string; ef: string; et: string | null }>`select id, member_key, to_char(effective_from, 'YYYY-MM-DD') as ef, to_char(effective_to, 'YYYY-MM-DD') as et
    from coverage where member_key = any(${keys}::text[]) order by effective_from desc, id`.execute(db)).rows;
  return heads.map((h) => {
    const its = items.rows.filter((i) => i.auth_id === h.id);
    const first = its.reduce((m, i) => (i.sf < m ? i.sf : m), its[0]?.sf ?? new Date(h.received_at).toISOString().slice(0, 10));
    const mine = coverages.filter((c) => c.member_key === h.member_key);
    const cov = mine.find((c) => c.ef <= first && (c.et === null || first <= c.et)) ?? mine[0];
    return {
      id: h.id, status: h.status, priority: h.priority, receivedAt: new Date(h.received_at).toISOString(), decidedAt: h.decided_at ? new Date(h.decided_at).toISOString() : null,
      dueAt: new Date(h.due_at).toISOString(), updatedAt: new Date(h.updated_at).toISOString(), submitterRef: { system: h.submitter_system, value: h.submitter_value }, memberKey: h.member_key,
      coverageId: cov?.id ?? null, payer: { orgId: h.payer_org_id, name: h.payer_name }, provider: { orgId: h.provider_org_id, name: h.provider_name }, diagnoses: h.diagnoses,
      items: its.map((i) => ({
        sequence: i.sequence, code: i.code, codeSystem: i.code_system, modifiers: i.modifiers, placeOfService: i.place_of_service, unitsRequested: i.units_requested, unitsApproved: i.units_approved,
        unitsUsed: i.units_used, from: i.sf, to: i.st, approvedFrom: i.af, approvedTo: i.at, action: i.action, reason: i.reason, traceNumber: i.trace_number,
      })),
    };
  });
}

const HEAD_COLUMNS = ['prior_auth.id', 'prior_auth.status', 'prior_auth.priority', 'prior_auth.received_at', 'prior_auth.decided_at', 'prior_auth.due_at', 'prior_auth.updated_at',
  'prior_auth.submitter_system', 'prior_auth.submitter_value', 'prior_auth.member_key', 'prior_auth.payer_org_id', 'prior_auth.provider_org_id', 'prior_auth.diagnoses', 'payer.name as payer_name', 'prov.name as provider_name'] as const;

/** Prior authorizations the caller may see, oldest first, with the total for paging; audited. */
export async function searchPriorAuthEobs(db: Db, ctx: AccessContext, f: PriorAuthEobFilter): Promise<{ total: number; rows: PriorAuthEobRow[] }> {
  let q = scoped(db, ctx);
  if (f.id) q = q.where('prior_auth.id', '=', f.id);
  if (f.memberKey) q = q.where('prior_auth.member_key', '=', f.memberKey);
  if (f.identifier) q = q.where((eb) => eb.or([eb('prior_auth.id', '=', f.identifier!), eb('prior_auth.submitter_value', '=', f.identifier!)]));
  for (const b of f.serviceDate ?? []) {
    const items = (cond: ReturnType<typeof sql<boolean>>) => sql<boolean>`exists (select 1 from prior_auth_item i where i.auth_id = prior_auth.id and ${cond})`;
    if (b.op === 'eq') q = q.where(items(sql<boolean>`i.service_from <= ${b.value} and i.service_to >= ${b.value}`));
    else if (b.op === 'ge' || b.op === 'gt') q = q.where(items(sql<boolean>`i.service_to ${sql.raw(OP[b.op])} ${b.value}`));
    else q = q.where(items(sql<boolean>`i.service_from ${sql.raw(OP[b.op])} ${b.value}`));
  }
  for (const b of f.lastUpdated ?? []) q = b.value.length <= 10 ? q.where(sql`prior_auth.updated_at::date`, OP[b.op], b.value) : q.where('prior_auth.updated_at', OP[b.op], b.value);
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const heads = f.limit === 0 ? [] : await q.innerJoin('organization as payer', 'payer.id', 'prior_auth.payer_org_id').innerJoin('organization as prov', 'prov.id', 'prior_auth.provider_org_id')
    .select([...HEAD_COLUMNS]).orderBy('prior_auth.received_at').orderBy('prior_auth.id').limit(f.limit).offset(f.offset).execute();
  const rows = await complete(db, heads as Head[]);
  await recordAudit(db, ctx, { action: f.id ? 'read' : 'search', resourceType: 'ExplanationOfBenefit', resourceId: f.id ?? null, memberKeys: [...new Set(rows.map((r) => r.memberKey))], detail: { use: 'preauthorization', count: rows.length } });
  return { total, rows };
}

function exportWhere(jobId: string, f: ClinicalExportFilter) {
  return sql<boolean>`p.member_key in (select member_key from bulk_export_member where job_id = ${jobId}) and p.received_at >= ${`${f.from ?? CLINICAL_FROM}T00:00:00Z`}
    and p.updated_at <= ${f.until} ${f.since ? sql`and p.updated_at > ${f.since}` : sql``} ${f.withoutDenied ? sql`and p.status <> 'denied'` : sql``}`;
}

export async function countPriorAuthExport(db: Db, jobId: string, f: ClinicalExportFilter): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from prior_auth p where ${exportWhere(jobId, f)}`.execute(db);
  return r.rows[0]!.n;
}

/** An export's prior authorizations (all of its members', whoever requested them), a batch at a time. */
export async function* streamExportPriorAuths(db: Db, jobId: string, f: ClinicalExportFilter, batch = 500): AsyncGenerator<PriorAuthEobRow[]> {
  let after = '';
  for (;;) {
    const heads = (await sql<Head>`select p.id, p.status, p.priority, p.received_at, p.decided_at, p.due_at, p.updated_at, p.submitter_system, p.submitter_value, p.member_key, p.payer_org_id,
        p.provider_org_id, p.diagnoses, payer.name as payer_name, prov.name as provider_name
      from prior_auth p join organization payer on payer.id = p.payer_org_id join organization prov on prov.id = p.provider_org_id
      where ${exportWhere(jobId, f)} and p.id > ${after} order by p.id limit ${batch}`.execute(db)).rows;
    if (!heads.length) return;
    after = heads[heads.length - 1]!.id;
    yield await complete(db, heads);
  }
}
