/**
 * The Tuva demo input layer imported into the test registry (plus a Medicare Advantage plan),
 * on PGlite and on PostgreSQL; every expectation is computed here from the CSV files with a
 * separate, naive reader (the files hold no quoted fields), or checked by hand as noted.
 */
import { MSSP_PRIMARY_CARE_CODES } from '@tandem/core';
import { PAYER } from '@tandem/core/testing';
import { expenditureByMember, insertPlans, memberMonths, riskClaims } from '@tandem/store';
import { sql } from 'kysely';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRaEligibleCodes } from '../reference-data/hcc-v28.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { formatImportProblem, importTuva, type ImportTuvaResult } from './import-tuva.ts';
import { runAttribution } from './run-attribution.ts';
import { runRemittance } from './run-remittance.ts';
import { riskEligible, runRiskAdjustment } from './run-risk.ts';
import { systemContext } from './seed-demo.ts';

const FIXTURE = fileURLToPath(new URL('../../test-fixtures/tuva-demo', import.meta.url));
const ctx = systemContext(PAYER.id);
const key = (patient: string) => `m-${PAYER.id}-${patient}`;

/** The columns this test reads ('' when a file lacks one). */
type Column = 'patient_id' | 'payer_type' | 'enrollment_start_date' | 'enrollment_end_date' | 'claim_id' | 'claim_line_number' | 'claim_type'
  | 'claim_start_date' | 'claim_line_start_date' | 'hcpcs_code' | 'billing_npi' | 'rendering_npi' | 'facility_npi' | 'charge_amount'
  | 'allowed_amount' | 'paid_amount' | 'dispensing_date' | 'ndc_code' | 'quantity' | 'dual_status_code' | 'birth_date';
type Row = Readonly<Record<Column, string>>;

/** A naive CSV reader: the demo files have no quotes, so a comma always separates fields. */
function table(file: string): Row[] {
  const text = readFileSync(join(FIXTURE, file), 'utf8');
  if (text.includes('"')) throw new Error(`${file} has quoted fields: this reader is too naive for it`);
  const [head, ...rows] = text.split('\n').filter((l) => l !== '');
  const cols = head!.split(',');
  return rows.map((r) => {
    const fields = r.split(',');
    return Object.fromEntries(cols.map((c, j) => [c, fields[j] ?? ''])) as Row;
  });
}

/** Decimal text → cents, half up on the magnitude, by scaled BigInt division (not the importer's digit slicing). */
function cents(text: string): number {
  if (text === '') return 0;
  const neg = text.startsWith('-');
  const [int, frac = ''] = text.replace(/^[-+]/, '').split('.');
  const scale = 10n ** BigInt(frac.length);
  const scaled = BigInt(`${int}${frac}`);
  const c = (scaled * 200n + scale) / (2n * scale);
  return Number(neg ? -c : c);
}

const eligibility = table('eligibility.csv');
const medical = table('medical_claim.csv');
const pharmacy = table('pharmacy_claim.csv');

/** Line amounts as Tandem keeps them: an institutional claim's amount repeated on every line counts once (on its lowest-numbered line). */
function lineAmounts() {
  const byClaim = new Map<string, typeof medical>();
  for (const r of medical) byClaim.set(r.claim_id, [...(byClaim.get(r.claim_id) ?? []), r]);
  const out = new Map<Row, { billed: number; allowed: number; paid: number }>();
  for (const lines of byClaim.values()) {
    const first = lines.reduce((a, b) => (Number(b.claim_line_number) < Number(a.claim_line_number) ? b : a));
    const repeated = (f: (r: Row) => number) =>
      lines[0]!.claim_type === 'institutional' && lines.length > 1 && lines.every((l) => f(l) === f(lines[0]!)) && f(lines[0]!) !== 0;
    const allowedOf = (r: Row) => cents(r.allowed_amount || r.paid_amount);
    const rb = repeated((r) => cents(r.charge_amount));
    const ra = repeated(allowedOf);
    const rp = repeated((r) => cents(r.paid_amount));
    for (const l of lines) {
      const keep = l === first;
      out.set(l, { billed: rb && !keep ? 0 : cents(l.charge_amount), allowed: ra && !keep ? 0 : allowedOf(l), paid: rp && !keep ? 0 : cents(l.paid_amount) });
    }
  }
  return out;
}
const amounts = lineAmounts();

