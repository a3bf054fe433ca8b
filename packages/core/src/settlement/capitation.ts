/**
 * Capitation reconciliation: a per-member-per-month (PMPM) rate × member months, optionally
 * risk-adjusted by the population's mean risk score (as Medicare Advantage capitation is,
 * 42 CFR 422.308 — https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-422/subpart-G/section-422.308),
 * less a quality withhold that is earned back by quality performance (as in the ACO REACH
 * quality withhold — https://www.cms.gov/priorities/innovation/innovation-models/aco-reach),
 * less what was already paid monthly during the year. Integer cents with the rounding rule of
 * money/cents.ts. Every line of the waterfall is a signed amount and the lines before
 * 'payment' add up to it exactly:
 * base capitation → risk adjustment → withhold → withhold return → paid to date → payment.
 */
import { applyBasisPoints, type BasisPoints, type Cents } from '../money/index.ts';
import type { WaterfallStep } from './shared-savings.ts';

export interface WithholdReturnStep {
  /** Quality score (bp of 100 %) at or above which this step applies. */
  readonly minQualityBps: BasisPoints;
  /** Share of the withhold returned at this step (10000 bp = all of it). */
  readonly returnBps: BasisPoints;
}

export interface CapitationTerms {
  /** Base PMPM rate, at a risk score of 1.0000. */
  readonly pmpmCents: Cents;
  /** Whether the base is multiplied by the population's risk score. */
  readonly riskAdjust: boolean;
  /** Share of the (risk-adjusted) gross capitation withheld pending quality, e.g. 200 bp = 2 %. */
  readonly withholdBps: BasisPoints;
  /** All-or-nothing return: quality at or above this score returns the whole withhold, below it nothing. */
  readonly withholdReturnQualityBps: BasisPoints;
  /** Graduated return, used instead of the all-or-nothing threshold when present: the highest threshold met wins; none met returns nothing. */
  readonly withholdReturnSchedule?: readonly WithholdReturnStep[];
}

export interface CapitationInput {
  /** Member months in the period (an integer: partial months are a contract matter, decided before this point). */
  readonly memberMonths: number;
  /** Member-month-weighted mean risk score × 10000, an integer (10342 = 1.0342). Required when the terms risk-adjust. */
  readonly riskScoreE4?: number;
  /** Quality score, 0–10000 bp. */
  readonly qualityBps: BasisPoints;
  /** Capitation already paid during the period; the settlement is then the reconciliation difference. */
  readonly paidToDateCents?: Cents;
}

export interface CapitationResult {
  /** Gross capitation after risk adjustment, before the withhold. */
  readonly grossCents: Cents;
  readonly withheldCents: Cents;
  readonly returnedCents: Cents;
  /** gross − withheld + returned − paid to date. Positive: the payer pays the provider; negative: the provider owes the payer (overpaid during the year). */
  readonly paymentCents: Cents;
  readonly waterfall: readonly WaterfallStep[];
}

const pct = (bp: number) => `${(bp / 100).toFixed(2)} %`;

/** 10342 → "1.0342", without going through a float. */
/** Negation without a -0 (which toBe(0) and Object.is tell apart from 0). */
const neg = (n: number) => 0 - n;

const score = (e4: number) => `${Math.floor(e4 / 10000)}.${String(e4 % 10000).padStart(4, '0')}`;

