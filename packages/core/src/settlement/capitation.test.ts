import { describe, expect, it } from 'vitest';
import { settleCapitation, withholdReturnBps, type CapitationResult, type CapitationTerms } from './capitation.ts';

// $500.00 PMPM, risk-adjusted, 2 % withhold returned in full at a quality score of 80 %.
const TERMS: CapitationTerms = { pmpmCents: 50_000, riskAdjust: true, withholdBps: 200, withholdReturnQualityBps: 8000 };
// Unsorted on purpose: the highest threshold met wins, whatever the order.
const SCHEDULED: CapitationTerms = {
  ...TERMS,
  withholdReturnQualityBps: 0, // would return everything; the schedule must be used instead
  withholdReturnSchedule: [{ minQualityBps: 9000, returnBps: 10000 }, { minQualityBps: 7000, returnBps: 5000 }, { minQualityBps: 8000, returnBps: 7500 }],
};

/** The lines before 'payment' add up to it, and the result's totals are the lines'. */
function expectBalanced(r: CapitationResult, paidToDate = 0): void {
  const lines = r.waterfall.slice(0, -1).reduce((s, l) => s + l.amountCents, 0);
  expect(r.waterfall.at(-1)).toMatchObject({ step: 'payment', amountCents: r.paymentCents });
  expect(lines).toBe(r.paymentCents);
  expect(r.paymentCents).toBe(r.grossCents - r.withheldCents + r.returnedCents - paidToDate);
}

