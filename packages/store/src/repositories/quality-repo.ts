/**
 * Quality measures: measure packages, the data a measure reads per member (claims and submitted
 * clinical resources), submissions with their provenance, and results per member × measure × year.
 * Member data is scoped by the access policy in the query (a payer sees its members; a provider the
 * members attributed to it or treated by it) and every read or write of it is audited.
 */
import type { AccessContext } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import { recordAudit } from './audit-repo.ts';
import { insertJsonRows } from './json-insert.ts';

export interface MeasurePackageRow {
  id: string;
  name: string;
  title: string;
  url: string;
  version: string;
  bundle: Record<string, unknown>;
  corrections: ReadonlyArray<Record<string, unknown>>;
  improvementNotation: 'increase' | 'decrease';
  targetBps: number | null;
}

/** Stores (or replaces) a package; a reload keeps the target unless a new one is given. */
export async function saveMeasurePackage(db: Db, p: MeasurePackageRow): Promise<void> {
  await db
    .insertInto('measure_package')
    .values({ id: p.id, name: p.name, title: p.title, url: p.url, version: p.version, bundle: JSON.stringify(p.bundle), corrections: JSON.stringify(p.corrections), improvement_notation: p.improvementNotation, target_bps: p.targetBps })
    .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({
      bundle: eb.ref('excluded.bundle'), corrections: eb.ref('excluded.corrections'), title: eb.ref('excluded.title'), improvement_notation: eb.ref('excluded.improvement_notation'),
      target_bps: sql<number | null>`coalesce(excluded.target_bps, measure_package.target_bps)`, loaded_at: sql<string>`now()`,
    })))
    .execute();
}

export async function listMeasurePackages(db: Db) {
  return db.selectFrom('measure_package').select(['id', 'name', 'title', 'url', 'version', 'corrections', 'improvement_notation', 'target_bps', 'loaded_at']).orderBy('name').execute();
}

/**
 * The loaded measures with a version that changes whenever a package is (re)loaded, so an
 * evaluation pool fetches a bundle (several MB of JSON) only when it does not hold that version.
 */
export async function measureVersions(db: Db): Promise<Array<{ id: string; name: string; version: string; improvementNotation: 'increase' | 'decrease' }>> {
  const rows = await db.selectFrom('measure_package').select(['id', 'name', sql<string>`to_char(loaded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`.as('loaded'), 'improvement_notation']).orderBy('name').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, version: r.loaded, improvementNotation: r.improvement_notation }));
}

/** One measure's assembled bundle (Measure, Libraries, expanded ValueSets). */
export async function measureBundle(db: Db, id: string): Promise<Record<string, unknown>> {
  return (await db.selectFrom('measure_package').select('bundle').where('id', '=', id).executeTakeFirstOrThrow()).bundle;
}

/** A measure by id, canonical URL or short name. */
export async function findMeasure(db: Db, ref: string) {
  return db.selectFrom('measure_package').select(['id', 'name', 'title', 'url', 'version', 'improvement_notation', 'target_bps']).where((eb) => eb.or([eb('id', '=', ref), eb('url', '=', ref), eb('name', '=', ref)])).executeTakeFirst();
}

export interface QualityMember {
  key: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  gender: string;
  /** The provider organization answerable for the member's quality this year (attribution), if any. */
  orgId: string | null;
}

/**
 * The payer's members with coverage in the year (or the given keys), with the organization of
 * the latest attribution run whose window overlaps the year.
 */
