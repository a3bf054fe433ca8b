/**
 * Recapture: chronic conditions a member had coded last year that no claim has supported
 * this year. CMS-HCC scores are rebuilt every year from that year's diagnoses, so a chronic
 * condition not documented again drops out of the score; these are the members to see.
 * https://www.cms.gov/medicare/payment/medicare-advantage-rates-statistics/risk-adjustment
 */
import type { HccSegment, HccTables } from './hcc-model.ts';
import { milliToDecimal } from './score-hcc.ts';

/**
 * V28 payment HCCs for acute or episodic conditions, which are not expected to recur and are
 * therefore not recapture gaps: sepsis, opportunistic infections, acute diabetic complications,
 * obstruction/perforation, bone and soft-tissue infections, coma, respiratory arrest and
 * failure, acute heart failure, acute MI, unstable angina, hemorrhage and stroke, DVT/PE,
 * pneumonias, empyema, burns, head injuries, fractures, traumatic amputation. Every other
 * payment HCC counts as chronic. A contract may pass its own list.
 */
export const ACUTE_HCCS_V28: ReadonlySet<string> = new Set([
  '2', '6', '36', '78', '92', '202', '212', '213', '225', '228', '229', '248', '249', '267', '282', '283', '385', '397', '398', '399', '401', '402', '405',
]);

export interface RecaptureMember {
  readonly memberKey: string;
  readonly segment: HccSegment;
  /** Payment HCCs of last year's diagnoses (after hierarchies). */
  readonly priorHccs: readonly string[];
  /** The diagnoses behind them, for the explanation (code → CCs). */
  readonly priorDiagnoses: ReadonlyArray<{ code: string; ccs: readonly string[] }>;
  /** Payment HCCs supported by this year's claims so far. */
  readonly currentHccs: readonly string[];
}

export interface RecaptureGap {
  readonly memberKey: string;
  readonly hcc: string;
  readonly label: string;
  /** Last year's diagnosis codes that mapped to this HCC. */
  readonly priorDiagnoses: readonly string[];
  /** The member's segment coefficient for the HCC (what the raw score loses), decimal string. */
  readonly coefficient: string;
  /** A lower HCC of the same hierarchy coded this year (the condition is documented, less severe), if any. */
  readonly codedThisYearAs: string | null;
}

/**
 * A prior chronic HCC is supported when this year has the same HCC or one that outranks it
 * in its hierarchy (that one drops it). A lower one of the same family does not support it:
 * the severity was not documented again, which is itself worth recapturing.
 */
export function recaptureGaps(t: HccTables, members: readonly RecaptureMember[], acute: ReadonlySet<string> = ACUTE_HCCS_V28): RecaptureGap[] {
  const out: RecaptureGap[] = [];
  for (const m of members) {
    const current = new Set(m.currentHccs);
    for (const hcc of m.priorHccs) {
      if (acute.has(hcc) || current.has(hcc)) continue;
      if (m.currentHccs.some((c) => t.hierarchy.get(c)?.includes(hcc))) continue;
      const lower = m.currentHccs.find((c) => t.hierarchy.get(hcc)?.includes(c)) ?? null;
      out.push({
        memberKey: m.memberKey, hcc, label: t.labels.get(hcc) ?? '', codedThisYearAs: lower,
        priorDiagnoses: m.priorDiagnoses.filter((d) => d.ccs.includes(hcc)).map((d) => d.code),
        coefficient: milliToDecimal(t.coefficients.get(`${m.segment}_HCC${hcc}`) ?? 0),
      });
    }
  }
  return out.sort((a, b) => (a.memberKey < b.memberKey ? -1 : a.memberKey > b.memberKey ? 1 : Number(a.hcc) - Number(b.hcc)));
}
