/**
 * Shared savings and losses, Medicare Shared Savings Program style (42 CFR 425.604–425.610),
 * in integer cents with the rounding rule of money/cents.ts. Every step is a line of the
 * waterfall a payer and a provider can check against each other:
 * benchmark → expenditure → gross savings → minimum savings/loss rate → sharing rate →
 * quality adjustment → cap → sequestration → payment.
 */
import { applyBasisPoints, type BasisPoints, type Cents } from '../money/index.ts';

export interface SharedSavingsTerms {
  /** one-sided: savings only; two-sided: savings and losses. */
  readonly track: 'one-sided' | 'two-sided';
  /** Savings sharing rate (e.g. 5000 bp = 50 %), reached at full quality. */
  readonly sharingRateBps: BasisPoints;
  /** Losses sharing rate (two-sided), e.g. 4000 bp. */
  readonly lossSharingRateBps?: BasisPoints;
  /** 'variable' uses the MSSP table by assigned population; a number is an elected fixed rate in bp. */
  readonly minimumSavingsRate: 'variable' | BasisPoints;
  /** Cap on shared savings as a share of the benchmark (e.g. 1000 bp = 10 %). */
  readonly savingsCapBps: BasisPoints;
  /** Cap on shared losses as a share of the benchmark (two-sided). */
  readonly lossCapBps?: BasisPoints;
  /** Quality gate: below this quality score (bp of 100 %) no savings are shared. */
  readonly qualityGateBps: BasisPoints;
  /** Sequestration reduction of a savings payment (e.g. 200 bp = 2 %). */
  readonly sequestrationBps: BasisPoints;
}

export interface SharedSavingsInput {
  /** Risk-adjusted benchmark for the period, total. */
  readonly benchmarkCents: Cents;
  /** Performance-period expenditure after truncation, total. */
  readonly expenditureCents: Cents;
  /** Assigned beneficiaries (person-years), for the variable minimum savings rate. */
  readonly assigned: number;
  /** Quality score, 0–10000 bp. */
  readonly qualityBps: BasisPoints;
}

export interface WaterfallStep {
  readonly step: string;
  readonly amountCents: Cents;
  readonly note: string;
}

export interface SharedSavingsResult {
  readonly grossSavingsCents: Cents;
  /** Positive: the payer pays the provider; negative: the provider owes the payer. */
  readonly paymentCents: Cents;
  readonly waterfall: readonly WaterfallStep[];
}

/** 42 CFR 425.604(b): minimum savings rate by number of assigned beneficiaries (one-sided, variable). */
const MSR_TABLE: ReadonlyArray<readonly [number, BasisPoints]> = [
  [60_000, 200], [50_000, 220], [20_000, 250], [15_000, 270], [10_000, 300], [9_000, 310], [8_000, 320], [7_000, 340], [6_000, 360], [0, 390],
];

export function variableMinimumSavingsRate(assigned: number): BasisPoints {
  return MSR_TABLE.find(([n]) => assigned >= n)![1];
}

/** a / b ≥ bp / 10000, exactly. */
function atLeastRate(a: Cents, b: Cents, bp: BasisPoints): boolean {
  return BigInt(a) * 10000n >= BigInt(bp) * BigInt(b);
}

const pct = (bp: number) => `${(bp / 100).toFixed(2)} %`;