export async function qualityMembers(db: Db, payerId: string, year: number, keys?: readonly string[]): Promise<QualityMember[]> {
  if (keys && !keys.length) return [];
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const run = await db.selectFrom('attribution_run').select('id').where('payer_org_id', '=', payerId).where('window_from', '<=', to).where('window_to', '>=', from).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  let q = db
    .selectFrom('member as m')
    .leftJoin('attribution as a', (j) => j.onRef('a.member_key', '=', 'm.key').on('a.run_id', '=', run?.id ?? ''))
    .select(['m.key', 'm.first_name', 'm.last_name', sql<string>`to_char(m.date_of_birth, 'YYYY-MM-DD')`.as('dob'), 'm.gender', 'a.org_id'])
    .where('m.payer_org_id', '=', payerId);
  if (keys) q = q.where('m.key', 'in', [...keys]);
  else
    q = q.where(({ exists, selectFrom }) => exists(selectFrom('coverage as c').select(sql`1`.as('x')).whereRef('c.member_key', '=', 'm.key').where('c.effective_from', '<=', to)
      .where((eb) => eb.or([eb('c.effective_to', 'is', null), eb('c.effective_to', '>=', from)]))));
  const rows = await q.orderBy('m.key').execute();
  return rows.map((r) => ({ key: r.key, firstName: r.first_name, lastName: r.last_name, dateOfBirth: r.dob, gender: r.gender, orgId: r.org_id ?? null }));
}

export interface QualityClaim {
  memberKey: string;
  id: string;
  kind: string;
  providerOrgId: string | null;
  placeOfService: string | null;
  typeOfBill: string | null;
  serviceFrom: string;
  serviceTo: string;
  diagnoses: Array<{ qualifier: string; code: string }>;
  lines: Array<{ lineNumber: number; procedureCode: string | null; revenueCode: string | null; serviceFrom: string; serviceTo: string }>;
}

/** Claims (not duplicates, not denied in full) of the members with service in [from, to], with their lines. */
export async function qualityClaims(db: Db, memberKeys: readonly string[], from: string, to: string): Promise<QualityClaim[]> {
  if (!memberKeys.length) return [];
  const rows = await db
    .selectFrom('claim as c')
    .select([
      'c.member_key', 'c.id', 'c.kind', 'c.provider_org_id', 'c.place_of_service', 'c.type_of_bill', 'c.diagnoses',
      sql<string>`to_char(c.service_date_from, 'YYYY-MM-DD')`.as('sf'), sql<string>`to_char(c.service_date_to, 'YYYY-MM-DD')`.as('st'),
      sql<QualityClaim['lines']>`coalesce((select json_agg(json_build_object('lineNumber', l.line_number, 'procedureCode', l.procedure_code, 'revenueCode', l.revenue_code,
        'serviceFrom', to_char(l.service_date_from, 'YYYY-MM-DD'), 'serviceTo', to_char(l.service_date_to, 'YYYY-MM-DD')) order by l.line_number) from claim_line l where l.claim_id = c.id), '[]'::json)`.as('lines'),
    ])
    .where('c.member_key', 'in', [...memberKeys])
    .where('c.status', '<>', 'duplicate')
    .where('c.service_date_from', '>=', from)
    .where('c.service_date_from', '<=', to)
    .orderBy('c.member_key').orderBy('c.service_date_from').orderBy('c.id')
    .execute();
  return rows.map((r) => ({
    memberKey: r.member_key!, id: r.id, kind: r.kind, providerOrgId: r.provider_org_id, placeOfService: r.place_of_service, typeOfBill: r.type_of_bill,
    serviceFrom: r.sf, serviceTo: r.st, diagnoses: r.diagnoses, lines: r.lines,
  }));
}

export interface ClinicalResourceRow {
  memberKey: string;
  resourceType: string;
  resourceId: string;
  submissionId: string;
  submitterOrgId: string;
  actor: string;
  channel: string;
  receivedAt: string;
  resource: Record<string, unknown>;
}

/** Submitted clinical resources of the members, with the provenance of the submission that last wrote each. */
export async function clinicalResources(db: Db, memberKeys: readonly string[]): Promise<ClinicalResourceRow[]> {
  if (!memberKeys.length) return [];
  const rows = await db
    .selectFrom('clinical_resource as r')
    .innerJoin('clinical_submission as s', 's.id', 'r.submission_id')
    .select(['r.member_key', 'r.resource_type', 'r.resource_id', 'r.submission_id', 'r.resource', 's.submitter_org_id', 's.actor', 's.channel', 's.received_at'])
    .where('r.member_key', 'in', [...memberKeys])
    .orderBy('r.member_key').orderBy('r.resource_type').orderBy('r.resource_id')
    .execute();
  return rows.map((r) => ({ memberKey: r.member_key, resourceType: r.resource_type, resourceId: r.resource_id, submissionId: r.submission_id, submitterOrgId: r.submitter_org_id, actor: r.actor, channel: r.channel, receivedAt: new Date(r.received_at).toISOString(), resource: r.resource }));
}