function requireInteger(name: string, n: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${n}`);
}

/** Withhold share returned for a quality score (bp of the withhold). */
export function withholdReturnBps(t: CapitationTerms, qualityBps: BasisPoints): BasisPoints {
  if (!t.withholdReturnSchedule) return qualityBps >= t.withholdReturnQualityBps ? 10000 : 0;
  let best: WithholdReturnStep | undefined;
  for (const s of t.withholdReturnSchedule) {
    if (qualityBps >= s.minQualityBps && (!best || s.minQualityBps > best.minQualityBps)) best = s;
  }
  return best?.returnBps ?? 0;
}

export function settleCapitation(t: CapitationTerms, i: CapitationInput): CapitationResult {
  requireInteger('pmpmCents', t.pmpmCents, 0);
  requireInteger('withholdBps', t.withholdBps, 0, 10000);
  requireInteger('memberMonths', i.memberMonths, 0);
  requireInteger('qualityBps', i.qualityBps, 0, 10000);
  const thresholds = new Set<number>();
  for (const s of t.withholdReturnSchedule ?? []) {
    requireInteger('withholdReturnSchedule.returnBps', s.returnBps, 0, 10000);
    // Two steps at one threshold would make "the highest threshold met" ambiguous.
    if (thresholds.has(s.minQualityBps)) throw new RangeError(`withholdReturnSchedule has two steps at ${s.minQualityBps} bp`);
    thresholds.add(s.minQualityBps);
  }

  const base = t.pmpmCents * i.memberMonths;
  requireInteger('base capitation (pmpmCents × memberMonths)', base, 0);
  const w: WaterfallStep[] = [{ step: 'base capitation', amountCents: base, note: `${i.memberMonths} member months × PMPM ${t.pmpmCents} cents` }];

  let gross = base;
  if (t.riskAdjust) {
    if (i.riskScoreE4 === undefined) throw new RangeError('riskScoreE4 is required when the terms risk-adjust');
    requireInteger('riskScoreE4', i.riskScoreE4, 1);
    // base × score / 10000, half-up to the cent. BigInt because base × score can pass 2^53
    // for a large population, and the score is not a share so applyBasisPoints' meaning does not fit.
    const p = BigInt(base) * BigInt(i.riskScoreE4);
    const q = p / 10000n;
    gross = Number(p - q * 10000n >= 5000n ? q + 1n : q);
    w.push({ step: 'risk adjustment', amountCents: gross - base, note: `× risk score ${score(i.riskScoreE4)} (half-up to the cent)` });
  } else {
    w.push({ step: 'risk adjustment', amountCents: 0, note: 'terms are not risk-adjusted' });
  }

  // The withhold is a share of the risk-adjusted gross: it is what the provider would have been paid.
  const withheld = applyBasisPoints(gross, t.withholdBps);
  w.push({ step: 'withhold', amountCents: neg(withheld), note: `${pct(t.withholdBps)} of gross capitation withheld pending quality` });

  const returnBps = withholdReturnBps(t, i.qualityBps);
  // Returning a share of the withhold (not of gross) keeps returned ≤ withheld whatever the rounding.
  const returned = applyBasisPoints(withheld, returnBps);
  const returnNote = t.withholdReturnSchedule
    ? `quality ${pct(i.qualityBps)}: schedule returns ${pct(returnBps)} of the withhold`
    : i.qualityBps >= t.withholdReturnQualityBps
      ? `quality ${pct(i.qualityBps)} meets ${pct(t.withholdReturnQualityBps)}: withhold returned in full`
      : `quality ${pct(i.qualityBps)} below ${pct(t.withholdReturnQualityBps)}: withhold not returned`;
  w.push({ step: 'withhold return', amountCents: returned, note: returnNote });

  let payment = gross - withheld + returned;
  if (i.paidToDateCents !== undefined) {
    requireInteger('paidToDateCents', i.paidToDateCents, Number.MIN_SAFE_INTEGER);
    payment -= i.paidToDateCents;
    w.push({ step: 'paid to date', amountCents: neg(i.paidToDateCents), note: 'capitation already paid during the period' });
  }
  w.push({
    step: 'payment',
    amountCents: payment,
    note: payment >= 0 ? 'capitation owed to the provider' : 'capitation overpaid during the period: owed back by the provider',
  });
  return { grossCents: gross, withheldCents: withheld, returnedCents: returned, paymentCents: payment, waterfall: w };
}
