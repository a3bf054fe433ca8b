/**
 * A member's clinical data for the FHIR API (US Core resources in Patient Access, Provider
 * Access and exports): the claims the Encounters/Procedures/Conditions are derived from, and
 * the clinical resources providers submitted, from 2016 on (CMS-0057-F). Scoped by the same
 * policy as Patient (payer: its members; provider: the members it treats; a member's app: that
 * member) and audited on every read.
 */
import type { AccessContext } from '@tandem/core';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../open-database.ts';
import { recordAudit } from './audit-repo.ts';
import { visibleMembers } from './member-reader.ts';

/** Data with a date of service on or after this day (42 CFR 422.119(b)(1), as amended by CMS-0057-F). */
export const CLINICAL_FROM = '2016-01-01';
/** Types derived from claims (MedicationDispense from pharmacy claims); the others come from submissions only. */
export const CLAIM_DERIVED_TYPES = ['Encounter', 'Procedure', 'Condition', 'MedicationDispense'] as const;
/**
 * Provenance is built per submission from the submission's other rows (its targets), so
 * asking for it reads the submitted rows of every type; the caller keeps the types it serves.
 */
const PROVENANCE = 'Provenance';

export interface ClinicalClaimRow {
  memberKey: string;
  id: string;
  kind: string;
  placeOfService: string | null;
  typeOfBill: string | null;
  serviceFrom: string;
  serviceTo: string;
  receivedAt: string;
  /** The billing (for a pharmacy claim, the dispensing) provider's NPI. */
  billingNpi: string | null;
  diagnoses: Array<{ qualifier: string; code: string }>;
  lines: Array<{ lineNumber: number; procedureCode: string | null; revenueCode: string | null; serviceFrom: string; serviceTo: string; units: number | null }>;
}

export interface SubmittedClinicalRow {
  memberKey: string;
  resourceType: string;
  resourceId: string;
  submissionId: string;
  submitterOrgId: string;
  channel: string;
  receivedAt: string;
  resource: Record<string, unknown>;
}

/**
 * The date a submitted resource is about (its period start, effective, performed, onset,
 * authored or occurrence date; a document's date, a dispense's hand-over, a specimen's
 * collection, a goal's start), in SQL, so searches, exports and their counts apply the 2016
 * floor the same way. A resource with no date at all is kept (nothing says it is older): a
 * Device, a Medication, a RelatedPerson or CareTeam without a period, a Goal without a start.
 */
function submittedDate(alias: string): RawBuilder<string | null> {
  const r = sql.ref(`${alias}.resource`);
  return sql<string | null>`left(coalesce(${r}->'period'->>'end', ${r}->'period'->>'start', ${r}->>'performedDateTime', ${r}->'performedPeriod'->>'end', ${r}->'performedPeriod'->>'start',
    ${r}->>'effectiveDateTime', ${r}->'effectivePeriod'->>'end', ${r}->'effectivePeriod'->>'start', ${r}->>'effectiveInstant', ${r}->>'issued', ${r}->>'onsetDateTime',
    ${r}->'onsetPeriod'->>'start', ${r}->>'recordedDate', ${r}->>'authoredOn', ${r}->>'occurrenceDateTime',
    ${r}->>'date', ${r}->'context'->'period'->>'end', ${r}->'context'->'period'->>'start', ${r}->>'whenHandedOver', ${r}->>'whenPrepared',
    ${r}->'collection'->>'collectedDateTime', ${r}->'collection'->'collectedPeriod'->>'end', ${r}->'collection'->'collectedPeriod'->>'start', ${r}->>'receivedTime', ${r}->>'startDate'), 10)`;
}

function fromFloor(alias: string) {
  const d = submittedDate(alias);
  return sql<boolean>`(${d} is null or ${d} >= ${CLINICAL_FROM})`;
}