/** The member visible to the caller (payer: its member; provider: attributed to it or treated by it), or undefined. */
export async function visibleQualityMember(db: Db, ctx: AccessContext, memberKey: string) {
  let q = db.selectFrom('member as m').select(['m.key', 'm.payer_org_id', 'm.first_name', 'm.last_name', sql<string>`to_char(m.date_of_birth, 'YYYY-MM-DD')`.as('dob'), 'm.gender']).where('m.key', '=', memberKey);
  if (ctx.orgKind === 'payer') q = q.where('m.payer_org_id', '=', ctx.orgId);
  else
    q = q.where((eb) => eb.or([
      eb.exists(eb.selectFrom('claim as c').select(sql`1`.as('x')).whereRef('c.member_key', '=', 'm.key').where('c.provider_org_id', '=', ctx.orgId)),
      eb.exists(eb.selectFrom('measure_result as r').select(sql`1`.as('x')).whereRef('r.member_key', '=', 'm.key').where('r.org_id', '=', ctx.orgId)),
      eb.exists(eb.selectFrom('attribution as a').select(sql`1`.as('x')).whereRef('a.member_key', '=', 'm.key').where('a.org_id', '=', ctx.orgId)),
    ]));
  return q.executeTakeFirst();
}

export interface SubmissionInput {
  id: string;
  memberKey: string;
  channel: 'submit-data' | 'bundle' | 'synthea';
  measureId: string | null;
  receivedAt: string;
  resources: ReadonlyArray<{ resourceType: string; id: string; [k: string]: unknown }>;
}

/**
 * Stores a submission and its resources (a resource submitted again under the same type and id
 * replaces the earlier one, as a FHIR update would), audited as a write of the member's data.
 */
export async function saveSubmission(db: Db, ctx: AccessContext, s: SubmissionInput): Promise<void> {
  await db.insertInto('clinical_submission').values({ id: s.id, submitter_org_id: ctx.orgId, actor: ctx.actor, channel: s.channel, member_key: s.memberKey, measure_id: s.measureId, resources: s.resources.length, received_at: s.receivedAt }).execute();
  const unique = new Map(s.resources.map((r) => [`${r.resourceType}/${r.id}`, r]));
  const rows = [...unique.values()].map((r) => ({ member_key: s.memberKey, resource_type: r.resourceType, resource_id: r.id, submission_id: s.id, resource: JSON.stringify(r) }));
  for (let i = 0; i < rows.length; i += 500)
    await db.insertInto('clinical_resource').values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.columns(['member_key', 'resource_type', 'resource_id']).doUpdateSet((eb) => ({ submission_id: eb.ref('excluded.submission_id'), resource: eb.ref('excluded.resource') })))
      .execute();
  await recordAudit(db, ctx, { action: 'create', resourceType: 'Bundle', resourceId: s.id, memberKeys: [s.memberKey], detail: { channel: s.channel, resources: s.resources.length, measure: s.measureId } });
}

export interface MeasureResultRow {
  memberKey: string;
  measureId: string;
  period: number;
  orgId: string | null;
  populations: Record<string, boolean>;
  evidence: Record<string, unknown>;
  gap: 'open' | 'closed' | 'excluded' | 'not-eligible' | 'error';
  error: string | null;
  evaluatedAt: string;
}

