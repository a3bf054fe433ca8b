/**
 * The Tuva Project input layer (https://thetuvaproject.com/input-layer), read row by row:
 * which columns each file must have, and how one CSV row becomes a staged row or a list of
 * problems naming its column. Pure functions — the use case streams the files and stages the
 * rows (`use-cases/import-tuva.ts`); checks across rows run in SQL (`store/import-repo.ts`).
 *
 * Mapping decisions (also in the README, "Import claims in the Tuva layout"):
 * - the person is `patient_id` (Tuva's `member_id` is the payer's id and is often empty):
 *   it becomes Tandem's member id, and the member key `m-<payer>-<patient_id>`;
 * - amounts are exact decimals turned into integer cents without floats; digits past the cent
 *   (binary-float artefacts of the exporting system, e.g. `1018.0999999999999`) are rounded
 *   half away from zero — the same half-up rule as `core/money`, applied to the magnitude; an
 *   empty amount is no amount on that line (0); an institutional claim's amount repeated on
 *   every line is counted once (`store/import-repo.ts`, `collapseRepeatedAmounts`);
 * - only ICD-10-CM diagnoses are taken (837 qualifiers ABK principal, ABF other).
 */
import { isValidNpi, type LineOfBusiness } from '@tandem/core';
import { createHash } from 'node:crypto';

export const TUVA_FILES = { eligibility: 'eligibility.csv', medical: 'medical_claim.csv', pharmacy: 'pharmacy_claim.csv' } as const;
export type TuvaSource = 'medical' | 'pharmacy';