const CLAIM_SELECT = (alias: string) => sql`${sql.ref(`${alias}.member_key`)} as member_key, ${sql.ref(`${alias}.id`)} as id, ${sql.ref(`${alias}.kind`)} as kind,
  ${sql.ref(`${alias}.place_of_service`)} as place_of_service, ${sql.ref(`${alias}.type_of_bill`)} as type_of_bill, ${sql.ref(`${alias}.billing_npi`)} as billing_npi, ${sql.ref(`${alias}.diagnoses`)} as diagnoses,
  to_char(${sql.ref(`${alias}.service_date_from`)}, 'YYYY-MM-DD') as sf, to_char(${sql.ref(`${alias}.service_date_to`)}, 'YYYY-MM-DD') as st, ${sql.ref(`${alias}.received_at`)} as received_at,
  coalesce((select json_agg(json_build_object('lineNumber', l.line_number, 'procedureCode', l.procedure_code, 'revenueCode', l.revenue_code,
    'serviceFrom', to_char(l.service_date_from, 'YYYY-MM-DD'), 'serviceTo', to_char(l.service_date_to, 'YYYY-MM-DD'), 'units', l.units) order by l.line_number) from claim_line l where l.claim_id = ${sql.ref(`${alias}.id`)}), '[]'::json) as lines`;

type ClaimSqlRow = { member_key: string; id: string; kind: string; place_of_service: string | null; type_of_bill: string | null; billing_npi: string | null; diagnoses: ClinicalClaimRow['diagnoses']; sf: string; st: string; received_at: string | Date; lines: ClinicalClaimRow['lines'] };
const toClaim = (r: ClaimSqlRow): ClinicalClaimRow => ({
  memberKey: r.member_key, id: r.id, kind: r.kind, placeOfService: r.place_of_service, typeOfBill: r.type_of_bill, billingNpi: r.billing_npi, diagnoses: r.diagnoses, serviceFrom: r.sf, serviceTo: r.st,
  receivedAt: new Date(r.received_at).toISOString(), lines: r.lines,
});

type SubmittedSqlRow = { member_key: string; resource_type: string; resource_id: string; submission_id: string; submitter_org_id: string; channel: string; received_at: string | Date; resource: Record<string, unknown> };
const toSubmitted = (r: SubmittedSqlRow): SubmittedClinicalRow => ({
  memberKey: r.member_key, resourceType: r.resource_type, resourceId: r.resource_id, submissionId: r.submission_id, submitterOrgId: r.submitter_org_id, channel: r.channel,
  receivedAt: new Date(r.received_at).toISOString(), resource: r.resource,
});

/** Claims of members (not duplicates) with service on or after 2016, with their lines. */
async function claimsOf(db: Db, memberKeys: readonly string[], extra: RawBuilder<boolean> = sql<boolean>`true`): Promise<ClinicalClaimRow[]> {
  if (!memberKeys.length) return [];
  const r = await sql<ClaimSqlRow>`select ${CLAIM_SELECT('c')} from claim c
    where c.member_key = any(${[...memberKeys]}::text[]) and c.status <> 'duplicate' and c.service_date_to >= ${CLINICAL_FROM} and ${extra}
    order by c.member_key, c.service_date_from, c.id`.execute(db);
  return r.rows.map(toClaim);
}

/** Submitted resources of the given types (the latest submission of each type and id), from 2016 on; every type when Provenance is asked for. */
async function submittedOf(db: Db, memberKeys: readonly string[], types: readonly string[], extra: RawBuilder<boolean> = sql<boolean>`true`): Promise<SubmittedClinicalRow[]> {
  if (!memberKeys.length || !types.length) return [];
  const ofType = types.includes(PROVENANCE) ? sql<boolean>`true` : sql<boolean>`r.resource_type = any(${[...types]}::text[])`;
  const r = await sql<SubmittedSqlRow>`select r.member_key, r.resource_type, r.resource_id, r.submission_id, r.resource, s.submitter_org_id, s.channel, s.received_at
    from clinical_resource r join clinical_submission s on s.id = r.submission_id
    where r.member_key = any(${[...memberKeys]}::text[]) and ${ofType} and ${fromFloor('r')} and ${extra}
    order by r.member_key, r.resource_type, r.resource_id`.execute(db);
  return r.rows.map(toSubmitted);
}

export interface MemberClinicalData {
  /** False when the member does not exist for the caller (outside its reach is the same as missing). */
  readonly visible: boolean;
  readonly claims: ClinicalClaimRow[];
  readonly submitted: SubmittedClinicalRow[];
}

