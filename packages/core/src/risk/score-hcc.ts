/**
 * Scores one beneficiary with the CMS-HCC V28 model: age/sex edits, diagnosis → CC, heart
 * patch, hierarchies, demographic cell, originally disabled, HCC terms, interactions,
 * payment-HCC count; raw score in exact thousandths and the payment score
 * raw × (1 − coding intensity) ÷ normalization, rounded half up to four places.
 */
import type { HccInput, HccParameters, HccScore, HccTables, HccTerm } from './hcc-model.ts';

const AGED_BANDS: ReadonlyArray<readonly [number, number, string]> = [
  [0, 34, '0_34'], [35, 44, '35_44'], [45, 54, '45_54'], [55, 59, '55_59'], [60, 64, '60_64'], [65, 69, '65_69'],
  [70, 74, '70_74'], [75, 79, '75_79'], [80, 84, '80_84'], [85, 89, '85_89'], [90, 94, '90_94'], [95, 999, '95_GT'],
];
/** New-enrollee cells split 65–69 into single years. */
const NE_BANDS: ReadonlyArray<readonly [number, number, string]> = [
  ...AGED_BANDS.slice(0, 5), [65, 65, '65'], [66, 66, '66'], [67, 67, '67'], [68, 68, '68'], [69, 69, '69'], ...AGED_BANDS.slice(6),
];

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
/** Interaction groups (payment HCC numbers). */
const GROUPS: Readonly<Record<string, readonly string[]>> = {
  CANCER: range(17, 23), DIABETES: range(35, 38), CARD_RESP_FAIL: range(211, 213), HF: range(221, 226), CHR_LUNG: range(276, 280),
  KIDNEY: range(326, 329), gSubUseDisorder: range(135, 139), gPsychiatric: range(151, 155),
  NEURO: ['180', '181', '182', '190', '191', '192', '195', '196', '198', '199'], ULCER: range(379, 382),
};
const HEART_PATCH_KEEPERS = ['221', '222', '224', '225', '226'];

/** Thousandths → '1.034'. */
export function milliToDecimal(m: number): string {
  const neg = m < 0;
  const a = Math.abs(m);
  return `${neg ? '-' : ''}${Math.floor(a / 1000)}.${String(a % 1000).padStart(3, '0')}`;
}

/** A decimal string as an integer and its scale: '1.015' → [1015n, 3]. */
function scaled(v: string): [bigint, number] {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(v.trim());
  if (!m) throw new Error(`'${v}' is not a decimal number`);
  return [BigInt(`${m[1]}${m[2] ?? ''}`), (m[2] ?? '').length];
}

const FACTORS = new WeakMap<HccParameters, { mul: bigint; den: bigint; mulN: number; denN: number }>();

/** raw (thousandths) × (1 − ci) ÷ norm, to four places, half up. */
export function paymentScore(rawMilli: number, p: HccParameters): string {
  let f = FACTORS.get(p);
  if (!f) {
    const [ci, cs] = scaled(p.codingIntensity);
    const [norm, ns] = scaled(p.normalization);
    if (norm === 0n) throw new Error('normalization factor must not be zero');
    const one = 10n ** BigInt(cs);
    // payment × 10^4 = raw/10^3 × (one − ci)/one × 10^ns/norm × 10^4
    const mul = (one - ci) * 10n ** BigInt(ns) * 10n;
    const den = one * norm;
    f = { mul, den, mulN: Number(mul), denN: Number(den) };
    FACTORS.set(p, f);
  }
  let q: number;
  const a = 2 * rawMilli * f.mulN + f.denN;
  const b = 2 * f.denN;
  if (rawMilli >= 0 && Number.isSafeInteger(a) && Number.isSafeInteger(b) && Number.isSafeInteger(f.mulN)) {
    // Exact in doubles (every operand and product is an integer below 2^53), several times faster
    // than BigInt; the quotient is corrected to the exact floor.
    q = Math.floor(a / b);
    if (q * b > a) q--;
    else if ((q + 1) * b <= a) q++;
  } else {
    const num = BigInt(rawMilli) * f.mul;
    q = Number((2n * num + f.den) / (2n * f.den)); // half up for non-negative values
  }
  const s = String(q).padStart(5, '0');
  return `${s.slice(0, -4)}.${s.slice(-4)}`;
}

/** Age in whole years on February 1 of the payment year (the model's age). */
export function ageOnFebruaryFirst(dateOfBirth: string, paymentYear: number): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  let age = paymentYear - y;
  if (m > 2 || (m === 2 && d > 1)) age--;
  return age;
}

