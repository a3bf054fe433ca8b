/**
 * Imports of claims adjudicated elsewhere (the Tuva input layer): rows are staged in temporary
 * tables of the caller's transaction (dropped at commit or rollback), checked across rows in
 * SQL, then written set-wise. Lines of one claim need not be adjacent in a file, so the claims
 * are assembled in the database, not in memory: the importing process holds one chunk of rows
 * at a time, whatever the size of the files.
 *
 * Every function takes the open transaction; nothing here commits.
 */
import type { AccessContext } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import { reserveNumbers } from './accumulator-repo.ts';
import { insertJsonRows } from './json-insert.ts';

const STAGING = [
  `create temp table tuva_elig (
     line int not null, patient_id text not null, ok boolean not null, member_key text, gender text, birth_date date,
     start_date date, end_date date, lob text, plan_id text, first_name text, last_name text, dual_status text, medicare_status text) on commit drop`,
  `create temp table tuva_line (
     source text not null, line int not null, claim_id text not null, line_number int not null, kind text not null, patient_id text not null,
     hdr jsonb not null, claim_from date, claim_to date, line_from date not null, line_to date not null, pos text, bill_type text, drg text,
     billing_npi text, rendering_npi text, facility_npi text, dispensing_npi text, diagnoses jsonb not null, revenue_code text,
     procedure_code text, modifiers jsonb not null, units text not null, billed bigint not null, allowed bigint not null, paid bigint not null,
     fp text not null) on commit drop`,
  `create temp table tuva_taxonomy (line int not null, npi text not null, taxonomy text not null) on commit drop`,
];

/** Where a problem found across rows sits: the staged source file and its line. */
export interface StagedProblem {
  readonly source: 'eligibility' | 'medical' | 'pharmacy' | 'taxonomy';
  readonly line: number;
  readonly column: string | null;
  readonly problem: string;
}

/**
 * Opens the staging tables. Imports for one payer run one at a time (a transaction-scoped
 * advisory lock): two at once would both find a member or claim absent and both add it.
 */