/** One member's clinical data of some types, if the caller may see the member; audited as a read or search of `auditType`. */
export async function memberClinicalData(db: Db, ctx: AccessContext, memberKey: string, types: readonly string[], audit: { action: 'read' | 'search'; resourceType: string }): Promise<MemberClinicalData> {
  const visible = (await visibleMembers(db, ctx).select('member.key').where('member.key', '=', memberKey).executeTakeFirst()) !== undefined;
  const needClaims = types.some((t) => (CLAIM_DERIVED_TYPES as readonly string[]).includes(t));
  const [claims, submitted] = visible ? await Promise.all([needClaims ? claimsOf(db, [memberKey]) : [], submittedOf(db, [memberKey], types)]) : [[], []];
  await recordAudit(db, ctx, { action: audit.action, resourceType: audit.resourceType, resourceId: null, memberKeys: visible ? [memberKey] : [], outcome: visible ? 'success' : 'denied', detail: { patient: memberKey, types } });
  return { visible, claims, submitted };
}

/**
 * The candidates for a read of `type/id`: the claim a derived id names (`clm-<claim>-enc|-l<n>|-dx<n>|-rx<n>`)
 * and any submitted resource with that type and id — for a Provenance, also the rows of the
 * submission with that id — of members the caller may see; audited.
 */
export async function clinicalById(db: Db, ctx: AccessContext, type: string, id: string): Promise<{ claims: ClinicalClaimRow[]; submitted: SubmittedClinicalRow[] }> {
  const visible = visibleMembers(db, ctx).select('member.key');
  const derived = /^clm-(.+)-(enc|l\d+|dx\d+|rx\d+)$/.exec(id);
  let claims: ClinicalClaimRow[] = [];
  if (derived && (CLAIM_DERIVED_TYPES as readonly string[]).includes(type)) {
    const owner = await db.selectFrom('claim').select('member_key').where('id', '=', derived[1]!).where('member_key', 'in', visible).executeTakeFirst();
    if (owner?.member_key) claims = await claimsOf(db, [owner.member_key], sql<boolean>`c.id = ${derived[1]!}`);
  }
  const keys = (await db.selectFrom('clinical_resource').select('member_key').where('resource_type', '=', type).where('resource_id', '=', id).where('member_key', 'in', visible).execute()).map((r) => r.member_key);
  const submitted = await submittedOf(db, keys, [type], sql<boolean>`r.resource_id = ${id}`);
  if (type === PROVENANCE) {
    const owner = await db.selectFrom('clinical_submission').select('member_key').where('id', '=', id).where('member_key', 'in', visible).executeTakeFirst();
    if (owner) submitted.push(...(await submittedOf(db, [owner.member_key], [PROVENANCE], sql<boolean>`r.submission_id = ${id}`)));
  }
  const memberKeys = [...new Set([...claims.map((c) => c.memberKey), ...submitted.map((s) => s.memberKey)])];
  await recordAudit(db, ctx, { action: 'read', resourceType: type, resourceId: id, memberKeys, outcome: memberKeys.length ? 'success' : 'denied' });
  return { claims, submitted };
}

/** An export's filters: resources changed after `since` (claim received, submission received) up to the transaction time. */
export interface ClinicalExportFilter {
  readonly since: string | null;
  readonly until: string;
  /** Payer-to-Payer: only data from this date (five years back). */
  readonly from?: string;
  /** Payer-to-Payer: denied prior authorizations are not exchanged. */
  readonly withoutDenied?: boolean;
}

function claimExportWhere(f: ClinicalExportFilter) {
  const window = f.since ? sql<boolean>`c.received_at <= ${f.until} and c.received_at > ${f.since}` : sql<boolean>`c.received_at <= ${f.until}`;
  // Payer-to-Payer: claims with a date of service in the five years.
  return f.from ? sql<boolean>`${window} and c.service_date_to >= ${f.from}` : window;
}
function submittedExportWhere(f: ClinicalExportFilter) {
  const window = f.since ? sql<boolean>`s.received_at <= ${f.until} and s.received_at > ${f.since}` : sql<boolean>`s.received_at <= ${f.until}`;
  // Payer-to-Payer: what providers sent in the five years (a submission's own dates vary by type).
  return f.from ? sql<boolean>`${window} and s.received_at >= ${`${f.from}T00:00:00Z`}` : window;
}

