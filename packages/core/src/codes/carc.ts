/**
 * The Claim Adjustment Reason Codes (CARC) and Remittance Advice Remark Codes (RARC)
 * Tandem emits, with their X12-maintained descriptions (abridged).
 * https://x12.org/codes/claim-adjustment-reason-codes
 * https://x12.org/codes/remittance-advice-remark-codes
 */
export const CARC = {
  DEDUCTIBLE: '1',
  COINSURANCE: '2',
  COPAY: '3',
  SUBMISSION_ERROR: '16',
  DUPLICATE: '18',
  BEFORE_COVERAGE: '26',
  AFTER_COVERAGE: '27',
  NOT_OUR_INSURED: '31',
  EXCEEDS_FEE_SCHEDULE: '45',
  NON_COVERED: '96',
  OOP_NOT_COVERED_NETWORK: '242',
  NPI_NOT_MATCHED: '208',
  AUTH_ABSENT: '197',
  AUTH_EXCEEDED: '198',
} as const;
export type CarcCode = (typeof CARC)[keyof typeof CARC];

const CARC_TEXT: Readonly<Record<string, string>> = {
  '1': 'Deductible amount',
  '2': 'Coinsurance amount',
  '3': 'Co-payment amount',
  '16': 'Claim/service lacks information or has submission/billing error(s)',
  '18': 'Exact duplicate claim/service',
  '26': 'Expenses incurred prior to coverage',
  '27': 'Expenses incurred after coverage terminated',
  '31': 'Patient cannot be identified as our insured',
  '45': 'Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement',
  '96': 'Non-covered charge(s)',
  '208': 'National Provider Identifier - Not matched',
  '242': 'Services not provided by network/primary care providers',
  '197': 'Precertification/authorization/notification/pre-treatment absent',
  '198': 'Precertification/notification/authorization/pre-treatment exceeded',
};

export const RARC = {
  INVALID_BILLING_NPI: 'N257',
  OUT_OF_NETWORK: 'N130',
  NOT_ELIGIBLE_ON_DOS: 'N30',
  DUPLICATE_OF_ORIGINAL: 'N522',
  RESUBMIT_AS_NEW: 'MA130',
  AUTH_CODE_MISSING: 'M62',
  AUTH_INCONSISTENT: 'N54',
} as const;

const RARC_TEXT: Readonly<Record<string, string>> = {
  N257: 'Missing/incomplete/invalid billing provider/supplier primary identifier',
  N130: 'Consult plan benefit documents/guidelines for information about restrictions for this service',
  N30: 'Patient ineligible for this service',
  N522: 'Duplicate of a claim processed, or to be processed, as a crossover claim',
  M62: 'Missing/incomplete/invalid treatment authorization code.',
  N54: 'Claim information is inconsistent with pre-certified/authorized services.',
  MA130: 'Your claim contains incomplete and/or invalid information, and no appeal rights are afforded because the claim is unprocessable. Submit a new claim with the complete/correct information.',
};

export function carcDescription(code: string): string {
  return CARC_TEXT[code] ?? `Adjustment reason ${code}`;
}
export function rarcDescription(code: string): string {
  return RARC_TEXT[code] ?? `Remark ${code}`;
}

/** CAS01 claim adjustment group codes. */
export const ADJUSTMENT_GROUPS = ['CO', 'PR', 'OA', 'PI', 'CR'] as const;
export type AdjustmentGroup = (typeof ADJUSTMENT_GROUPS)[number];