function band(age: number, bands: ReadonlyArray<readonly [number, number, string]>): string {
  for (const [a, b, name] of bands) if (age >= a && age <= b) return name;
  throw new Error(`no age band for ${age}`);
}

/** A coefficient with its decimal text, made once per table set instead of once per term. */
interface Coef {
  readonly milli: number;
  readonly text: string;
}

/** Coefficients split by segment once per table set (`NE_HCC…` lookups without string building per member). */
const BY_SEGMENT = new WeakMap<HccTables, Map<string, Map<string, Coef>>>();

function segmentCoefficients(t: HccTables, seg: string): Map<string, Coef> {
  let all = BY_SEGMENT.get(t);
  if (!all) {
    all = new Map();
    for (const [name, v] of t.coefficients) {
      const i = name.indexOf('_');
      const s = name.slice(0, i);
      let m = all.get(s);
      if (!m) all.set(s, (m = new Map()));
      m.set(name.slice(i + 1), { milli: v, text: milliToDecimal(v) });
    }
    BY_SEGMENT.set(t, all);
  }
  return all.get(seg) ?? new Map();
}

/** Which interaction groups each CC belongs to (bit per group), for one pass over the present CCs. */
const GROUP_NAMES = Object.keys(GROUPS);
const GROUP_BITS = new Map<string, number>();
GROUP_NAMES.forEach((g, i) => {
  for (const cc of GROUPS[g]!) GROUP_BITS.set(cc, (GROUP_BITS.get(cc) ?? 0) | (1 << i));
});
const bit = (g: string) => 1 << GROUP_NAMES.indexOf(g);
const B = { DIABETES: bit('DIABETES'), HF: bit('HF'), CHR_LUNG: bit('CHR_LUNG'), KIDNEY: bit('KIDNEY'), CARD_RESP_FAIL: bit('CARD_RESP_FAIL'), SUD: bit('gSubUseDisorder'), PSYCH: bit('gPsychiatric') };

type Predicate = (groups: number, present: ReadonlySet<string>, disabled: boolean) => boolean;
const INTERACTIONS: ReadonlyArray<readonly [string, Predicate, string]> = [
  ['DIABETES_HF_V28', (g) => (g & B.DIABETES) !== 0 && (g & B.HF) !== 0, 'diabetes × heart failure'],
  ['HF_CHR_LUNG_V28', (g) => (g & B.HF) !== 0 && (g & B.CHR_LUNG) !== 0, 'heart failure × chronic lung disease'],
  ['HF_KIDNEY_V28', (g) => (g & B.HF) !== 0 && (g & B.KIDNEY) !== 0, 'heart failure × kidney disease'],
  ['CHR_LUNG_CARD_RESP_FAIL_V28', (g) => (g & B.CHR_LUNG) !== 0 && (g & B.CARD_RESP_FAIL) !== 0, 'chronic lung disease × cardiorespiratory failure'],
  ['HF_HCC238_V28', (g, p) => (g & B.HF) !== 0 && p.has('238'), 'heart failure × HCC238'],
  ['gSubUseDisorder_gPsych_V28', (g) => (g & B.SUD) !== 0 && (g & B.PSYCH) !== 0, 'substance use disorder × psychiatric'],
  ...(['CANCER', 'NEURO', 'HF', 'CHR_LUNG', 'ULCER'] as const).map(
    (name): readonly [string, Predicate, string] => {
      const b = bit(name);
      return [`DISABLED_${name}_V28`, (g, _p, disabled) => disabled && (g & b) !== 0, `disabled × ${name.toLowerCase()}`];
    },
  ),
];

/** The terms of one score and their sum (module-level helpers: no closures per beneficiary). */
interface Acc {
  readonly coefficients: ReadonlyMap<string, Coef>;
  readonly terms: HccTerm[];
  raw: number;
}

function add(a: Acc, variable: string, why: string): boolean {
  const c = a.coefficients.get(variable);
  if (c === undefined) return false;
  a.raw += c.milli;
  a.terms.push({ variable, coefficient: c.text, why });
  return true;
}

/** 'HCC37' for '37', made once per CC. */
const HCC_VARIABLE = new Map<string, string>();
function hccVariable(cc: string): string {
  let v = HCC_VARIABLE.get(cc);
  if (v === undefined) HCC_VARIABLE.set(cc, (v = `HCC${cc}`));
  return v;
}

const byNumber = (a: string, b: string) => Number(a) - Number(b);
const CODE = /^[A-Z0-9]+$/;