export async function createImportStaging(trx: Db, payerId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`tandem-import:${payerId}`}::text))`.execute(trx);
  for (const s of STAGING) await sql.raw(s).execute(trx);
}

const STAGED_COLUMNS = {
  tuva_elig: ['line', 'patient_id', 'ok', 'member_key', 'gender', 'birth_date', 'start_date', 'end_date', 'lob', 'plan_id', 'first_name', 'last_name', 'dual_status', 'medicare_status'],
  tuva_line: [
    'source', 'line', 'claim_id', 'line_number', 'kind', 'patient_id', 'hdr', 'claim_from', 'claim_to', 'line_from', 'line_to', 'pos', 'bill_type', 'drg',
    'billing_npi', 'rendering_npi', 'facility_npi', 'dispensing_npi', 'diagnoses', 'revenue_code', 'procedure_code', 'modifiers', 'units', 'billed', 'allowed', 'paid', 'fp',
  ],
  tuva_taxonomy: ['line', 'npi', 'taxonomy'],
} as const;

/** Rows as the staging tables name their columns (see `tuva-layout.ts` in the server); a column a row lacks is null. */
export async function stageRows(trx: Db, table: keyof typeof STAGED_COLUMNS, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length) await insertJsonRows(trx, table, STAGED_COLUMNS[table], rows, 2_000);
}

/** Indexes and planner statistics once the rows are in (autovacuum never analyzes temporary tables). */
export async function indexStaging(trx: Db): Promise<void> {
  for (const s of [
    'create index on tuva_elig (patient_id)',
    'create index on tuva_line (source, claim_id, line)',
    'create index on tuva_line (patient_id)',
    'analyze tuva_elig',
    'analyze tuva_line',
    'analyze tuva_taxonomy',
  ]) await sql.raw(s).execute(trx);
}

/**
 * Problems across eligibility rows, in file order: one person described two ways, spans of
 * the same plan that overlap, and — on a re-import — disagreement with what is on file
 * (member demographics, an overlapping span of the same plan that is not the same span).
 */
export async function eligibilityProblems(trx: Db, payerId: string, limit: number): Promise<StagedProblem[]> {
  const out: StagedProblem[] = [];
  const room = () => limit - out.length;
  if (room() <= 0) return out;
  const demo = await sql<{ line: number; patient_id: string; b: string; g: string; first_line: number; fb: string; fg: string }>`
    with f as (select distinct on (patient_id) patient_id, line, birth_date, gender from tuva_elig where ok order by patient_id, line)
    select e.line, e.patient_id, to_char(e.birth_date, 'YYYY-MM-DD') as b, e.gender as g, f.line as first_line, to_char(f.birth_date, 'YYYY-MM-DD') as fb, f.gender as fg
    from tuva_elig e join f on f.patient_id = e.patient_id
    where e.ok and e.line <> f.line and (e.birth_date <> f.birth_date or e.gender <> f.gender)
    order by e.line limit ${room()}`.execute(trx);
  for (const r of demo.rows) {
    if (r.b !== r.fb) out.push({ source: 'eligibility', line: r.line, column: 'birth_date', problem: `patient ${r.patient_id}: ${r.b} here but ${r.fb} on line ${r.first_line}` });
    if (r.g !== r.fg) out.push({ source: 'eligibility', line: r.line, column: 'gender', problem: `patient ${r.patient_id}: ${r.g} here but ${r.fg} on line ${r.first_line}` });
  }
  if (room() <= 0) return out.slice(0, limit);
  const overlaps = await sql<{ line: number; patient_id: string; other: number; plan_id: string }>`
    select b.line, b.patient_id, a.line as other, b.plan_id from tuva_elig a
    join tuva_elig b on a.patient_id = b.patient_id and a.plan_id = b.plan_id and a.line < b.line and a.start_date <= b.end_date and b.start_date <= a.end_date
    where a.ok and b.ok order by b.line limit ${room()}`.execute(trx);
  for (const r of overlaps.rows) out.push({ source: 'eligibility', line: r.line, column: 'enrollment_start_date', problem: `patient ${r.patient_id}: the span overlaps line ${r.other} (same plan ${r.plan_id})` });
  if (room() <= 0) return out;
  const onFile = await sql<{ line: number; patient_id: string; key: string; b: string; g: string; mb: string; mg: string }>`
    select e.line, e.patient_id, m.key, to_char(e.birth_date, 'YYYY-MM-DD') as b, e.gender as g, to_char(m.date_of_birth, 'YYYY-MM-DD') as mb, m.gender as mg
    from tuva_elig e join member m on m.payer_org_id = ${payerId}::text and m.member_id = e.patient_id
    where e.ok and (m.date_of_birth <> e.birth_date or m.gender <> e.gender) order by e.line limit ${room()}`.execute(trx);
  for (const r of onFile.rows) {
    if (r.b !== r.mb) out.push({ source: 'eligibility', line: r.line, column: 'birth_date', problem: `patient ${r.patient_id}: ${r.b} here but member ${r.key} is on file born ${r.mb}` });
    if (r.g !== r.mg) out.push({ source: 'eligibility', line: r.line, column: 'gender', problem: `patient ${r.patient_id}: ${r.g} here but member ${r.key} is on file as ${r.mg}` });
  }
  if (room() <= 0) return out.slice(0, limit);
  const keyTaken = await sql<{ line: number; member_key: string }>`
    select e.line, e.member_key from tuva_elig e join member m on m.key = e.member_key
    where e.ok and not exists (select 1 from member x where x.payer_org_id = ${payerId}::text and x.member_id = e.patient_id)
    order by e.line limit ${room()}`.execute(trx);
  for (const r of keyTaken.rows) out.push({ source: 'eligibility', line: r.line, column: 'patient_id', problem: `member key ${r.member_key} already belongs to another member` });
  if (room() <= 0) return out;
  const spans = await sql<{ line: number; patient_id: string; id: string; f: string; t: string | null }>`
    select e.line, e.patient_id, c.id, to_char(c.effective_from, 'YYYY-MM-DD') as f, to_char(c.effective_to, 'YYYY-MM-DD') as t
    from tuva_elig e
    join member m on m.payer_org_id = ${payerId}::text and m.member_id = e.patient_id
    join coverage c on c.member_key = m.key and c.plan_id = e.plan_id
    where e.ok and c.effective_from <= e.end_date and (c.effective_to is null or c.effective_to >= e.start_date)
      and not (c.effective_from = e.start_date and c.effective_to is not distinct from e.end_date)
    order by e.line limit ${room()}`.execute(trx);
  for (const r of spans.rows) out.push({ source: 'eligibility', line: r.line, column: 'enrollment_start_date', problem: `patient ${r.patient_id}: the span overlaps coverage ${r.id} on file (${r.f} … ${r.t ?? 'open'}) of the same plan but is not the same span` });
  return out;
}

/**
 * Problems across claim lines, in file order: a line number used twice in one claim, header
 * fields that differ between the lines of one claim (named column by column), and patients
 * neither in the eligibility file nor on file as members of the payer.
 */
export async function claimLineProblems(trx: Db, payerId: string, limit: number): Promise<StagedProblem[]> {
  const out: StagedProblem[] = [];
  const room = () => limit - out.length;
  if (room() <= 0) return out;
  const dup = await sql<{ source: 'medical' | 'pharmacy'; line: number; claim_id: string; line_number: number; first: number }>`
    select source, line, claim_id, line_number, first from (
      select source, line, claim_id, line_number, min(line) over (partition by source, claim_id, line_number) as first from tuva_line) x
    where line <> first order by source, line limit ${room()}`.execute(trx);
  for (const r of dup.rows) out.push({ source: r.source, line: r.line, column: 'claim_line_number', problem: `claim ${r.claim_id} has line ${r.line_number} twice (also on line ${r.first})` });
  if (room() <= 0) return out;
  const hdr = await sql<{ source: 'medical' | 'pharmacy'; line: number; claim_id: string; hdr: Record<string, string>; first_hdr: Record<string, string>; first_line: number }>`
    select source, line, claim_id, hdr, first_hdr, first_line from (
      select source, line, claim_id, hdr, first_value(hdr) over w as first_hdr, first_value(line) over w as first_line
      from tuva_line window w as (partition by source, claim_id order by line)) x
    where hdr <> first_hdr order by source, line limit ${room()}`.execute(trx);
  for (const r of hdr.rows) {
    const a = typeof r.hdr === 'string' ? (JSON.parse(r.hdr) as Record<string, string>) : r.hdr;
    const b = typeof r.first_hdr === 'string' ? (JSON.parse(r.first_hdr) as Record<string, string>) : r.first_hdr;
    for (const k of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) {
      if ((a[k] ?? '') === (b[k] ?? '')) continue;
      out.push({ source: r.source, line: r.line, column: k, problem: `claim ${r.claim_id}: '${a[k] ?? ''}' here but '${b[k] ?? ''}' on line ${r.first_line} (a claim's lines must agree on header fields)` });
    }
  }
  if (room() <= 0) return out.slice(0, limit);
  const orphan = await sql<{ source: 'medical' | 'pharmacy'; line: number; patient_id: string }>`
    select t.source, t.line, t.patient_id from tuva_line t
    where not exists (select 1 from tuva_elig e where e.patient_id = t.patient_id)
      and not exists (select 1 from member m where m.payer_org_id = ${payerId}::text and m.member_id = t.patient_id)
    order by t.source, t.line limit ${room()}`.execute(trx);
  for (const r of orphan.rows) out.push({ source: r.source, line: r.line, column: 'patient_id', problem: `patient ${r.patient_id} is neither in eligibility.csv nor a member on file` });
  if (room() <= 0) return out;
  const tax = await sql<{ line: number; npi: string; first: number }>`
    select line, npi, first from (select line, npi, taxonomy, first_value(line) over w as first, first_value(taxonomy) over w as ft from tuva_taxonomy window w as (partition by npi order by line)) x
    where taxonomy <> ft order by line limit ${room()}`.execute(trx);
  for (const r of tax.rows) out.push({ source: 'taxonomy', line: r.line, column: 'taxonomy', problem: `NPI ${r.npi} has another taxonomy on line ${r.first}` });
  return out;
}