const ICD10_QUALIFIERS = ['ABK', 'ABF', 'ABJ', 'APR', 'ABN'];

/**
 * How many resources of each clinical type an export will hold, counted in SQL the way the
 * claims mapper derives them (an Encounter per claim and a Procedure per coded line, pharmacy
 * claims aside; a Condition per ICD-10-CM diagnosis; a MedicationDispense per coded pharmacy
 * line) plus the submitted ones, and a Provenance per submission with a row of
 * `provenanceTargets` in the export, so the manifest's counts match the files.
 */
export async function countClinicalExport(db: Db, jobId: string, types: readonly string[], f: ClinicalExportFilter, provenanceTargets: readonly string[] = []): Promise<Record<string, number>> {
  const members = sql`(select member_key from bulk_export_member where job_id = ${jobId})`;
  const claimWhere = sql`c.member_key in ${members} and c.status <> 'duplicate' and c.service_date_to >= ${CLINICAL_FROM} and ${claimExportWhere(f)}`;
  const r = await sql<{ encounters: number; procedures: number; conditions: number; dispenses: number }>`
    select (select count(*) from claim c where ${claimWhere} and c.kind <> 'pharmacy')::int as encounters,
           (select count(*) from claim c join claim_line l on l.claim_id = c.id where ${claimWhere} and c.kind <> 'pharmacy' and l.procedure_code is not null)::int as procedures,
           (select count(*) from claim c cross join lateral jsonb_array_elements(c.diagnoses::jsonb) d where ${claimWhere} and c.kind <> 'pharmacy' and d->>'qualifier' = any(${ICD10_QUALIFIERS}::text[]))::int as conditions,
           (select count(*) from claim c join claim_line l on l.claim_id = c.id where ${claimWhere} and c.kind = 'pharmacy' and l.procedure_code is not null)::int as dispenses`.execute(db);
  const derived = r.rows[0]!;
  const fromClaims: Record<string, number> = { Encounter: derived.encounters, Procedure: derived.procedures, Condition: derived.conditions, MedicationDispense: derived.dispenses };
  const sub = await sql<{ resource_type: string; n: number }>`select r.resource_type, count(*)::int as n from clinical_resource r join clinical_submission s on s.id = r.submission_id
    where r.member_key in ${members} and r.resource_type = any(${[...types]}::text[]) and ${fromFloor('r')} and ${submittedExportWhere(f)} group by r.resource_type`.execute(db);
  const out: Record<string, number> = {};
  for (const t of types) out[t] = (fromClaims[t] ?? 0) + (sub.rows.find((x) => x.resource_type === t)?.n ?? 0);
  if (types.includes(PROVENANCE) && provenanceTargets.length) {
    const p = await sql<{ n: number }>`select count(distinct r.submission_id)::int as n from clinical_resource r join clinical_submission s on s.id = r.submission_id
      where r.member_key in ${members} and r.resource_type = any(${[...provenanceTargets]}::text[]) and ${fromFloor('r')} and ${submittedExportWhere(f)}`.execute(db);
    out[PROVENANCE] = (out[PROVENANCE] ?? 0) + p.rows[0]!.n;
  }
  return out;
}

/** An export's clinical data of one type, member batch by member batch (keyset on member key), for streaming. */
export async function* streamExportClinical(db: Db, jobId: string, type: string, f: ClinicalExportFilter, membersPerBatch = 250): AsyncGenerator<{ claims: ClinicalClaimRow[]; submitted: SubmittedClinicalRow[] }> {
  const derived = (CLAIM_DERIVED_TYPES as readonly string[]).includes(type);
  let after = '';
  for (;;) {
    const keys = (await db.selectFrom('bulk_export_member').select('member_key').where('job_id', '=', jobId).where('member_key', '>', after).orderBy('member_key').limit(membersPerBatch).execute()).map((r) => r.member_key);
    if (!keys.length) return;
    after = keys[keys.length - 1]!;
    const [claims, submitted] = await Promise.all([derived ? claimsOf(db, keys, claimExportWhere(f)) : [], submittedOf(db, keys, [type], submittedExportWhere(f))]);
    if (claims.length || submitted.length) yield { claims, submitted };
  }
}