export function scoreHcc(t: HccTables, input: HccInput, params: HccParameters): HccScore {
  const seg = input.segment;
  const acc: Acc = { coefficients: segmentCoefficients(t, seg), terms: [], raw: 0 };
  const disabled = input.age < 65 && (input.orec ?? '0') !== '0';
  const originallyDisabled = (input.orec === '1' || input.orec === '3') && !disabled && input.age >= 65;

  // Demographics.
  if (seg === 'NE' || seg === 'SNPNE') {
    const cell = `${input.medicaid ? 'MCAID' : 'NMCAID'}_${originallyDisabled ? 'ORIGDIS' : 'NORIGDIS'}_NE${input.sex}${band(input.age, NE_BANDS)}`;
    if (!add(acc, cell, `new enrollee, ${input.sex === 'F' ? 'female' : 'male'} age ${input.age}${input.medicaid ? ', Medicaid' : ''}${originallyDisabled ? ', originally disabled' : ''}`))
      throw new Error(`no ${seg} demographic cell ${cell}`);
  } else {
    const cell = `${input.sex}${band(input.age, AGED_BANDS)}`;
    if (!add(acc, cell, `${input.sex === 'F' ? 'female' : 'male'}, age ${input.age} on February 1`)) throw new Error(`segment ${seg} has no demographic cell ${cell} (age ${input.age})`);
    if (originallyDisabled) add(acc, seg === 'INS' ? 'ORIGDS' : `OriginallyDisabled_${input.sex === 'F' ? 'Female' : 'Male'}`, 'originally entitled by disability (OREC 1), now aged');
    if (seg === 'INS' && input.medicaid) add(acc, 'LTIMCAID', 'long-term institutional with Medicaid');
  }

  // Diagnoses → CCs, with age/sex edits.
  const diagnoses: Array<{ code: string; ccs: readonly string[]; note?: string }> = [];
  const present = new Set<string>();
  const sources = new Map<string, string[]>();
  for (const raw of input.diagnoses) {
    const code = CODE.test(raw) ? raw : raw.replace('.', '').trim().toUpperCase();
    if (!code) continue;
    let ccs: readonly string[] = t.dxToCc.get(code) ?? [];
    let note: string | undefined;
    const edits = t.edits.get(code);
    if (edits) {
      for (const e of edits) {
        const applies = e.kind === 'sex' ? (e.sex === '2' ? input.sex === 'F' : input.sex === 'M') : (e.ageMin === undefined || input.age >= e.ageMin) && (e.ageMax === undefined || input.age <= e.ageMax);
        if (!applies) continue;
        if (e.action === 'invalid') {
          ccs = [];
          note = `not counted: ${e.description}`;
        } else if (e.ccOverride) {
          ccs = [e.ccOverride];
          note = `CC ${e.ccOverride}: ${e.description}`;
        }
      }
    }
    if (ccs.length === 0 && !note) note = 'maps to no payment HCC in V28';
    diagnoses.push(note ? { code, ccs, note } : { code, ccs });
    for (const cc of ccs) {
      present.add(cc);
      const list = sources.get(cc);
      if (list) list.push(code);
      else sources.set(cc, [code]);
    }
  }

  // Heart patch, then hierarchies (parents decided on the set before any drop).
  const dropped: Array<{ cc: string; by: string }> = [];
  if (present.has('223') && !HEART_PATCH_KEEPERS.some((k) => present.has(k))) {
    present.delete('223');
    dropped.push({ cc: '223', by: 'heart patch: CC223 counts only with CC221, 222, 224, 225 or 226' });
  }
  const before = [...present];
  for (const parent of before)
    for (const child of t.hierarchy.get(parent) ?? [])
      if (present.delete(child)) dropped.push({ cc: child, by: `hierarchy under HCC${parent}` });

  const hccs = [...present].filter((cc) => t.labels.has(cc)).sort(byNumber);
  if (seg !== 'NE' && seg !== 'SNPNE') {
    let n = 0;
    for (const cc of hccs) {
      const v = hccVariable(cc);
      if (add(acc, v, `${t.labels.get(cc)} (${(sources.get(cc) ?? []).join(', ')})`)) n++;
    }
    if (hccs.length > 0) {
      let groups = 0;
      for (const cc of present) groups |= GROUP_BITS.get(cc) ?? 0;
      for (const [name, on, why] of INTERACTIONS) if (on(groups, present, disabled)) add(acc, name, why);
    }
    if (n > 0) add(acc, n >= 10 ? 'D10P' : `D${n}`, `${n} payment HCC${n === 1 ? '' : 's'}`);
  }

  return { segment: seg, raw: milliToDecimal(acc.raw), payment: paymentScore(acc.raw, params), terms: acc.terms, diagnoses, dropped, hccs };
}
