/**
 * Which CMS-HCC community segment a member is scored in, from what enrollment data carries:
 * Medicare–Medicaid dual status (full benefit / partial benefit / none) and the Medicare
 * status history (disabled before 65 ⇒ originally disabled once aged).
 * Dual status codes: CMS MMR / CCLF "BENE_DUAL_STTS_CD" (01 QMB only, 02 QMB plus, 03 SLMB only,
 * 04 SLMB plus, 05 QDWI, 06 QI, 08 other full dual, 09 other, 10 ...); medicare status codes:
 * 10 aged, 11 aged with ESRD, 20 disabled, 21 disabled with ESRD, 31 ESRD only.
 * https://www.cms.gov/medicare/payment/medicare-advantage-rates-statistics/risk-adjustment
 *
 * Not inferred (the data does not carry them): institutional status (INS) and new-enrollee
 * status (NE needs Part B months from Medicare's enrollment records, not this plan's spans).
 */
import type { HccSegment } from './hcc-model.ts';

/** Full-benefit duals (Medicaid covers services as well as premiums and cost sharing). */
const FULL_DUAL = new Set(['02', '04', '08']);
/** Partial-benefit duals (Medicaid pays premiums and/or cost sharing only). */
const PARTIAL_DUAL = new Set(['01', '03', '05', '06']);
const DISABLED_STATUS = new Set(['20', '21']);
const ESRD_STATUS = new Set(['11', '21', '31']);

export interface SegmentFacts {
  /** Age as of February 1 of the payment year. */
  readonly age: number;
  /** Dual status code of the member's most recent enrollment span, or null when unknown. */
  readonly dualStatus: string | null;
  /** Every Medicare status code the member's spans carried (any order). */
  readonly medicareStatuses: readonly string[];
}

export interface SegmentChoice {
  readonly segment: Extract<HccSegment, 'CNA' | 'CND' | 'CFA' | 'CFD' | 'CPA' | 'CPD'>;
  /** Original reason for entitlement as far as the data tells: 1 when entitled by disability. */
  readonly orec: '0' | '1';
  readonly why: string;
}

export function chooseCommunitySegment(f: SegmentFacts): SegmentChoice {
  const aged = f.age >= 65;
  const dual = f.dualStatus && FULL_DUAL.has(f.dualStatus) ? 'F' : f.dualStatus && PARTIAL_DUAL.has(f.dualStatus) ? 'P' : 'N';
  const segment = `C${dual}${aged ? 'A' : 'D'}` as SegmentChoice['segment'];
  // Under 65 a Medicare beneficiary is entitled by disability (or ESRD, scored as disabled here);
  // at 65 or over, a disabled status on an earlier span means originally disabled.
  const everDisabled = f.medicareStatuses.some((s) => DISABLED_STATUS.has(s));
  const orec = !aged || everDisabled ? '1' : '0';
  const dualText = dual === 'F' ? `full-benefit dual (status ${f.dualStatus})` : dual === 'P' ? `partial-benefit dual (status ${f.dualStatus})` : f.dualStatus ? `not dual (status ${f.dualStatus})` : 'no dual status on file';
  const ageText = aged ? `aged (${f.age})${everDisabled ? ', originally disabled (Medicare status 20/21 on an earlier span)' : ''}` : `disabled (age ${f.age})`;
  const esrd = f.medicareStatuses.some((s) => ESRD_STATUS.has(s)) ? '; ESRD status on file — the ESRD model is not applied, scored with the community model' : '';
  return { segment, orec, why: `${segment}: community, ${dualText}, ${ageText}${esrd}` };
}