/**
 * Institutional claims whose amount (charge, allowed or paid, each on its own) is the same,
 * and not zero, on every one of two or more lines carry the claim's amount repeated on each
 * revenue-code line — as Tuva's Medicare CCLF connector wrote header amounts (CCLF1
 * CLM_PMT_AMT, CLM_MDCR_INSTNL_TOT_CHRG_AMT; its current version keeps the payment on the first
 * line only). Summed, the claim would count 2, 3 … 37 times; so that amount stays on the
 * lowest-numbered line and the others carry 0. Professional and pharmacy lines carry their own
 * amounts and are summed as given. Returns how many claims had an amount read this way.
 */
export async function collapseRepeatedAmounts(trx: Db): Promise<number> {
  await sql`
    create temp table tuva_repeated on commit drop as
    select * from (
      select source, claim_id, min(line_number) as first_ln,
        count(*) > 1 and min(billed) = max(billed) and min(billed) <> 0 as b,
        count(*) > 1 and min(allowed) = max(allowed) and min(allowed) <> 0 as a,
        count(*) > 1 and min(paid) = max(paid) and min(paid) <> 0 as p
      from tuva_line where kind = 'institutional' group by source, claim_id) x
    where b or a or p`.execute(trx);
  await sql`
    update tuva_line l set
      billed = case when r.b then 0 else l.billed end,
      allowed = case when r.a then 0 else l.allowed end,
      paid = case when r.p then 0 else l.paid end
    from tuva_repeated r where l.source = r.source and l.claim_id = r.claim_id and l.line_number <> r.first_ln`.execute(trx);
  return (await sql<{ n: number }>`select count(*)::int as n from tuva_repeated`.execute(trx)).rows[0]!.n;
}

