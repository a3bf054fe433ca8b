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

/** raw (thousandths) × (1 − ci) ÷ norm, to four places, half up. */
export function paymentScore(rawMilli: number, p: HccParameters): string {
  const [ci, cs] = scaled(p.codingIntensity);
  const [norm, ns] = scaled(p.normalization);
  if (norm === 0n) throw new Error('normalization factor must not be zero');
  const one = 10n ** BigInt(cs);
  // payment × 10^4 = raw/10^3 × (one − ci)/one × 10^ns/norm × 10^4
  const num = BigInt(rawMilli) * (one - ci) * 10n ** BigInt(ns) * 10n;
  const den = one * norm;
  const q = (2n * num + den) / (2n * den); // half up for non-negative values
  const s = q.toString().padStart(5, '0');
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
  return bands.find(([a, b]) => age >= a && age <= b)![2];
}

export function scoreHcc(t: HccTables, input: HccInput, params: HccParameters): HccScore {
  const seg = input.segment;
  const terms: HccTerm[] = [];
  const coef = (variable: string) => t.coefficients.get(`${seg}_${variable}`);
  const add = (variable: string, why: string) => {
    const c = coef(variable);
    if (c === undefined) return false;
    terms.push({ variable, coefficient: milliToDecimal(c), why });
    return true;
  };
  const disabled = input.age < 65 && (input.orec ?? '0') !== '0';
  const originallyDisabled = (input.orec === '1' || input.orec === '3') && !disabled && input.age >= 65;

  // Demographics.
  if (seg === 'NE' || seg === 'SNPNE') {
    const cell = `${input.medicaid ? 'MCAID' : 'NMCAID'}_${originallyDisabled ? 'ORIGDIS' : 'NORIGDIS'}_NE${input.sex}${band(input.age, NE_BANDS)}`;
    if (!add(cell, `new enrollee, ${input.sex === 'F' ? 'female' : 'male'} age ${input.age}${input.medicaid ? ', Medicaid' : ''}${originallyDisabled ? ', originally disabled' : ''}`))
      throw new Error(`no ${seg} demographic cell ${cell}`);
  } else {
    const cell = `${input.sex}${band(input.age, AGED_BANDS)}`;
    if (!add(cell, `${input.sex === 'F' ? 'female' : 'male'}, age ${input.age} on February 1`)) throw new Error(`segment ${seg} has no demographic cell ${cell} (age ${input.age})`);
    if (originallyDisabled) add(seg === 'INS' ? 'ORIGDS' : `OriginallyDisabled_${input.sex === 'F' ? 'Female' : 'Male'}`, 'originally entitled by disability (OREC 1), now aged');
    if (seg === 'INS' && input.medicaid) add('LTIMCAID', 'long-term institutional with Medicaid');
  }

  // Diagnoses → CCs, with age/sex edits.
  const diagnoses: Array<{ code: string; ccs: string[]; note?: string }> = [];
  const present = new Set<string>();
  for (const raw of input.diagnoses) {
    const code = raw.replace('.', '').trim().toUpperCase();
    if (!code) continue;
    let ccs = [...(t.dxToCc.get(code) ?? [])];
    let note: string | undefined;
    for (const e of t.edits.get(code) ?? []) {
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
    if (ccs.length === 0 && !note) note = 'maps to no payment HCC in V28';
    diagnoses.push({ code, ccs, ...(note ? { note } : {}) });
    for (const cc of ccs) present.add(cc);
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

  const hccs = [...present].filter((cc) => t.labels.has(cc)).sort((a, b) => Number(a) - Number(b));
  if (seg !== 'NE' && seg !== 'SNPNE') {
    for (const cc of hccs) add(`HCC${cc}`, `${t.labels.get(cc)} (${diagnoses.filter((d) => d.ccs.includes(cc)).map((d) => d.code).join(', ')})`);
    const has = (g: string) => GROUPS[g]!.some((cc) => present.has(cc));
    const interactions: Array<[string, boolean, string]> = [
      ['DIABETES_HF_V28', has('DIABETES') && has('HF'), 'diabetes × heart failure'],
      ['HF_CHR_LUNG_V28', has('HF') && has('CHR_LUNG'), 'heart failure × chronic lung disease'],
      ['HF_KIDNEY_V28', has('HF') && has('KIDNEY'), 'heart failure × kidney disease'],
      ['CHR_LUNG_CARD_RESP_FAIL_V28', has('CHR_LUNG') && has('CARD_RESP_FAIL'), 'chronic lung disease × cardiorespiratory failure'],
      ['HF_HCC238_V28', has('HF') && present.has('238'), 'heart failure × HCC238'],
      ['gSubUseDisorder_gPsych_V28', has('gSubUseDisorder') && has('gPsychiatric'), 'substance use disorder × psychiatric'],
      ...(['CANCER', 'NEURO', 'HF', 'CHR_LUNG', 'ULCER'] as const).map((g): [string, boolean, string] => [`DISABLED_${g}_V28`, disabled && has(g), `disabled × ${g.toLowerCase()}`]),
    ];
    for (const [name, on, why] of interactions) if (on) add(name, why);
    const n = hccs.filter((cc) => coef(`HCC${cc}`) !== undefined).length;
    if (n > 0) add(n >= 10 ? 'D10P' : `D${n}`, `${n} payment HCC${n === 1 ? '' : 's'}`);
  }

  const rawMilli = terms.reduce((s, x) => s + t.coefficients.get(`${seg}_${x.variable}`)!, 0);
  return { segment: seg, raw: milliToDecimal(rawMilli), payment: paymentScore(rawMilli, params), terms, diagnoses, dropped, hccs };
}
