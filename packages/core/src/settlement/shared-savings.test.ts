import { describe, expect, it } from 'vitest';
import { settleSharedSavings, truncateExpenditures, variableMinimumSavingsRate, type SharedSavingsTerms } from './shared-savings.ts';

const ONE_SIDED: SharedSavingsTerms = { track: 'one-sided', sharingRateBps: 5000, minimumSavingsRate: 'variable', savingsCapBps: 1000, qualityGateBps: 4000, sequestrationBps: 200 };
const TWO_SIDED: SharedSavingsTerms = { track: 'two-sided', sharingRateBps: 7500, lossSharingRateBps: 4000, minimumSavingsRate: 200, savingsCapBps: 1000, lossCapBps: 500, qualityGateBps: 4000, sequestrationBps: 200 };
const BENCHMARK = 1_000_000_000; // $10,000,000.00

describe('shared savings and losses', () => {
  it('shares savings above the variable minimum savings rate, quality-adjusted and sequestered, with a waterfall that adds up', () => {
    const r = settleSharedSavings(ONE_SIDED, { benchmarkCents: BENCHMARK, expenditureCents: 950_000_000, assigned: 10_000, qualityBps: 9000 });
    // 5 % savings ≥ 3.0 % MSR (10,000 assigned); 50 % sharing; 90 % quality; 2 % sequestration.
    expect(r.waterfall.map((s) => [s.step, s.amountCents])).toEqual([
      ['benchmark', BENCHMARK], ['expenditure', 950_000_000], ['gross savings', 50_000_000], ['minimum savings rate', 50_000_000],
      ['sharing rate', 25_000_000], ['quality adjustment', 22_500_000], ['cap', 22_500_000], ['sequestration', 22_050_000], ['payment', 22_050_000],
    ]);
  });

  it('shares nothing below the minimum savings rate or below the quality gate', () => {
    expect(settleSharedSavings(ONE_SIDED, { benchmarkCents: BENCHMARK, expenditureCents: 980_000_000, assigned: 10_000, qualityBps: 9000 }).paymentCents).toBe(0);
    const gate = settleSharedSavings(ONE_SIDED, { benchmarkCents: BENCHMARK, expenditureCents: 900_000_000, assigned: 10_000, qualityBps: 3999 });
    expect(gate.paymentCents).toBe(0);
    expect(gate.waterfall.find((s) => s.step === 'quality gate')?.note).toContain('below the gate');
  });

  it('caps savings at a share of the benchmark', () => {
    const r = settleSharedSavings(TWO_SIDED, { benchmarkCents: BENCHMARK, expenditureCents: 800_000_000, assigned: 30_000, qualityBps: 10000 });
    // 20 % savings × 75 % = $1,500,000 > cap 10 % of benchmark = $1,000,000; less 2 %.
    expect(r.paymentCents).toBe(98_000_000);
  });

  it('charges shared losses on the two-sided track only, beyond the minimum loss rate, capped', () => {
    expect(settleSharedSavings(TWO_SIDED, { benchmarkCents: BENCHMARK, expenditureCents: 1_050_000_000, assigned: 30_000, qualityBps: 9000 }).paymentCents).toBe(-20_000_000);
    expect(settleSharedSavings(TWO_SIDED, { benchmarkCents: BENCHMARK, expenditureCents: 1_150_000_000, assigned: 30_000, qualityBps: 9000 }).paymentCents).toBe(-50_000_000);
    expect(settleSharedSavings(TWO_SIDED, { benchmarkCents: BENCHMARK, expenditureCents: 1_010_000_000, assigned: 30_000, qualityBps: 9000 }).paymentCents).toBe(0);
    expect(settleSharedSavings(ONE_SIDED, { benchmarkCents: BENCHMARK, expenditureCents: 1_200_000_000, assigned: 30_000, qualityBps: 9000 }).paymentCents).toBe(0);
  });

  it('reads the minimum savings rate from the MSSP table and truncates expenditures at a percentile', () => {
    expect([5_999, 6_000, 9_999, 10_000, 59_999, 60_000].map(variableMinimumSavingsRate)).toEqual([390, 360, 310, 300, 220, 200]);
    const members = Array.from({ length: 100 }, (_, i) => (i + 1) * 100);
    expect(truncateExpenditures(members, 9900)).toEqual({ totalCents: 504_900, capCents: 9_900, truncated: 1 });
  });
});