/**
 * One row per claim (`tuva_claim`), from its lines: header fields from the lowest-numbered
 * line, amounts summed, a content hash over every line's fingerprint, and the dedupe key
 * `tuva:<payer>:<medical|pharmacy>:<claim_id>` — the source's claim id scoped by payer and file.
 * Marks the claims already on file (a re-import).
 */
export async function assembleClaims(trx: Db, payerId: string): Promise<void> {
  await sql`
    create temp table tuva_claim on commit drop as
    select source, claim_id, min(line) as first_line,
      (array_agg(kind order by line_number))[1] as kind,
      (array_agg(patient_id order by line_number))[1] as patient_id,
      coalesce(min(claim_from), min(line_from)) as service_from,
      coalesce(max(claim_to), max(line_to)) as service_to,
      (array_agg(pos order by line_number))[1] as pos,
      (array_agg(bill_type order by line_number))[1] as bill_type,
      (array_agg(drg order by line_number))[1] as drg,
      (array_agg(billing_npi order by line_number))[1] as billing_npi,
      (array_agg(rendering_npi order by line_number))[1] as rendering_npi,
      (array_agg(facility_npi order by line_number))[1] as facility_npi,
      (array_agg(dispensing_npi order by line_number))[1] as dispensing_npi,
      (array_agg(diagnoses order by line_number))[1] as diagnoses,
      sum(billed)::bigint as billed, sum(allowed)::bigint as allowed, sum(paid)::bigint as paid, count(*)::int as lines,
      md5(string_agg(fp, ',' order by line_number)) as content_hash,
      'tuva:' || ${payerId}::text || ':' || source || ':' || claim_id as dedupe_key,
      null::text as member_key, null::text as plan_id, null::text as org_id, null::text as org_npi, null::text as org_role,
      null::text as existing_id, null::text as existing_hash, null::text as new_id
    from tuva_line group by source, claim_id`.execute(trx);
  await sql.raw('create unique index on tuva_claim (source, claim_id)').execute(trx);
  await sql.raw('create index on tuva_claim (dedupe_key)').execute(trx);
  await sql`
    update tuva_claim t set existing_id = c.id, existing_hash = c.provenance->>'contentHash'
    from claim c where c.dedupe_key = t.dedupe_key and c.duplicate_of is null`.execute(trx);
  await sql.raw('analyze tuva_claim').execute(trx);
}