export function settleSharedSavings(t: SharedSavingsTerms, i: SharedSavingsInput): SharedSavingsResult {
  const w: WaterfallStep[] = [
    { step: 'benchmark', amountCents: i.benchmarkCents, note: 'risk-adjusted benchmark for the period' },
    { step: 'expenditure', amountCents: i.expenditureCents, note: 'performance-period expenditure after truncation' },
  ];
  const gross = i.benchmarkCents - i.expenditureCents;
  w.push({ step: 'gross savings', amountCents: gross, note: gross >= 0 ? 'benchmark − expenditure' : 'expenditure above benchmark (losses)' });
  const msr = t.minimumSavingsRate === 'variable' ? variableMinimumSavingsRate(i.assigned) : t.minimumSavingsRate;
  const done = (payment: Cents, note: string): SharedSavingsResult => {
    w.push({ step: 'payment', amountCents: payment, note });
    return { grossSavingsCents: gross, paymentCents: payment, waterfall: w };
  };

  if (gross >= 0) {
    if (!atLeastRate(gross, i.benchmarkCents, msr)) {
      w.push({ step: 'minimum savings rate', amountCents: 0, note: `savings rate below the minimum savings rate ${pct(msr)}: nothing shared` });
      return done(0, 'no shared savings');
    }
    w.push({ step: 'minimum savings rate', amountCents: gross, note: `savings rate meets the minimum savings rate ${pct(msr)}: shared from the first dollar` });
    if (i.qualityBps < t.qualityGateBps) {
      w.push({ step: 'quality gate', amountCents: 0, note: `quality ${pct(i.qualityBps)} below the gate ${pct(t.qualityGateBps)}: no savings shared` });
      return done(0, 'quality gate not met');
    }
    const shared = applyBasisPoints(gross, t.sharingRateBps);
    w.push({ step: 'sharing rate', amountCents: shared, note: `gross savings × ${pct(t.sharingRateBps)}` });
    const quality = applyBasisPoints(shared, i.qualityBps);
    w.push({ step: 'quality adjustment', amountCents: quality, note: `× quality score ${pct(i.qualityBps)}` });
    const cap = applyBasisPoints(i.benchmarkCents, t.savingsCapBps);
    const capped = Math.min(quality, cap);
    w.push({ step: 'cap', amountCents: capped, note: quality > cap ? `capped at ${pct(t.savingsCapBps)} of the benchmark` : `below the cap (${pct(t.savingsCapBps)} of the benchmark)` });
    const sequestered = capped - applyBasisPoints(capped, t.sequestrationBps);
    w.push({ step: 'sequestration', amountCents: sequestered, note: `less ${pct(t.sequestrationBps)} sequestration` });
    return done(sequestered, 'shared savings paid to the provider organization');
  }

  // Losses: only on the two-sided track, and only beyond the minimum loss rate (the same rate as the MSR).
  const losses = -gross;
  if (t.track === 'one-sided') {
    w.push({ step: 'minimum loss rate', amountCents: 0, note: 'one-sided track: losses are not shared' });
    return done(0, 'no payment');
  }
  if (!atLeastRate(losses, i.benchmarkCents, msr)) {
    w.push({ step: 'minimum loss rate', amountCents: 0, note: `loss rate below the minimum loss rate ${pct(msr)}: nothing owed` });
    return done(0, 'no shared losses');
  }
  w.push({ step: 'minimum loss rate', amountCents: -losses, note: `loss rate meets the minimum loss rate ${pct(msr)}: shared from the first dollar` });
  const rate = t.lossSharingRateBps ?? 10000 - t.sharingRateBps;
  const owed = applyBasisPoints(losses, rate);
  w.push({ step: 'sharing rate', amountCents: -owed, note: `losses × ${pct(rate)}` });
  const cap = applyBasisPoints(i.benchmarkCents, t.lossCapBps ?? 10000);
  const capped = Math.min(owed, cap);
  w.push({ step: 'cap', amountCents: -capped, note: owed > cap ? `capped at ${pct(t.lossCapBps ?? 10000)} of the benchmark` : 'below the loss cap' });
  return done(-capped, 'shared losses owed by the provider organization');
}

/**
 * Per-member expenditure truncated at a percentile of the members' expenditures
 * (nearest rank), as MSSP truncates catastrophic costs. Returns the truncated total and the cap.
 */
export function truncateExpenditures(perMember: readonly Cents[], percentileBps: BasisPoints): { totalCents: Cents; capCents: Cents; truncated: number } {
  if (perMember.length === 0) return { totalCents: 0, capCents: 0, truncated: 0 };
  const sorted = [...perMember].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((percentileBps * sorted.length) / 10000));
  const cap = sorted[rank - 1]!;
  let total = 0;
  let truncated = 0;
  for (const v of perMember) {
    if (v > cap) truncated++;
    total += Math.min(v, cap);
  }
  return { totalCents: total, capCents: cap, truncated };
}