const range = (prefix: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}`);

/** Columns each file must carry (other Tuva columns may be present or not). */
export const REQUIRED_COLUMNS = {
  eligibility: ['patient_id', 'gender', 'birth_date', 'enrollment_start_date', 'enrollment_end_date', 'payer_type'],
  medical: [
    'claim_id', 'claim_line_number', 'claim_type', 'patient_id', 'claim_start_date', 'claim_end_date', 'claim_line_start_date', 'claim_line_end_date',
    'place_of_service_code', 'bill_type_code', 'ms_drg_code', 'revenue_center_code', 'service_unit_quantity', 'hcpcs_code', 'hcpcs_modifier_1',
    'rendering_npi', 'billing_npi', 'facility_npi', 'paid_amount', 'allowed_amount', 'charge_amount', 'diagnosis_code_type', 'diagnosis_code_1',
  ],
  pharmacy: ['claim_id', 'claim_line_number', 'patient_id', 'dispensing_date', 'ndc_code', 'quantity', 'paid_amount', 'allowed_amount'],
} as const;

/**
 * Header fields: every line of a claim must give the same value (when the column is present).
 * `rendering_npi` is among them because Tandem keeps one rendering NPI per claim (837 loop
 * 2310B) and attribution reads it; a claim whose lines name different renderers is refused
 * rather than credited to one of them. `place_of_service_code` is a line field (837P SV105) —
 * the claim keeps the value of its lowest-numbered line.
 */
export const HEADER_COLUMNS = {
  medical: [
    'claim_type', 'patient_id', 'member_id', 'claim_start_date', 'claim_end_date', 'admission_date', 'discharge_date', 'admit_source_code', 'admit_type_code',
    'discharge_disposition_code', 'bill_type_code', 'ms_drg_code', 'apr_drg_code', 'billing_npi', 'facility_npi', 'rendering_npi', 'diagnosis_code_type',
    ...range('diagnosis_code_', 1, 25), ...range('diagnosis_poa_', 1, 25), 'procedure_code_type', ...range('procedure_code_', 1, 25), ...range('procedure_date_', 1, 25),
  ],
  pharmacy: ['patient_id', 'member_id', 'dispensing_provider_npi'],
} as const;

const MODIFIER_COLUMNS = range('hcpcs_modifier_', 1, 5);
const DIAGNOSIS_COLUMNS = range('diagnosis_code_', 1, 25);

export interface RowProblem {
  readonly column: string | null;
  readonly problem: string;
  /** Set on problems that concern the whole file, not the row (reported on the first row only). */
  readonly once?: string;
}

/** A row as a record of its columns (absent optional columns read as ''). */
export type CsvRow = (column: string) => string;

/** Staged eligibility row (`tuva_elig`). */
export interface EligibilityRow {
  readonly line: number;
  readonly patient_id: string;
  readonly member_key: string;
  readonly gender: 'M' | 'F' | 'U';
  readonly birth_date: string;
  readonly start_date: string;
  readonly end_date: string;
  readonly lob: LineOfBusiness;
  readonly plan_id: string;
  readonly first_name: string;
  readonly last_name: string;
  /** CMS dual status code, two digits, or null when the row leaves it empty. */
  readonly dual_status: string | null;
  /** Medicare status code (10 aged, 20 disabled, …), or null. */
  readonly medicare_status: string | null;
}

/** Staged claim line (`tuva_line`), medical or pharmacy. Amounts in cents. */
export interface ClaimLineRow {
  readonly source: TuvaSource;
  readonly line: number;
  readonly claim_id: string;
  readonly line_number: number;
  readonly kind: 'professional' | 'institutional' | 'pharmacy';
  readonly patient_id: string;
  readonly hdr: Record<string, string>;
  readonly claim_from: string | null;
  readonly claim_to: string | null;
  readonly line_from: string;
  readonly line_to: string;
  readonly pos: string | null;
  readonly bill_type: string | null;
  readonly drg: string | null;
  readonly billing_npi: string | null;
  readonly rendering_npi: string | null;
  readonly facility_npi: string | null;
  readonly dispensing_npi: string | null;
  readonly diagnoses: ReadonlyArray<{ qualifier: string; code: string }>;
  readonly revenue_code: string | null;
  readonly procedure_code: string | null;
  readonly modifiers: readonly string[];
  readonly units: string;
  readonly billed: number;
  readonly allowed: number;
  readonly paid: number;
  /** Fingerprint of everything the line carries: a re-import compares claims by it. */
  readonly fp: string;
}

/**
 * An exact decimal (`-12.5`, `1018.0999999999999`) as integer cents, or null when it is not a
 * plain decimal number (no exponent, thousands separator or currency sign). No floating point:
 * the digits are read as text; a third decimal of 5 or more rounds the magnitude up.
 */
export function decimalToCents(text: string): number | null {
  const m = /^([-+])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && !m[3])) return null;
  if (m[2]!.length > 13) return null;
  const frac = (m[3] ?? '').padEnd(3, '0');
  let cents = Number(m[2] || '0') * 100 + Number(frac.slice(0, 2));
  if (frac.charCodeAt(2) >= 53 /* '5' */) cents += 1;
  return m[1] === '-' && cents !== 0 ? -cents : cents;
}

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text && text >= '1900-01-01' && text <= '2199-12-31';
}

/** Member key of an imported person: stable, so a re-import finds the same member. */
export function importedMemberKey(payerOrgId: string, patientId: string): string {
  return `m-${payerOrgId}-${patientId}`;
}

/** Tuva payer_type → Tandem line of business ('medicare' → Medicare Advantage, 'medicaid', anything else commercial). */
export function lineOfBusinessFor(payerType: string): LineOfBusiness {
  const t = payerType.toLowerCase();
  return t === 'medicare' ? 'medicare_advantage' : t === 'medicaid' ? 'medicaid' : 'commercial';
}

/** Collects a row's problems while reading its fields. */
class Reader {
  readonly problems: RowProblem[] = [];
  constructor(private readonly get: CsvRow) {}
  fail(column: string | null, problem: string, once?: string): void {
    this.problems.push(once ? { column, problem, once } : { column, problem });
  }
  text(column: string): string {
    return this.get(column);
  }
  required(column: string): string {
    const v = this.get(column);
    if (v === '') this.fail(column, 'required, but empty');
    return v;
  }
  date(column: string, required: boolean): string | null {
    const v = this.get(column);
    if (v === '') {
      if (required) this.fail(column, 'required date, but empty');
      return null;
    }
    if (!isIsoDate(v)) {
      this.fail(column, `'${v}' is not a date YYYY-MM-DD`);
      return null;
    }
    return v;
  }
  cents(column: string, required: boolean): number | null {
    const v = this.get(column);
    if (v === '') {
      if (required) this.fail(column, 'required amount, but empty');
      return null;
    }
    const c = decimalToCents(v);
    if (c === null) this.fail(column, `'${v}' is not a decimal amount (digits, an optional sign and decimal point)`);
    return c;
  }
  npi(column: string): string | null {
    const v = this.get(column);
    if (v === '') return null;
    if (!isValidNpi(v)) {
      this.fail(column, `'${v}' is not an NPI (10 digits with the check digit, 45 CFR 162.406)`);
      return null;
    }
    return v;
  }
  code(column: string, re: RegExp, what: string): string | null {
    const v = this.get(column).toUpperCase();
    if (v === '') return null;
    if (!re.test(v)) {
      this.fail(column, `'${this.get(column)}' is not ${what}`);
      return null;
    }
    return v;
  }
  positiveInt(column: string): number {
    const v = this.get(column);
    if (!/^[1-9]\d{0,5}$/.test(v)) {
      this.fail(column, v === '' ? 'required, but empty' : `'${v}' is not a line number (1, 2, …)`);
      return 0;
    }
    return Number(v);
  }
  patientId(column: string): string {
    const v = this.required(column);
    if (v !== '' && !/^[A-Za-z0-9.-]{1,40}$/.test(v)) this.fail(column, `'${v}' must be 1–40 letters, digits, '.' or '-' (it becomes part of the member key and FHIR Patient id)`);
    return v;
  }
  quantity(column: string): string {
    const v = this.get(column);
    if (v !== '' && !/^\d{1,9}(\.\d{1,6})?$/.test(v)) this.fail(column, `'${v}' is not a quantity`);
    return v;
  }
}

function fingerprint(values: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(values)).digest('base64url');
}

const GENDER: Readonly<Record<string, 'M' | 'F' | 'U'>> = { male: 'M', female: 'F', unknown: 'U', m: 'M', f: 'F', u: 'U' };

/** One eligibility row (an enrollment span) → staged row; `planFor` names the payer's plan of a line of business (or null when it has none). */
export function readEligibilityRow(get: CsvRow, line: number, payerOrgId: string, planFor: (lob: LineOfBusiness) => string | null): { row: EligibilityRow | null; patientId: string | null; problems: RowProblem[] } {
  const r = new Reader(get);
  const patientId = r.patientId('patient_id');
  const genderText = r.required('gender');
  const gender = GENDER[genderText.toLowerCase()];
  if (genderText !== '' && !gender) r.fail('gender', `'${genderText}' is not male, female or unknown`);
  const birth = r.date('birth_date', true);
  const start = r.date('enrollment_start_date', true);
  const end = r.date('enrollment_end_date', true);
  if (start && end && end < start) r.fail('enrollment_end_date', `${end} is before enrollment_start_date ${start}`);
  const payerType = r.required('payer_type');
  const lob = lineOfBusinessFor(payerType);
  const plan = payerType === '' ? null : planFor(lob);
  if (payerType !== '' && !plan) r.fail('payer_type', `'${payerType}' needs a ${lob} plan, and payer ${payerOrgId} has none (reported on its first row only)`, `plan:${lob}`);
  // Optional columns: CCLF writes 'NA' or '~' when it does not know — read as unknown, like empty.
  const status = (column: string, digits: RegExp, what: string): string | null => {
    const v = get(column).trim();
    if (v === '' || v === 'NA' || v === '~') return null;
    if (!digits.test(v)) r.fail(column, `'${v}' is not ${what}`);
    return v;
  };
  const dual = status('dual_status_code', /^\d{1,2}$/, 'a dual status code (two digits, e.g. 02)');
  const medicare = status('medicare_status_code', /^\d{1,2}$/, 'a Medicare status code (e.g. 10 aged, 20 disabled)');
  const key = importedMemberKey(payerOrgId, patientId);
  if (r.problems.length) return { row: null, patientId: patientId || null, problems: r.problems };
  return {
    row: {
      line, patient_id: patientId, member_key: key, gender: gender!, birth_date: birth!, start_date: start!, end_date: end!, lob, plan_id: plan!,
      first_name: get('first_name'), last_name: get('last_name') || 'Unknown',
      dual_status: dual === null ? null : dual.padStart(2, '0'), medicare_status: medicare,
    },
    patientId, problems: [],
  };
}

function header(get: CsvRow, columns: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of columns) {
    const v = get(c);
    if (v !== '') out[c] = v;
  }
  return out;
}

/** One medical_claim row (a claim line) → staged line. */
export function readMedicalRow(get: CsvRow, line: number): { row: ClaimLineRow | null; problems: RowProblem[] } {
  const r = new Reader(get);
  const claimId = r.required('claim_id');
  if (claimId.length > 80) r.fail('claim_id', 'longer than 80 characters');
  const lineNumber = r.positiveInt('claim_line_number');
  const type = r.required('claim_type');
  if (type !== '' && type !== 'professional' && type !== 'institutional') r.fail('claim_type', `'${type}' is not supported (professional or institutional)`);
  const kind = type as 'professional' | 'institutional';
  const patientId = r.patientId('patient_id');
  const claimFrom = r.date('claim_start_date', true);
  const claimTo = r.date('claim_end_date', true);
  if (claimFrom && claimTo && claimTo < claimFrom) r.fail('claim_end_date', `${claimTo} is before claim_start_date ${claimFrom}`);
  // Line dates may be empty (institutional lines often are): the claim's dates stand in.
  const lineStart = r.date('claim_line_start_date', false);
  const lineEnd = r.date('claim_line_end_date', false);
  const lineFrom = lineStart ?? claimFrom;
  const lineTo = lineEnd ?? lineStart ?? claimTo;
  if ((lineStart || lineEnd) && lineFrom && lineTo && lineTo < lineFrom) r.fail(lineEnd ? 'claim_line_end_date' : 'claim_line_start_date', `the line ends (${lineTo}) before it starts (${lineFrom})`);
  const pos = r.code('place_of_service_code', /^\d{2}$/, 'a place of service code (2 digits)');
  const billTypeRaw = r.code('bill_type_code', /^0?[0-9]{2}[0-9A-Z]$/, 'a type of bill (3 characters, e.g. 131)');
  const billType = billTypeRaw ? billTypeRaw.replace(/^0(?=...$)/, '') : null;
  if (kind === 'institutional' && !billType && get('bill_type_code') === '') r.fail('bill_type_code', 'required on institutional claims, but empty');
  const drg = r.code('ms_drg_code', /^\d{3}$/, 'an MS-DRG (3 digits)');
  const revenueRaw = r.code('revenue_center_code', /^\d{3,4}$/, 'a revenue code (4 digits)');
  const revenue = revenueRaw ? revenueRaw.padStart(4, '0') : null;
  const units = r.quantity('service_unit_quantity');
  const hcpcs = r.code('hcpcs_code', /^[A-Z0-9]{5}$/, 'a CPT/HCPCS code (5 characters)');
  const modifiers: string[] = [];
  for (const c of MODIFIER_COLUMNS) {
    const m = r.code(c, /^[A-Z0-9]{2}$/, 'a modifier (2 characters)');
    if (m) modifiers.push(m);
  }
  const rendering = r.npi('rendering_npi');
  const billing = r.npi('billing_npi');
  const facility = r.npi('facility_npi');
  if (kind === 'professional' && !get('billing_npi') && !get('rendering_npi')) r.fail('rendering_npi', 'a professional claim needs billing_npi or rendering_npi (who furnished it)');
  if (kind === 'institutional' && !get('billing_npi') && !get('facility_npi')) r.fail('facility_npi', 'an institutional claim needs billing_npi or facility_npi (who furnished it)');
  // An empty amount is no amount on this line (Tuva's CCLF connector leaves an institutional
  // claim's payment on its first line only); allowed falls back to paid.
  const paid = r.cents('paid_amount', false) ?? 0;
  const allowed = r.cents('allowed_amount', false);
  const charge = r.cents('charge_amount', false) ?? 0;
  const dxType = get('diagnosis_code_type').toLowerCase();
  const diagnoses: Array<{ qualifier: string; code: string }> = [];
  for (const c of DIAGNOSIS_COLUMNS) {
    const code = r.code(c, /^[A-Z][0-9][0-9A-Z]{1,5}$/, 'an ICD-10-CM code');
    // diagnosis_code_1 is the principal (ABK); when it is empty the claim names no principal.
    if (code) diagnoses.push({ qualifier: c === 'diagnosis_code_1' ? 'ABK' : 'ABF', code });
  }
  if (diagnoses.length && dxType !== 'icd-10-cm') r.fail('diagnosis_code_type', dxType === '' ? 'empty, but the line has diagnosis codes (only icd-10-cm is read)' : `'${get('diagnosis_code_type')}' is not supported (only icd-10-cm)`);
  if (r.problems.length) return { row: null, problems: r.problems };
  const hdr = header(get, HEADER_COLUMNS.medical);
  return {
    row: {
      source: 'medical', line, claim_id: claimId, line_number: lineNumber, kind, patient_id: patientId, hdr, claim_from: claimFrom, claim_to: claimTo,
      line_from: lineFrom!, line_to: lineTo!, pos, bill_type: billType, drg, billing_npi: billing, rendering_npi: rendering, facility_npi: facility, dispensing_npi: null,
      diagnoses, revenue_code: revenue, procedure_code: hcpcs, modifiers, units, billed: charge, allowed: allowed ?? paid, paid,
      fp: fingerprint([hdr, lineNumber, lineFrom, lineTo, pos, revenue, hcpcs, modifiers, units, charge, allowed, paid]),
    },
    problems: [],
  };
}

/**
 * One pharmacy_claim row → staged line: the NDC is the line's procedure code; the layout has
 * no charge, so billed is the allowed amount (or paid when allowed is empty).
 */
export function readPharmacyRow(get: CsvRow, line: number): { row: ClaimLineRow | null; problems: RowProblem[] } {
  const r = new Reader(get);
  const claimId = r.required('claim_id');
  if (claimId.length > 80) r.fail('claim_id', 'longer than 80 characters');
  const lineNumber = r.positiveInt('claim_line_number');
  const patientId = r.patientId('patient_id');
  const dispensed = r.date('dispensing_date', true);
  const ndc = r.code('ndc_code', /^\d{11}$/, 'an NDC (11 digits)');
  if (get('ndc_code') === '') r.fail('ndc_code', 'required, but empty');
  const quantity = r.quantity('quantity');
  const dispensing = r.npi('dispensing_provider_npi');
  r.npi('prescribing_provider_npi');
  const paid = r.cents('paid_amount', false) ?? 0;
  const allowed = r.cents('allowed_amount', false);
  if (r.problems.length) return { row: null, problems: r.problems };
  const hdr = header(get, HEADER_COLUMNS.pharmacy);
  return {
    row: {
      source: 'pharmacy', line, claim_id: claimId, line_number: lineNumber, kind: 'pharmacy', patient_id: patientId, hdr, claim_from: null, claim_to: null,
      line_from: dispensed!, line_to: dispensed!, pos: null, bill_type: null, drg: null, billing_npi: null, rendering_npi: null, facility_npi: null,
      dispensing_npi: dispensing, diagnoses: [], revenue_code: null, procedure_code: ndc, modifiers: [], units: quantity,
      billed: allowed ?? paid, allowed: allowed ?? paid, paid,
      fp: fingerprint([hdr, lineNumber, dispensed, ndc, quantity, allowed, paid]),
    },
    problems: [],
  };
}

/** npi,taxonomy rows of the optional `--npi-taxonomy` file. */
export function readTaxonomyRow(get: CsvRow): { row: { npi: string; taxonomy: string } | null; problems: RowProblem[] } {
  const r = new Reader(get);
  const npi = r.npi('npi');
  if (get('npi') === '') r.fail('npi', 'required, but empty');
  const taxonomy = r.code('taxonomy', /^[0-9A-Z]{9}X$/, 'a NUCC taxonomy code (e.g. 207Q00000X)');
  if (get('taxonomy') === '') r.fail('taxonomy', 'required, but empty');
  return r.problems.length ? { row: null, problems: r.problems } : { row: { npi: npi!, taxonomy: taxonomy! }, problems: [] };
}