/** Claims imported before whose lines, codes or amounts have changed since: corrections are refused, not merged. */
export async function changedClaimProblems(trx: Db, limit: number): Promise<StagedProblem[]> {
  if (limit <= 0) return [];
  const r = await sql<{ source: 'medical' | 'pharmacy'; first_line: number; claim_id: string; existing_id: string }>`
    select source, first_line, claim_id, existing_id from tuva_claim
    where existing_id is not null and existing_hash is distinct from content_hash order by source, first_line limit ${limit}`.execute(trx);
  return r.rows.map((x) => ({
    source: x.source, line: x.first_line, column: 'claim_id',
    problem: `claim ${x.claim_id} was imported before (claim ${x.existing_id}) with other lines, codes or amounts; an import adds claims and never rewrites one — corrections are not supported`,
  }));
}

export interface ImportCounts {
  readonly membersNew: number;
  readonly membersOnFile: number;
  readonly coverageNew: number;
  readonly coverageOnFile: number;
  readonly claims: Readonly<Record<'medical' | 'pharmacy', { new: number; onFile: number; lines: number; paidCents: number }>>;
  readonly organizationsCreated: number;
  readonly practitionersCreated: number;
  readonly taxonomiesSet: number;
  /** Institutional claims whose amounts were repeated on every line and are counted once. */
  readonly repeatedAmountClaims: number;
}

const affected = (r: { numAffectedRows?: bigint }) => Number(r.numAffectedRows ?? 0n);

/** New members (one per patient not on file) and their coverage spans (each span not already on file). */
export async function writeMembersAndCoverage(trx: Db, payerId: string): Promise<Pick<ImportCounts, 'membersNew' | 'membersOnFile' | 'coverageNew' | 'coverageOnFile'>> {
  const patients = await sql<{ n: number }>`select count(distinct patient_id)::int as n from tuva_elig where ok`.execute(trx);
  const members = await sql`
    insert into member (key, payer_org_id, member_id, subscriber_key, relationship, first_name, last_name, date_of_birth, gender)
    select distinct on (e.patient_id) e.member_key, ${payerId}::text, e.patient_id, e.member_key, 'self', e.first_name, e.last_name, e.birth_date, e.gender
    from tuva_elig e
    where e.ok and not exists (select 1 from member m where m.payer_org_id = ${payerId}::text and m.member_id = e.patient_id)
    order by e.patient_id, e.line`.execute(trx);
  const membersNew = affected(members);
  const spans = await sql<{ n: number; all: number }>`
    select count(*) filter (where not exists (
      select 1 from coverage c where c.member_key = m.key and c.plan_id = e.plan_id and c.effective_from = e.start_date and c.effective_to is not distinct from e.end_date))::int as n,
      count(*)::int as all
    from tuva_elig e join member m on m.payer_org_id = ${payerId}::text and m.member_id = e.patient_id where e.ok`.execute(trx);
  const { n, all } = spans.rows[0]!;
  if (n > 0) {
    // Coverage ids from a counter (the generator's are cov-<n>): imported spans are cov-imp-<n>.
    const first = await reserveNumbers(trx, 'coverage-import', n);
    await sql`
      insert into coverage (id, member_key, subscriber_key, plan_id, effective_from, effective_to, dual_status, medicare_status)
      select 'cov-imp-' || (${first}::bigint + row_number() over (order by e.line) - 1)::text, m.key, m.subscriber_key, e.plan_id, e.start_date, e.end_date, e.dual_status, e.medicare_status
      from tuva_elig e join member m on m.payer_org_id = ${payerId}::text and m.member_id = e.patient_id
      where e.ok and not exists (
        select 1 from coverage c where c.member_key = m.key and c.plan_id = e.plan_id and c.effective_from = e.start_date and c.effective_to is not distinct from e.end_date)`.execute(trx);
  }
  return { membersNew, membersOnFile: patients.rows[0]!.n - membersNew, coverageNew: n, coverageOnFile: all - n };
}