describe('capitation', () => {
  it('risk-adjusts the base, withholds 2 % and returns it in full when quality meets the threshold', () => {
    const r = settleCapitation(TERMS, { memberMonths: 1200, riskScoreE4: 10342, qualityBps: 8500 });
    // 1,200 × $500 = $600,000; × 1.0342 = $620,520; withhold 2 % = $12,410.40, returned.
    expect(r.waterfall.map((s) => [s.step, s.amountCents])).toEqual([
      ['base capitation', 60_000_000], ['risk adjustment', 2_052_000], ['withhold', -1_241_040], ['withhold return', 1_241_040], ['payment', 62_052_000],
    ]);
    expect(r).toMatchObject({ grossCents: 62_052_000, withheldCents: 1_241_040, returnedCents: 1_241_040, paymentCents: 62_052_000 });
    expectBalanced(r);
  });

  it('returns nothing of the withhold just below the threshold', () => {
    const r = settleCapitation(TERMS, { memberMonths: 1200, riskScoreE4: 10342, qualityBps: 7999 });
    expect(r).toMatchObject({ withheldCents: 1_241_040, returnedCents: 0, paymentCents: 60_810_960 });
    expect(r.waterfall.find((s) => s.step === 'withhold return')?.note).toContain('not returned');
    expect(settleCapitation(TERMS, { memberMonths: 1200, riskScoreE4: 10342, qualityBps: 8000 }).returnedCents).toBe(1_241_040);
    expectBalanced(r);
  });

  it('rounds the risk adjustment half-up to the cent', () => {
    const t: CapitationTerms = { ...TERMS, pmpmCents: 5, withholdBps: 0 };
    // 5 × 0.5000 = 2.5 → 3 (half-up, not to even); 5 × 0.4999 = 2.4995 → 2; 25 × 1.0002 = 25.005 → 25; 12,345 × 7 × 1.0001 = 86,423.6415 → 86,424.
    expect(settleCapitation(t, { memberMonths: 1, riskScoreE4: 5000, qualityBps: 0 }).grossCents).toBe(3);
    expect(settleCapitation(t, { memberMonths: 1, riskScoreE4: 4999, qualityBps: 0 }).grossCents).toBe(2);
    expect(settleCapitation(t, { memberMonths: 5, riskScoreE4: 10002, qualityBps: 0 }).grossCents).toBe(25);
    const r = settleCapitation({ ...t, pmpmCents: 12_345 }, { memberMonths: 7, riskScoreE4: 10001, qualityBps: 0 });
    expect(r.waterfall.slice(0, 2).map((s) => s.amountCents)).toEqual([86_415, 9]);
    expect(r.grossCents).toBe(86_424);
  });

  it('multiplies in BigInt where a float would lose cents', () => {
    // 7,000,000,000,000,001 × 1.2345 = 8,641,500,000,000,001.2345: the product passes 2^53.
    const r = settleCapitation({ ...TERMS, pmpmCents: 7_000_000_000_000_001, withholdBps: 0 }, { memberMonths: 1, riskScoreE4: 12345, qualityBps: 10000 });
    expect(r.grossCents).toBe(8_641_500_000_000_001);
    expect(Math.round((7_000_000_000_000_001 * 12345) / 10000)).not.toBe(8_641_500_000_000_001);
  });

  it('ignores the risk score when the terms do not risk-adjust, and rounds the withhold half-up', () => {
    const t: CapitationTerms = { ...TERMS, pmpmCents: 4_325, riskAdjust: false };
    // 4,325 × 2 % = 86.5 → 87.
    const met = settleCapitation(t, { memberMonths: 1, riskScoreE4: 20000, qualityBps: 9000 });
    expect(met.waterfall.map((s) => [s.step, s.amountCents])).toEqual([
      ['base capitation', 4_325], ['risk adjustment', 0], ['withhold', -87], ['withhold return', 87], ['payment', 4_325],
    ]);
    const missed = settleCapitation(t, { memberMonths: 1, qualityBps: 0 });
    expect(missed).toMatchObject({ grossCents: 4_325, withheldCents: 87, returnedCents: 0, paymentCents: 4_238 });
    expectBalanced(met);
    expectBalanced(missed);
  });

  it('returns the withhold on a step schedule, highest threshold met wins, instead of the all-or-nothing threshold', () => {
    const at = (qualityBps: number) => settleCapitation(SCHEDULED, { memberMonths: 1200, riskScoreE4: 10342, qualityBps });
    // Withheld $12,410.40: 75 % = $9,307.80; 50 % = $6,205.20.
    expect([9500, 9000, 8999, 8500, 8000, 7000, 6999].map((q) => at(q).returnedCents)).toEqual([1_241_040, 1_241_040, 930_780, 930_780, 930_780, 620_520, 0]);
    expect(at(8500).paymentCents).toBe(62_052_000 - 1_241_040 + 930_780);
    expect(withholdReturnBps(SCHEDULED, 8999)).toBe(7500);
    expect(withholdReturnBps(TERMS, 8000)).toBe(10000);
    expectBalanced(at(8500));
  });

  it('settles the reconciliation difference against capitation paid during the year', () => {
    const paid = 12 * 5_065_000; // $50,650.00 a month
    const r = settleCapitation(TERMS, { memberMonths: 1200, riskScoreE4: 10342, qualityBps: 8500, paidToDateCents: paid });
    expect(r.waterfall.map((s) => [s.step, s.amountCents])).toEqual([
      ['base capitation', 60_000_000], ['risk adjustment', 2_052_000], ['withhold', -1_241_040], ['withhold return', 1_241_040], ['paid to date', -60_780_000], ['payment', 1_272_000],
    ]);
    expectBalanced(r, paid);
    // Withhold kept and overpaid during the year: the provider owes the difference.
    const owed = settleCapitation(TERMS, { memberMonths: 1200, riskScoreE4: 10342, qualityBps: 7999, paidToDateCents: 61_000_000 });
    expect(owed.paymentCents).toBe(-189_040);
    expect(owed.waterfall.at(-1)?.note).toContain('owed back');
    expectBalanced(owed, 61_000_000);
    // A risk score below 1.0 lowers the gross: the adjustment line is negative.
    const low = settleCapitation(TERMS, { memberMonths: 1200, riskScoreE4: 9500, qualityBps: 9000, paidToDateCents: 0 });
    expect(low.waterfall.map((s) => s.amountCents)).toEqual([60_000_000, -3_000_000, -1_140_000, 1_140_000, 0, 57_000_000]);
    expect(Object.is(low.waterfall[4]!.amountCents, 0)).toBe(true);
  });

  it('rejects a missing risk score, fractional member months and an ambiguous schedule', () => {
    expect(() => settleCapitation(TERMS, { memberMonths: 12, qualityBps: 9000 })).toThrow(/riskScoreE4 is required/);
    expect(() => settleCapitation(TERMS, { memberMonths: 12.5, riskScoreE4: 10000, qualityBps: 9000 })).toThrow(RangeError);
    expect(() => settleCapitation(TERMS, { memberMonths: 12, riskScoreE4: 1.0342, qualityBps: 9000 })).toThrow(RangeError);
    const twice: CapitationTerms = { ...TERMS, withholdReturnSchedule: [{ minQualityBps: 8000, returnBps: 5000 }, { minQualityBps: 8000, returnBps: 10000 }] };
    expect(() => settleCapitation(twice, { memberMonths: 12, riskScoreE4: 10000, qualityBps: 9000 })).toThrow(/two steps/);
  });
});
