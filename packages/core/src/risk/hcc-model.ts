/**
 * CMS-HCC risk adjustment model (V28, payment year 2026) as data plus the facts the
 * tables do not carry. Scores are exact decimals: coefficients are integer thousandths.
 * https://www.cms.gov/medicare/payment/medicare-advantage-rates-statistics/risk-adjustment
 */

/** The model's segments: community (non-dual / full-dual / partial-dual × aged / disabled), institutional, new enrollee. */
export const HCC_SEGMENTS = ['CNA', 'CND', 'CFA', 'CFD', 'CPA', 'CPD', 'INS', 'NE', 'SNPNE'] as const;
export type HccSegment = (typeof HCC_SEGMENTS)[number];

export interface HccTables {
  /** Diagnosis (no dot, upper case) → CCs. */
  readonly dxToCc: ReadonlyMap<string, readonly string[]>;
  /** Parent CC → the CCs it drops. */
  readonly hierarchy: ReadonlyMap<string, readonly string[]>;
  /** `<SEGMENT>_<VARIABLE>` → coefficient in thousandths. */
  readonly coefficients: ReadonlyMap<string, number>;
  /** Age/sex edits by diagnosis. */
  readonly edits: ReadonlyMap<string, readonly DxEdit[]>;
  /** Payment HCC labels by number (the HCCs that count). */
  readonly labels: ReadonlyMap<string, string>;
}

export interface DxEdit {
  readonly kind: 'age' | 'sex';
  /** 1 male, 2 female (CMS coding). */
  readonly sex?: '1' | '2';
  readonly ageMin?: number;
  readonly ageMax?: number;
  readonly action: 'invalid' | 'override';
  readonly ccOverride?: string;
  readonly description: string;
}

export interface HccInput {
  /** Age as of February 1 of the payment year (see `ageOnFebruaryFirst`). */
  readonly age: number;
  readonly sex: 'F' | 'M';
  readonly segment: HccSegment;
  /** Original reason for entitlement: 0 old age, 1 disability, 2 ESRD, 3 both. */
  readonly orec?: '0' | '1' | '2' | '3';
  /** Medicaid (new-enrollee cells, institutional LTIMCAID). */
  readonly medicaid?: boolean;
  /** ICD-10-CM codes from risk-adjustment-eligible claims, with or without the dot. */
  readonly diagnoses: readonly string[];
}

export interface HccParameters {
  /** Normalization factor of the payment year, as a decimal string (e.g. '1.015'). */
  readonly normalization: string;
  /** MA coding-intensity adjustment as a decimal fraction (statutory minimum '0.059'). */
  readonly codingIntensity: string;
}

export interface HccTerm {
  /** Coefficient name without the segment prefix, e.g. 'M70_74', 'HCC37', 'DIABETES_HF_V28', 'D2'. */
  readonly variable: string;
  /** Decimal string, e.g. '0.396'. */
  readonly coefficient: string;
  readonly why: string;
}

export interface HccScore {
  readonly segment: HccSegment;
  /** Decimal strings: raw to 3 places, payment to 4. */
  readonly raw: string;
  readonly payment: string;
  readonly terms: readonly HccTerm[];
  /** Each diagnosis: the CCs it mapped to, or why it did not count. */
  readonly diagnoses: ReadonlyArray<{ code: string; ccs: readonly string[]; note?: string }>;
  /** CCs removed by the heart patch or a hierarchy, and by what. */
  readonly dropped: ReadonlyArray<{ cc: string; by: string }>;
  /** Payment HCCs after hierarchies. */
  readonly hccs: readonly string[];
}