/**
 * The provider organization of each new claim. Looked up in order: the billing NPI among
 * organizations; for professional claims the rendering NPI among practitioners (their
 * organization); for institutional claims the facility NPI among organizations; for pharmacy
 * claims the dispensing NPI. Still unknown: the organization holding the first NPI the claim
 * names (billing, else rendering / facility / dispensing), created when there is none —
 * `org-npi-<npi>`, "Provider NPI <npi>" — with a practitioner row when that NPI is a
 * professional claim's rendering NPI (taxonomy from the optional NPI→taxonomy file, else '').
 * Pharmacy claims without any NPI keep no organization.
 */
export async function resolveProviders(trx: Db): Promise<Pick<ImportCounts, 'organizationsCreated' | 'practitionersCreated' | 'taxonomiesSet'>> {
  await sql`
    update tuva_claim t set org_id = coalesce(
      (select o.id from organization o where o.kind = 'provider' and o.npi = t.billing_npi),
      case when t.kind = 'professional' then (select p.org_id from practitioner p where p.npi = t.rendering_npi) end,
      case when t.kind = 'institutional' then (select o.id from organization o where o.kind = 'provider' and o.npi = t.facility_npi) end,
      case when t.kind = 'pharmacy' then (select o.id from organization o where o.kind = 'provider' and o.npi = t.dispensing_npi) end)
    where t.existing_id is null`.execute(trx);
  await sql`
    update tuva_claim set
      org_npi = coalesce(billing_npi, case kind when 'professional' then rendering_npi when 'institutional' then facility_npi else dispensing_npi end),
      org_role = case when billing_npi is not null then 'billing' else case kind when 'professional' then 'rendering' when 'institutional' then 'facility' else 'dispensing' end end
    where existing_id is null and org_id is null`.execute(trx);
  await sql`
    update tuva_claim t set org_id = o.id from organization o
    where t.existing_id is null and t.org_id is null and o.kind = 'provider' and o.npi = t.org_npi`.execute(trx);
  const orgs = await sql`
    insert into organization (id, kind, name, tin, npi, provider_type, payer_code)
    select distinct 'org-npi-' || org_npi, 'provider', 'Provider NPI ' || org_npi, null::text, org_npi, null::text, null::text
    from tuva_claim where existing_id is null and org_id is null and org_npi is not null`.execute(trx);
  const practitioners = await sql`
    insert into practitioner (id, npi, first_name, last_name, taxonomy, specialty, org_id)
    select distinct on (t.org_npi) 'pr-npi-' || t.org_npi, t.org_npi, '', 'Unknown', coalesce(x.taxonomy, ''), '', 'org-npi-' || t.org_npi
    from tuva_claim t left join (select distinct on (npi) npi, taxonomy from tuva_taxonomy order by npi, line) x on x.npi = t.org_npi
    where t.existing_id is null and t.org_id is null and t.org_role = 'rendering'
      and not exists (select 1 from practitioner p where p.npi = t.org_npi)
    order by t.org_npi`.execute(trx);
  await sql`update tuva_claim set org_id = 'org-npi-' || org_npi where existing_id is null and org_id is null and org_npi is not null`.execute(trx);
  // A taxonomy file given later fills in practitioners an import created without one (never overwrites).
  const taxonomies = await sql`
    update practitioner p set taxonomy = x.taxonomy from (select distinct on (npi) npi, taxonomy from tuva_taxonomy order by npi, line) x
    where p.npi = x.npi and p.taxonomy = '' and p.id = 'pr-npi-' || p.npi`.execute(trx);
  return { organizationsCreated: affected(orgs), practitionersCreated: affected(practitioners), taxonomiesSet: affected(taxonomies) };
}