/** Stores results, replacing earlier ones for the same member, measure and year. */
export async function saveMeasureResults(db: Db, rows: readonly MeasureResultRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2_000) {
    const chunk = rows.slice(i, i + 2_000);
    await db.deleteFrom('measure_result').where((eb) => eb.or(chunk.map((r) => eb.and([eb('member_key', '=', r.memberKey), eb('measure_id', '=', r.measureId), eb('period', '=', r.period)])))).execute();
    await insertJsonRows(db, 'measure_result', ['member_key', 'measure_id', 'period', 'org_id', 'populations', 'evidence', 'gap', 'error', 'evaluated_at'],
      chunk.map((r) => ({ member_key: r.memberKey, measure_id: r.measureId, period: r.period, org_id: r.orgId, populations: r.populations, evidence: r.evidence, gap: r.gap, error: r.error, evaluated_at: r.evaluatedAt })));
  }
}

export interface ResultQuery {
  measureId?: string | undefined;
  period: number;
  orgId?: string | undefined;
  memberKey?: string | undefined;
  /** Only these members (e.g. a practitioner's patients); an empty list matches nothing. */
  memberKeys?: readonly string[] | undefined;
  gap?: string | undefined;
  limit?: number;
}

/**
 * A practitioner's patients in a year for DEQM `$care-gaps?practitioner=`: the members with a
 * claim in the year that the practitioner rendered (the treatment relationship on file). A
 * provider organization may only ask about its own practitioners. `null` when the practitioner
 * is unknown or not the caller's.
 */
export async function practitionerPatients(db: Db, ctx: AccessContext, practitionerId: string, year: number): Promise<string[] | null> {
  const p = await db.selectFrom('practitioner').select(['npi', 'org_id']).where('id', '=', practitionerId).executeTakeFirst();
  if (!p || (ctx.orgKind !== 'payer' && p.org_id !== ctx.orgId)) return null;
  const rows = await db.selectFrom('claim').select('member_key').distinct()
    .where('rendering_npi', '=', p.npi).where('member_key', 'is not', null)
    .where('service_date_from', '<=', `${year}-12-31`).where('service_date_to', '>=', `${year}-01-01`)
    .execute();
  return rows.map((r) => r.member_key!);
}

/** Results visible to the caller (payer: its members; provider: results attributed to it), audited with the member keys shown. */
export async function searchMeasureResults(db: Db, ctx: AccessContext, f: ResultQuery) {
  let q = db
    .selectFrom('measure_result as r')
    .innerJoin('member as m', 'm.key', 'r.member_key')
    .innerJoin('measure_package as p', 'p.id', 'r.measure_id')
    .leftJoin('organization as o', 'o.id', 'r.org_id')
    .select(['r.member_key', 'r.measure_id', 'p.name as measure_name', 'p.title as measure_title', 'r.period', 'r.org_id', 'o.name as org_name', 'r.populations', 'r.evidence', 'r.gap', 'r.error', 'r.evaluated_at',
      'm.first_name', 'm.last_name', sql<string>`to_char(m.date_of_birth, 'YYYY-MM-DD')`.as('dob'), 'm.gender', 'm.member_id'])
    .where('r.period', '=', f.period);
  q = ctx.orgKind === 'payer' ? q.where('m.payer_org_id', '=', ctx.orgId) : q.where('r.org_id', '=', ctx.orgId);
  if (f.measureId) q = q.where('r.measure_id', '=', f.measureId);
  if (f.orgId) q = q.where('r.org_id', '=', f.orgId);
  if (f.memberKey) q = q.where('r.member_key', '=', f.memberKey);
  if (f.memberKeys) {
    if (!f.memberKeys.length) return [];
    q = q.where('r.member_key', 'in', f.memberKeys);
  }
  if (f.gap) q = q.where('r.gap', '=', f.gap as 'open');
  const rows = await q.orderBy('r.member_key').orderBy('p.name').limit(f.limit ?? 500).execute();
  await recordAudit(db, ctx, { action: f.memberKey ? 'read' : 'search', resourceType: 'MeasureReport', resourceId: f.memberKey ?? null, memberKeys: rows.map((r) => r.member_key), detail: { measure: f.measureId ?? null, period: f.period, gap: f.gap ?? null, count: rows.length } });
  return rows;
}