async function count(t: TestApp, tableName: string): Promise<number> {
  return (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(tableName)}`.execute(t.deps.store.db)).rows[0]!.n;
}
async function snapshot(t: TestApp) {
  const out: Record<string, number> = {};
  for (const name of ['member', 'coverage', 'claim', 'claim_line', 'organization', 'practitioner', 'submission']) out[name] = await count(t, name);
  out.paid = Number((await sql<{ s: string }>`select coalesce(sum(paid_cents), 0)::text as s from claim`.execute(t.deps.store.db)).rows[0]!.s);
  return out;
}

/** A copy of the fixture with `edit` applied to one file's text. */
function variant(edits: Record<string, (text: string) => string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tuva-'));
  for (const f of ['eligibility.csv', 'medical_claim.csv', 'pharmacy_claim.csv']) {
    const edit = edits[f];
    if (edit) writeFileSync(join(dir, f), edit(readFileSync(join(FIXTURE, f), 'utf8')));
    else copyFileSync(join(FIXTURE, f), join(dir, f));
  }
  return dir;
}
/** Replaces field `column` of file line `line` (1 = header). */
function setField(text: string, line: number, column: string, value: string): string {
  const lines = text.split('\n');
  const col = lines[0]!.split(',').indexOf(column);
  const fields = lines[line - 1]!.split(',');
  fields[col] = value;
  lines[line - 1] = fields.join(',');
  return lines.join('\n');
}
const problemsOf = (r: ImportTuvaResult) => (r.ok ? [] : r.problems.map(formatImportProblem));

describe(`tandem import --format tuva on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestApp;
  const dirs: string[] = [];
  const taxonomyDir = mkdtempSync(join(tmpdir(), 'tuva-tax-'));
  const taxonomyFile = join(taxonomyDir, 'taxonomy.csv');
  dirs.push(taxonomyDir);
  beforeAll(async () => {
    t = await createTestApp();
    await insertPlans(t.deps.store.db, [{ id: 'plan-ma', payerOrgId: PAYER.id, name: 'Tandem Medicare Advantage', lineOfBusiness: 'medicare_advantage', baseFeeScheduleId: 'fs-base' }], []);
    // NPI 1174598312 (rendering on patient 10133's wellness visit) is a family physician.
    writeFileSync(taxonomyFile, 'npi,taxonomy\n1174598312,207Q00000X\n');
  });
  afterAll(async () => {
    await t?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('refuses a file with a bad amount and a bad date: both named by file, line and column; nothing is stored', async () => {
    const before = await snapshot(t);
    const dir = variant({
      'medical_claim.csv': (x) => setField(x, 101, 'paid_amount', '12.3.4'),
      'eligibility.csv': (x) => setField(x, 6, 'enrollment_end_date', '2018-02-30'),
    });
    dirs.push(dir);
    const r = await importTuva(t.deps, ctx, { dir });
    expect(r.ok).toBe(false);
    expect(problemsOf(r)).toEqual([
      "eligibility.csv line 6: column enrollment_end_date: '2018-02-30' is not a date YYYY-MM-DD",
      "medical_claim.csv line 101: column paid_amount: '12.3.4' is not a decimal amount (digits, an optional sign and decimal point)",
    ]);
    expect(await snapshot(t)).toEqual(before);
  });

  it('names a missing header column in one problem, a ragged row by its line, problems across rows, and stops collecting at 100', async () => {
    const before = await snapshot(t);
    const dir = variant({ 'medical_claim.csv': (x) => x.replace(',paid_amount,', ',paid,') });
    dirs.push(dir);
    expect(problemsOf(await importTuva(t.deps, ctx, { dir }))).toEqual([
      "medical_claim.csv line 1: column paid_amount: missing from the header row (the Tuva input layer's medical_claim.csv has it)",
    ]);
    // A row with a field too many (an unquoted comma in an amount) is a problem of its line.
    const ragged = variant({ 'medical_claim.csv': (x) => setField(x, 3, 'charge_amount', '60,00') });
    dirs.push(ragged);
    expect(problemsOf(await importTuva(t.deps, ctx, { dir: ragged }))).toEqual(['medical_claim.csv line 3: 138 fields, but the header row has 137']);
    // Across rows: patient 1003 born 1946-02-09 on line 7 and 1946-02-10 on line 8; a span of
    // 10133 (line 4) overlapping another of the same plan (line 3). Line 2 is refused on its own
    // and still names its patient (its claims are not reported as orphans).
    const across = variant({
      'eligibility.csv': (x) => setField(setField(setField(x, 2, 'gender', 'robot'), 8, 'birth_date', '1946-02-10'), 4, 'enrollment_start_date', '2018-02-01'),
    });
    dirs.push(across);
    expect(problemsOf(await importTuva(t.deps, ctx, { dir: across }))).toEqual([
      "eligibility.csv line 2: column gender: 'robot' is not male, female or unknown",
      'eligibility.csv line 4: column enrollment_start_date: patient 10133: the span overlaps line 3 (same plan plan-ma)',
      'eligibility.csv line 8: column birth_date: patient 1003: 1946-02-10 here but 1946-02-09 on line 7',
    ]);
    const many = variant({ 'eligibility.csv': (x) => x.replace(/,(male|female),/g, ',robot,') });
    dirs.push(many);
    const r = await importTuva(t.deps, ctx, { dir: many });
    expect(r).toMatchObject({ ok: false, stoppedEarly: true });
    expect(problemsOf(r)).toHaveLength(100);
    expect(problemsOf(r)[0]).toBe("eligibility.csv line 2: column gender: 'robot' is not male, female or unknown");
    expect(await snapshot(t)).toEqual(before);
  });

  it('imports the demo: every member, span, claim and line, and the paid amounts to the cent', async () => {
    const r = await importTuva(t.deps, ctx, { dir: FIXTURE, npiTaxonomyFile: taxonomyFile });
    if (!r.ok) throw new Error(problemsOf(r).slice(0, 5).join('\n'));
    const s = r.summary;
    const patients = new Set(eligibility.map((e) => e.patient_id));
    const medicalClaims = new Set(medical.map((m) => m.claim_id));
    const pharmacyClaims = new Set(pharmacy.map((p) => p.claim_id));
    expect([patients.size, eligibility.length, medicalClaims.size, medical.length, pharmacyClaims.size, pharmacy.length]).toEqual([100, 219, 3106, 6075, 406, 612]);
    expect(s).toMatchObject({ membersNew: 100, membersOnFile: 0, coverageNew: 219, coverageOnFile: 0, plans: { medicare_advantage: 'plan-ma' }, repeatedAmountClaims: 195, taxonomiesSet: 0 });
    expect(s.claims.medical).toMatchObject({ new: 3106, onFile: 0, lines: 6075 });
    expect(s.claims.pharmacy).toMatchObject({ new: 406, onFile: 0, lines: 612 });
    const db = t.deps.store.db;
    expect(await count(t, 'member')).toBe(2 + 100);
    const imported = await db.selectFrom('claim').select([(eb) => eb.fn.countAll<number>().as('n'), sql<string>`sum(paid_cents)::text`.as('paid')]).where('origin', '=', 'imported').executeTakeFirstOrThrow();
    expect(Number(imported.n)).toBe(3106 + 406);
    const lines = await db.selectFrom('claim_line').select((eb) => eb.fn.countAll<number>().as('n')).where('claim_id', 'in', db.selectFrom('claim').select('id').where('origin', '=', 'imported')).executeTakeFirstOrThrow();
    expect(Number(lines.n)).toBe(6075 + 612);

    // Paid: every line's paid_amount in cents, institutional amounts repeated on each line counted once.
    const medicalPaid = medical.reduce((sum, r) => sum + amounts.get(r)!.paid, 0);
    const pharmacyPaid = pharmacy.reduce((sum, r) => sum + cents(r.paid_amount), 0);
    expect(s.claims.medical.paidCents).toBe(medicalPaid);
    expect(s.claims.pharmacy.paidCents).toBe(pharmacyPaid);
    expect(Number(imported.paid)).toBe(medicalPaid + pharmacyPaid);
    expect([medicalPaid, pharmacyPaid]).toEqual([51_626_145, 18_800_097]);
    // Summing paid_amount over every line would count the 195 repeated institutional claims 2 to 37 times.
    expect(medical.reduce((sum, r) => sum + cents(r.paid_amount), 0) - medicalPaid).toBe(345_401_350);
    // 31 pharmacy amounts carry float artefacts (1018.0999999999999 is $1,018.10).
    expect(pharmacy.filter((p) => /\.\d{3}/.test(p.paid_amount) || /\.\d{3}/.test(p.allowed_amount))).toHaveLength(31);
  });

  it('keeps an inpatient claim field by field: facility organization, MS-DRG, bill type, diagnoses, amounts once', async () => {
    const db = t.deps.store.db;
    const c = await db.selectFrom('claim').selectAll().where('patient_control_number', '=', '920994').executeTakeFirstOrThrow();
    const submission = await db.selectFrom('submission').selectAll().where('id', '=', c.submission_id).executeTakeFirstOrThrow();
    expect(submission).toMatchObject({ channel: 'tuva-csv', file_name: 'tuva-demo/medical_claim.csv', accepted: true, claim_count: 3106 });
    expect({ ...c, received_at: new Date(c.received_at).toISOString(), provenance: undefined, submission_id: undefined, id: undefined }).toEqual({
      id: undefined, submission_id: undefined, provenance: undefined,
      payer_org_id: PAYER.id, provider_org_id: 'org-npi-1053361642', kind: 'institutional', billing_npi: '1053361642', billing_name: 'Provider NPI 1053361642',
      member_key: key('10133'), member_id: '10133', patient_name: 'Unknown', patient_control_number: '920994', payer_claim_control_number: c.id,
      frequency_code: '1', place_of_service: null, type_of_bill: '111', rendering_npi: '1891781654',
      // diagnosis_code_1 … 9 are empty on this claim: no principal diagnosis, six others (codes 10–14, 23).
      diagnoses: ['Z79899', 'I10', 'Z7901', 'E7800', 'F418', 'Z882'].map((code) => ({ qualifier: 'ABF', code })),
      service_date_from: '2018-05-07', service_date_to: '2018-05-23', received_at: '2018-05-23T00:00:00.000Z',
      status: 'paid', network: null,
      // Patient 10133's span 2018-04-01 … 2018-08-31 (eligibility.csv line 4) covers the admission.
      plan_id: 'plan-ma',
      // Each of the six revenue lines repeats charge 64374.89 and paid 10832.49: the claim's amounts, counted once.
      billed_cents: 6_437_489, allowed_cents: 1_083_249, paid_cents: 1_083_249, patient_resp_cents: 0,
      dedupe_key: `tuva:${PAYER.id}:medical:920994`, duplicate_of: null, remittance_id: null, origin: 'imported', drg_code: '481',
    });
    expect(c.provenance).toMatchObject({ source: 'tuva-input-layer', file: 'tuva-demo/medical_claim.csv', sourceClaimId: '920994', lines: 6 });
    const lines = await db.selectFrom('claim_line').selectAll().where('claim_id', '=', c.id).orderBy('line_number').execute();
    expect(lines.map((l) => [l.line_number, l.revenue_code, l.procedure_code, l.units, l.service_date_from, l.service_date_to, l.billed_cents, l.allowed_cents, l.paid_cents])).toEqual([
      [1, '0110', null, '13', '2018-05-07', '2018-05-23', 6_437_489, 1_083_249, 1_083_249],
      [2, '0370', null, '16', '2018-05-07', '2018-05-23', 0, 0, 0],
      [3, '0410', null, '16', '2018-05-07', '2018-05-23', 0, 0, 0],
      [4, '0420', null, '2', '2018-05-07', '2018-05-23', 0, 0, 0],
      [5, '0424', null, '1', '2018-05-07', '2018-05-23', 0, 0, 0],
      [6, '0430', null, '13', '2018-05-07', '2018-05-23', 0, 0, 0],
    ]);
    expect(lines.every((l) => l.category === null && l.patient_resp_cents === 0 && l.adjustments.length === 0)).toBe(true);

    // A professional claim keeps its line amounts as given — here allowed 110.44 > paid 109.74.
    const p = await db.selectFrom('claim').selectAll().where('patient_control_number', '=', '984224').executeTakeFirstOrThrow();
    const pRows = medical.filter((r) => r.claim_id === '984224');
    expect(p).toMatchObject({
      kind: 'professional', provider_org_id: 'org-npi-1174598312', billing_npi: '1174598312', rendering_npi: '1174598312', place_of_service: '11', type_of_bill: null,
      diagnoses: [{ qualifier: 'ABK', code: 'E785' }, { qualifier: 'ABF', code: 'I10' }, { qualifier: 'ABF', code: 'R748' }, { qualifier: 'ABF', code: 'Z125' }, { qualifier: 'ABF', code: 'Z8679' }],
      // March 2018 falls between 10133's spans (…02-28, 04-01…): imported anyway, with no plan.
      plan_id: null, drg_code: null, received_at: expect.stringMatching(/^2018-03-16T00:00:00(\.000)?Z$/),
      billed_cents: pRows.reduce((a, r) => a + cents(r.charge_amount), 0),
      allowed_cents: pRows.reduce((a, r) => a + cents(r.allowed_amount), 0),
      paid_cents: pRows.reduce((a, r) => a + cents(r.paid_amount), 0),
    });
    const pl = await db.selectFrom('claim_line').select(['line_number', 'procedure_code', 'modifiers', 'allowed_cents', 'paid_cents']).where('claim_id', '=', p.id).orderBy('line_number').limit(2).execute();
    expect(pl).toEqual([
      { line_number: 1, procedure_code: 'G0439', modifiers: [], allowed_cents: 11_044, paid_cents: 10_974 },
      { line_number: 2, procedure_code: '99215', modifiers: ['25'], allowed_cents: 14_198, paid_cents: 10_958 },
    ]);
    // The rendering NPI became an organization and a practitioner, with the taxonomy the file gave.
    expect(await db.selectFrom('practitioner').select(['id', 'org_id', 'taxonomy']).where('npi', '=', '1174598312').executeTakeFirstOrThrow()).toEqual({ id: 'pr-npi-1174598312', org_id: 'org-npi-1174598312', taxonomy: '207Q00000X' });

    // A pharmacy claim: one line per row, the NDC as procedure code, no diagnoses, no organization (no NPI in the file).
    const rxId = '10557-cc8188fb-4d6f-4793-bf7d-10f9b5de985a';
    const rx = await db.selectFrom('claim').selectAll().where('patient_control_number', '=', rxId).executeTakeFirstOrThrow();
    const rxRows = pharmacy.filter((x) => x.claim_id === rxId);
    expect(rx).toMatchObject({ kind: 'pharmacy', diagnoses: [], provider_org_id: null, billing_npi: null, origin: 'imported', paid_cents: rxRows.reduce((s, x) => s + cents(x.paid_amount), 0) });
    const rxLines = await db.selectFrom('claim_line').select(['procedure_code', 'category', 'units']).where('claim_id', '=', rx.id).orderBy('line_number').execute();
    expect(rxLines).toEqual([...rxRows].sort((a, b) => Number(a.claim_line_number) - Number(b.claim_line_number)).map((x) => ({ procedure_code: x.ndc_code, category: 'pharmacy', units: x.quantity })));
  });

  it('writes one audit event naming every imported member', async () => {
    const audit = await t.deps.store.db.selectFrom('audit_event').selectAll().where('resource_type', '=', 'ClaimImport').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.member_keys).toHaveLength(100);
    expect(audit[0]!.member_keys).toContain(key('10133'));
    expect(audit[0]).toMatchObject({ action: 'create', actor: 'system', org_id: PAYER.id, outcome: 'success' });
  });

  it('attributes 2018 from the imported primary care services, as computed from the CSV', async () => {
    const run = await runAttribution(t.deps, ctx, { year: 2018 });
    // Eligible: at least one month of 2018 covered on its first day — here the same as enrolled on some day of 2018 (every Tuva span starts on the 1st).
    const eligible = new Set(eligibility.filter((e) => e.enrollment_start_date <= '2018-12-31' && e.enrollment_end_date >= '2018-01-01').map((e) => e.patient_id));
    expect(run.members).toBe(eligible.size);
    // Expected assignment: plurality of allowed cents for primary care codes in 2018 per organization
    // (billing NPI, else rendering for professional / facility for institutional); a primary care
    // practitioner's services (only NPI 1174598312 has a taxonomy) win first; ties: latest service, then lower id.
    const pcp = new Set(['1174598312']);
    const services = new Map<string, Array<{ org: string; npi: string; cents: number; date: string }>>();
    for (const r of medical) {
      const date = r.claim_line_start_date || r.claim_start_date;
      if (!MSSP_PRIMARY_CARE_CODES.has(r.hcpcs_code) || date < '2018-01-01' || date > '2018-12-31' || !eligible.has(r.patient_id)) continue;
      const npi = r.billing_npi || (r.claim_type === 'professional' ? r.rendering_npi : r.facility_npi);
      services.set(r.patient_id, [...(services.get(r.patient_id) ?? []), { org: `org-npi-${npi}`, npi: r.rendering_npi, cents: amounts.get(r)!.allowed, date }]);
    }
    const expected = new Map<string, { org: string | null; step: string }>();
    for (const patient of eligible) {
      const all = services.get(patient) ?? [];
      const byPcp = all.filter((s) => pcp.has(s.npi));
      const pool = byPcp.length ? byPcp : all;
      const totals = new Map<string, { cents: number; last: string }>();
      for (const s of pool) {
        const x = totals.get(s.org) ?? { cents: 0, last: '' };
        totals.set(s.org, { cents: x.cents + s.cents, last: s.date > x.last ? s.date : x.last });
      }
      const win = [...totals].sort((a, b) => b[1].cents - a[1].cents || b[1].last.localeCompare(a[1].last) || a[0].localeCompare(b[0]))[0];
      expected.set(key(patient), { org: win?.[0] ?? null, step: !win ? 'none' : byPcp.length ? 'primary-care-practitioner' : 'specialist' });
    }
    const rows = await t.deps.store.db.selectFrom('attribution').select(['member_key', 'org_id', 'step']).where('run_id', '=', run.id).execute();
    expect(new Map(rows.map((r) => [r.member_key, { org: r.org_id, step: r.step }]))).toEqual(expected);
    expect(run.byStep).toEqual({ voluntary: 0, 'primary-care-practitioner': 1, specialist: 80, none: 13 });
    // Checked by hand: patient 10133's 2018 primary care services total $252.42 at NPI 1174598312
    // (claim 984224: G0439 annual wellness visit $110.44 + 99215 $141.98 allowed), ahead of NPI
    // 1598734659 ($69.55 + $138.88 = $208.43); 1174598312 is a family physician (taxonomy file), so step 1.
    const mine = rows.find((r) => r.member_key === key('10133'))!;
    expect([mine.org_id, mine.step]).toEqual(['org-npi-1174598312', 'primary-care-practitioner']);
    // Pharmacy claims have no primary care codes and no organization: no pharmacy line is a service.
    const why = await t.deps.store.db.selectFrom('attribution').select('explanation').where('run_id', '=', run.id).where('member_key', '=', key('10133')).executeTakeFirstOrThrow();
    expect((why.explanation as { services: Array<{ code: string; allowedCents: number }> }).services.map((s) => [s.code, s.allowedCents])).toEqual([['G0439', 11_044], ['99215', 14_198]]);
  });

  it('scores 2019 risk from the 2018 diagnoses of risk-adjustment-eligible claims; pharmacy claims count for nothing', async () => {
    const run = await runRiskAdjustment(t.deps, ctx, { paymentYear: 2019 });
    const maMembers = new Set(eligibility.filter((e) => e.payer_type === 'medicare' && e.enrollment_start_date <= '2018-12-31' && e.enrollment_end_date >= '2018-01-01').map((e) => e.patient_id));
    expect(run.members).toBe(maMembers.size);
    const scores = await t.deps.store.db.selectFrom('risk_score').select(['member_key', 'hccs', 'explanation']).where('run_id', '=', run.id).execute();
    const of = (p: string) => scores.find((s) => s.member_key === key(p))!;
    // By hand, with packages/server/data/hcc-v28: patient 1003's eligible 2018 claims carry C61
    // (claim 1318034) → CC 23, I429 (753061) → CC 227, I480 / I4891 (753061, 1645663) → CC 238;
    // no hierarchy between them.
    expect(of('1003').hccs).toEqual(['23', '227', '238']);
    // Patient 10145: C7951 (claim 1063845) → CC 18, C3490 (547667) → CC 20, C801 (1063845) → CC 23,
    // M064 (1153400) → CC 94; CC 18 outranks 20 and 23 (v28_hierarchies: 18→19…23).
    expect(of('10145').hccs).toEqual(['18', '94']);
    expect((of('10145').explanation as { dropped: Array<{ cc: string }> }).dropped.map((d) => d.cc).sort()).toEqual(['20', '23']);
    // Segments from the eligibility file: the dual status of the member's latest 2018 span
    // (full 02/04/08, partial 01/03/05/06), aged at 65 on 1 February 2019.
    const segments = await t.deps.store.db.selectFrom('risk_score').select(['member_key', 'segment']).where('run_id', '=', run.id).execute();
    const expectedSegments = new Map<string, string>();
    for (const p of maMembers) {
      const spans = eligibility.filter((e) => e.patient_id === p && e.payer_type === 'medicare' && e.enrollment_start_date <= '2018-12-31' && e.enrollment_end_date >= '2018-01-01')
        .sort((a, b) => b.enrollment_start_date.localeCompare(a.enrollment_start_date));
      const dual = spans[0]!.dual_status_code;
      const kind = ['02', '04', '08'].includes(dual) ? 'F' : ['01', '03', '05', '06'].includes(dual) ? 'P' : 'N';
      const [y, m, d] = spans[0]!.birth_date.split('-').map(Number) as [number, number, number];
      const age = 2019 - y - (m > 2 || (m === 2 && d > 1) ? 1 : 0);
      expectedSegments.set(key(p), `C${kind}${age >= 65 ? 'A' : 'D'}`);
    }
    expect(new Map(segments.map((s) => [s.member_key, s.segment]))).toEqual(expectedSegments);
    // By hand: 1047 (born 1947, dual 02) full-benefit aged; 12812 (born 1955, dual 08, disabled) full-benefit disabled;
    // 10156 (born 1935, latest span dual 01) partial-benefit aged.
    expect(['1047', '12812', '10156'].map((p) => expectedSegments.get(key(p)))).toEqual(['CFA', 'CFD', 'CPA']);
    expect([...expectedSegments.values()].filter((s) => s !== 'CNA' && s !== 'CND').length).toBeGreaterThan(5);
    const eligibleCodes = loadRaEligibleCodes();
    const claims = await riskClaims(t.deps.store.db, PAYER.id, '2018-01-01', '2018-12-31');
    const rx = claims.filter((c) => c.kind === 'pharmacy');
    expect(rx.length).toBeGreaterThan(0);
    expect(rx.every((c) => c.diagnoses.length === 0 && !riskEligible(c, eligibleCodes))).toBe(true);
  });

  it('gives the 2018 PMPM the CSV gives: paid with service in 2018 over member months from the spans', async () => {
    const db = t.deps.store.db;
    const keys = [...new Set(eligibility.map((e) => key(e.patient_id)))];
    // Member months: a month counts when a span covers its first day.
    let months = 0;
    for (const patient of new Set(eligibility.map((e) => e.patient_id)))
      for (let m = 1; m <= 12; m++) {
        const first = `2018-${String(m).padStart(2, '0')}-01`;
        if (eligibility.some((e) => e.patient_id === patient && e.enrollment_start_date <= first && e.enrollment_end_date >= first)) months++;
      }
    // Paid with service (claim start; a pharmacy claim's first dispensing date) in 2018.
    const startOf = new Map<string, string>();
    for (const r of pharmacy) if (!startOf.has(r.claim_id) || r.dispensing_date < startOf.get(r.claim_id)!) startOf.set(r.claim_id, r.dispensing_date);
    const paid2018 = medical.filter((r) => r.claim_start_date.startsWith('2018')).reduce((s, r) => s + amounts.get(r)!.paid, 0)
      + pharmacy.filter((r) => startOf.get(r.claim_id)!.startsWith('2018')).reduce((s, r) => s + cents(r.paid_amount), 0);
    const storeMonths = await memberMonths(db, keys, '2018-01-01', '2018-12-31');
    const byMember = await expenditureByMember(db, PAYER.id, keys, '2018-01-01', '2018-12-31', '2019-03-31');
    const storePaid = [...byMember.values()].reduce((a, b) => a + b, 0);
    expect([storeMonths, storePaid]).toEqual([months, paid2018]);
    expect(months).toBe(820);
    const pmpm = (paid: number, mm: number) => Math.floor((2 * paid + mm) / (2 * mm)); // cents, half up
    expect(pmpm(storePaid, storeMonths)).toBe(pmpm(paid2018, months));
  });

  it('never sends an imported claim in an 835', async () => {
    const remits = await runRemittance(t.deps, { ...ctx, role: 'admin' });
    expect(remits).toEqual([]);
    const pending = await t.deps.store.db.selectFrom('claim').select((eb) => eb.fn.countAll<number>().as('n')).where('origin', '=', 'imported').where('remittance_id', 'is not', null).executeTakeFirstOrThrow();
    expect(Number(pending.n)).toBe(0);
  });

  it('re-importing the same files changes nothing; a claim whose amounts changed since is refused', async () => {
    const before = await snapshot(t);
    const again = await importTuva(t.deps, ctx, { dir: FIXTURE });
    if (!again.ok) throw new Error(problemsOf(again).join('\n'));
    expect(again.summary).toMatchObject({
      membersNew: 0, membersOnFile: 100, coverageNew: 0, coverageOnFile: 219, organizationsCreated: 0, practitionersCreated: 0, submissionIds: [],
      claims: { medical: { new: 0, onFile: 3106, lines: 0, paidCents: 0 }, pharmacy: { new: 0, onFile: 406, lines: 0, paidCents: 0 } },
    });
    expect(await snapshot(t)).toEqual(before);

    // Claim 1004555 (file line 2) now says it paid more: refused, nothing written.
    const dir = variant({ 'medical_claim.csv': (x) => setField(x, 2, 'paid_amount', '39.56') });
    dirs.push(dir);
    const changed = await importTuva(t.deps, ctx, { dir });
    expect(problemsOf(changed)).toEqual([
      expect.stringMatching(/^medical_claim\.csv line 2: column claim_id: claim 1004555 was imported before \(claim \d+\) with other lines, codes or amounts; an import adds claims and never rewrites one/),
    ]);
    expect(await snapshot(t)).toEqual(before);
  });
});