/**
 * Writes the new claims (`origin = 'imported'`) and their lines. Amounts are the source's:
 * billed = charge (pharmacy: allowed), allowed = allowed (or paid when the source has none),
 * paid = paid, patient responsibility 0 — the layout carries no member cost share, and
 * allowed − paid is not one (it also holds sequestration and other payers' shares).
 * received_at is the end of service: the layout has no receipt date (paid_date is empty in
 * medical files), and a settlement's run-out cut-off needs one.
 */
export async function writeClaims(
  trx: Db,
  payerId: string,
  opts: { claimIdPrefix: string; counterName: string; submissionIds: Readonly<Record<'medical' | 'pharmacy', string | null>>; files: Readonly<Record<'medical' | 'pharmacy', string>> },
): Promise<ImportCounts['claims']> {
  await sql`update tuva_claim t set member_key = m.key from member m where m.payer_org_id = ${payerId}::text and m.member_id = t.patient_id`.execute(trx);
  await sql`
    update tuva_claim t set plan_id = (
      select c.plan_id from coverage c where c.member_key = t.member_key and c.effective_from <= t.service_from and (c.effective_to is null or c.effective_to >= t.service_from)
      order by c.effective_from desc, c.id limit 1)
    where t.existing_id is null`.execute(trx);
  const n = (await sql<{ n: number }>`select count(*)::int as n from tuva_claim where existing_id is null`.execute(trx)).rows[0]!.n;
  if (n > 0) {
    const first = await reserveNumbers(trx, opts.counterName, n);
    await sql`
      update tuva_claim t set new_id = ${opts.claimIdPrefix}::text || lpad((${first}::bigint + x.rn - 1)::text, 9, '0')
      from (select source, claim_id, row_number() over (order by source, first_line) as rn from tuva_claim where existing_id is null) x
      where t.source = x.source and t.claim_id = x.claim_id`.execute(trx);
    await sql`
      insert into claim (id, payer_org_id, provider_org_id, submission_id, kind, billing_npi, billing_name, member_key, member_id, patient_name,
        patient_control_number, payer_claim_control_number, frequency_code, place_of_service, type_of_bill, rendering_npi, diagnoses,
        service_date_from, service_date_to, received_at, status, network, plan_id, billed_cents, allowed_cents, paid_cents, patient_resp_cents,
        dedupe_key, duplicate_of, provenance, remittance_id, origin, drg_code)
      select t.new_id, ${payerId}::text, t.org_id,
        case t.source when 'medical' then ${opts.submissionIds.medical}::text else ${opts.submissionIds.pharmacy}::text end,
        t.kind, o.npi, coalesce(o.name, ''), t.member_key, t.patient_id,
        coalesce(nullif(concat_ws(', ', nullif(m.last_name, ''), nullif(m.first_name, '')), ''), 'Unknown'),
        t.claim_id, t.new_id,
        case when t.kind = 'institutional' then substr(t.bill_type, 3, 1) else '1' end,
        case when t.kind = 'professional' then t.pos end,
        case when t.kind = 'institutional' then t.bill_type end,
        t.rendering_npi, t.diagnoses, t.service_from, t.service_to, (t.service_to::timestamp at time zone 'UTC'),
        'paid', null, t.plan_id, t.billed, t.allowed, t.paid, 0, t.dedupe_key, null,
        jsonb_build_object('source', 'tuva-input-layer', 'file', case t.source when 'medical' then ${opts.files.medical}::text else ${opts.files.pharmacy}::text end,
          'sourceClaimId', t.claim_id, 'firstLine', t.first_line, 'lines', t.lines, 'contentHash', t.content_hash,
          'amounts', 'as given by the source (billed = charge, or allowed for pharmacy; allowed = allowed, or paid when empty; patient responsibility 0)',
          'receivedAt', 'end of service (the layout has no receipt date)'),
        null, 'imported', t.drg
      from tuva_claim t join member m on m.key = t.member_key left join organization o on o.id = t.org_id
      where t.new_id is not null`.execute(trx);
    await sql`
      insert into claim_line (claim_id, line_number, procedure_code, modifiers, revenue_code, units, service_date_from, service_date_to, category, network,
        billed_cents, allowed_cents, deductible_cents, copay_cents, coinsurance_cents, patient_resp_cents, paid_cents, adjustments, remarks, fee_schedule_version_id)
      select t.new_id, l.line_number, l.procedure_code, l.modifiers, l.revenue_code, l.units, l.line_from, l.line_to,
        case when l.source = 'pharmacy' then 'pharmacy' end, null, l.billed, l.allowed, 0, 0, 0, 0, l.paid, '[]'::jsonb, '[]'::jsonb, null
      from tuva_line l join tuva_claim t on t.source = l.source and t.claim_id = l.claim_id
      where t.new_id is not null`.execute(trx);
  }
  const rows = await sql<{ source: 'medical' | 'pharmacy'; new: number; on_file: number; lines: number; paid: string }>`
    select source, count(new_id)::int as new, count(existing_id)::int as on_file,
      coalesce(sum(lines) filter (where new_id is not null), 0)::int as lines, coalesce(sum(paid) filter (where new_id is not null), 0)::text as paid
    from tuva_claim group by source`.execute(trx);
  const out = { medical: { new: 0, onFile: 0, lines: 0, paidCents: 0 }, pharmacy: { new: 0, onFile: 0, lines: 0, paidCents: 0 } };
  for (const r of rows.rows) out[r.source] = { new: r.new, onFile: r.on_file, lines: r.lines, paidCents: Number(r.paid) };
  return out;
}