/** Population counts per measure and organization (no member data, so no audit). Providers get their own organization only. */
export async function measureRates(db: Db, ctx: AccessContext, period: number, orgId?: string) {
  let q = db
    .selectFrom('measure_result as r')
    .innerJoin('member as m', 'm.key', 'r.member_key')
    .innerJoin('measure_package as p', 'p.id', 'r.measure_id')
    .leftJoin('organization as o', 'o.id', 'r.org_id')
    .select(['r.measure_id', 'p.name', 'p.title', 'p.target_bps', 'p.improvement_notation', 'r.org_id', 'o.name as org_name',
      sql<number>`count(*) filter (where (r.populations->>'initial-population')::boolean)`.as('initial_population'),
      sql<number>`count(*) filter (where (r.populations->>'denominator')::boolean)`.as('denominator'),
      sql<number>`count(*) filter (where (r.populations->>'denominator-exclusion')::boolean)`.as('denominator_exclusion'),
      sql<number>`count(*) filter (where (r.populations->>'denominator-exception')::boolean)`.as('denominator_exception'),
      sql<number>`count(*) filter (where (r.populations->>'numerator')::boolean)`.as('numerator'),
      sql<number>`count(*) filter (where r.gap = 'open')`.as('open_gaps')])
    .where('r.period', '=', period)
    .groupBy(['r.measure_id', 'p.name', 'p.title', 'p.target_bps', 'p.improvement_notation', 'r.org_id', 'o.name']);
  q = ctx.orgKind === 'payer' ? q.where('m.payer_org_id', '=', ctx.orgId) : q.where('r.org_id', '=', ctx.orgId);
  if (orgId) q = q.where('r.org_id', '=', orgId);
  const rows = await q.orderBy('p.name').orderBy('o.name').execute();
  return rows.map((r) => ({ ...r, initial_population: Number(r.initial_population), denominator: Number(r.denominator), denominator_exclusion: Number(r.denominator_exclusion), denominator_exception: Number(r.denominator_exception), numerator: Number(r.numerator), open_gaps: Number(r.open_gaps) }));
}

/** Years that have results for the payer of the caller (or the provider's own). */
export async function qualityYears(db: Db, ctx: AccessContext): Promise<number[]> {
  let q = db.selectFrom('measure_result as r').innerJoin('member as m', 'm.key', 'r.member_key').select('r.period').distinct();
  q = ctx.orgKind === 'payer' ? q.where('m.payer_org_id', '=', ctx.orgId) : q.where('r.org_id', '=', ctx.orgId);
  return (await q.orderBy('r.period', 'desc').execute()).map((r) => r.period);
}

/** Submissions for a member (provenance list), newest first. */
export async function memberSubmissions(db: Db, memberKey: string) {
  return db.selectFrom('clinical_submission as s').innerJoin('organization as o', 'o.id', 's.submitter_org_id')
    .select(['s.id', 's.channel', 's.actor', 's.submitter_org_id', 'o.name as submitter_name', 's.received_at', 's.resources', 's.measure_id'])
    .where('s.member_key', '=', memberKey).orderBy('s.received_at', 'desc').execute();
}

/**
 * A cheap change marker for the caller's results (latest evaluation time and count; no member data,
 * so not audited): the dashboard polls it every second and reloads the lists only when it moves.
 */
export async function qualityVersion(db: Db, ctx: AccessContext, period: number): Promise<string> {
  let q = db.selectFrom('measure_result as r').innerJoin('member as m', 'm.key', 'r.member_key')
    .select([sql<string>`coalesce(max(r.evaluated_at)::text, '')`.as('at'), sql<number>`count(*)`.as('n'), sql<number>`count(*) filter (where r.gap = 'open')`.as('open')])
    .where('r.period', '=', period);
  q = ctx.orgKind === 'payer' ? q.where('m.payer_org_id', '=', ctx.orgId) : q.where('r.org_id', '=', ctx.orgId);
  const r = await q.executeTakeFirst();
  return `${r?.at ?? ''}|${Number(r?.n ?? 0)}|${Number(r?.open ?? 0)}`;
}