/** How many claims of each file would be new (before anything is written): a submission row is opened only for a file that adds claims. */
export async function newClaimCounts(trx: Db): Promise<Record<'medical' | 'pharmacy', number>> {
  const r = await sql<{ source: 'medical' | 'pharmacy'; n: number }>`select source, count(*)::int as n from tuva_claim where existing_id is null group by source`.execute(trx);
  const out = { medical: 0, pharmacy: 0 };
  for (const x of r.rows) out[x.source] = x.n;
  return out;
}

/**
 * One audit event for the import, listing every member whose data the files carried (the
 * keys are gathered in SQL: the importing process never holds them all).
 */
export async function recordImportAudit(trx: Db, ctx: AccessContext, payerId: string, resourceId: string | null, detail: Record<string, unknown>): Promise<void> {
  await sql`
    insert into audit_event (actor, org_id, action, resource_type, resource_id, member_keys, purpose, outcome, detail)
    select ${ctx.actor}::text, ${ctx.orgId}::text, 'create', 'ClaimImport', ${resourceId}::text, coalesce(jsonb_agg(k order by k), '[]'::jsonb), ${ctx.purpose}::text, 'success', ${JSON.stringify(detail)}::jsonb
    from (
      select m.key as k from member m where m.payer_org_id = ${payerId}::text and m.member_id in (select patient_id from tuva_elig where ok union select patient_id from tuva_line)
    ) x`.execute(trx);
}
