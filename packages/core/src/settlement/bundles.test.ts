import { describe, expect, it } from 'vitest';
import { discountedTarget, findEpisodes, settleBundles, type BundleResult, type BundleTerms, type EpisodeClaim } from './bundles.ts';

// CJR-like: 90-day episodes, 3 % discount, 20 % stop-gain/stop-loss, 10 % forfeited below a 50 % quality gate.
const TERMS: BundleTerms = {
  triggers: [
    { code: '470', kind: 'ms-drg', targetPriceCents: 2_500_000, label: 'Major joint replacement of the lower extremity' },
    { code: '27447', kind: 'hcpcs', targetPriceCents: 1_800_000, label: 'Total knee arthroplasty (outpatient)' },
  ],
  windowDays: 90,
  discountBps: 300,
  stopGainBps: 2000,
  stopLossBps: 2000,
  qualityGateBps: 5000,
  qualityAdjustmentBps: 1000,
};

const claim = (claimId: string, memberKey: string, serviceFrom: string, paidCents: number, drg: string | null = null, procedureCodes: string[] = []): EpisodeClaim =>
  ({ claimId, memberKey, serviceFrom, drg, procedureCodes, paidCents });

// Given out of order on purpose: the result must not depend on it.
const CLAIMS: EpisodeClaim[] = [
  claim('B-02', 'B', '2025-03-01', 50_000, null, ['27447']), // a trigger inside B's open episode: part of it
  claim('A-06', 'A', '2025-04-10', 30_000, null, ['97110']), // day 91: outside
  claim('A-03', 'A', '2025-01-10', 1_500_000, '470'), // anchor of A's first episode
  claim('A-08', 'A', '2025-06-20', 100_000, null, ['97110']),
  claim('A-01', 'A', '2025-01-05', 10_000, null, ['99213']), // before the anchor: outside
  claim('A-04', 'A', '2025-02-01', 400_000, '470'), // readmission with a trigger DRG: part of the open episode
  claim('B-01', 'B', '2025-02-15', 2_600_000, '470'),
  claim('A-05', 'A', '2025-04-09', 20_000, null, ['97110']), // day 90: inside
  claim('A-07', 'A', '2025-06-01', 900_000, null, ['G0283', '27447']), // HCPCS anchor of A's second episode
  claim('A-02', 'A', '2025-01-10', 5_000, null, ['99223']), // anchor day, id sorts before the anchor: inside
];

/** Each subtotal ('gross reconciliation', 'payment') equals the previous subtotal plus the lines since. */
function expectBalanced(r: BundleResult): void {
  let running = 0;
  let subtotal = 0;
  for (const s of r.waterfall) {
    if (s.step === 'gross reconciliation' || s.step === 'payment') {
      expect(s.amountCents, s.step).toBe(subtotal + running);
      subtotal = s.amountCents;
      running = 0;
    } else running += s.amountCents;
  }
  expect(r.waterfall.at(-1)).toMatchObject({ step: 'payment', amountCents: r.paymentCents });
  expect(r.reconciliationCents).toBe(r.totalTargetCents - r.totalActualCents);
  expect(r.totalTargetCents).toBe(r.episodes.reduce((s, e) => s + e.targetCents, 0));
  expect(r.totalActualCents).toBe(r.episodes.reduce((s, e) => s + e.actualCents, 0));
}

describe('bundled payment episodes', () => {
  it('groups claims into episodes: anchor day is day 1, later anchors join the open episode, other members and out-of-window claims stay out', () => {
    const episodes = findEpisodes(CLAIMS, TERMS);
    expect(episodes).toEqual([
      {
        memberKey: 'A', trigger: TERMS.triggers[0], anchorClaimId: 'A-03', from: '2025-01-10', to: '2025-04-09',
        claims: [{ claimId: 'A-02', paidCents: 5_000 }, { claimId: 'A-03', paidCents: 1_500_000 }, { claimId: 'A-04', paidCents: 400_000 }, { claimId: 'A-05', paidCents: 20_000 }],
        actualCents: 1_925_000, targetCents: 2_425_000, varianceCents: 500_000,
      },
      {
        memberKey: 'A', trigger: TERMS.triggers[1], anchorClaimId: 'A-07', from: '2025-06-01', to: '2025-08-29',
        claims: [{ claimId: 'A-07', paidCents: 900_000 }, { claimId: 'A-08', paidCents: 100_000 }],
        actualCents: 1_000_000, targetCents: 1_746_000, varianceCents: 746_000,
      },
      {
        memberKey: 'B', trigger: TERMS.triggers[0], anchorClaimId: 'B-01', from: '2025-02-15', to: '2025-05-15',
        claims: [{ claimId: 'B-01', paidCents: 2_600_000 }, { claimId: 'B-02', paidCents: 50_000 }],
        actualCents: 2_650_000, targetCents: 2_425_000, varianceCents: -225_000,
      },
    ]);
    expect(findEpisodes([...CLAIMS].reverse(), TERMS)).toEqual(episodes);
  });

  it('matches MS-DRG triggers on the DRG only and HCPCS triggers on any line code; the first trigger listed wins', () => {
    const drgAsLineCode = findEpisodes([claim('X-1', 'X', '2025-03-01', 100, null, ['470'])], TERMS);
    expect(drgAsLineCode).toEqual([]);
    const hcpcsAsDrg = findEpisodes([claim('X-1', 'X', '2025-03-01', 100, '27447')], TERMS);
    expect(hcpcsAsDrg).toEqual([]);
    const both = findEpisodes([claim('X-1', 'X', '2025-03-01', 100, '470', ['27447'])], TERMS);
    expect(both.map((e) => e.trigger.code)).toEqual(['470']);
    const reversed = findEpisodes([claim('X-1', 'X', '2025-03-01', 100, '470', ['27447'])], { ...TERMS, triggers: [...TERMS.triggers].reverse() });
    expect(reversed.map((e) => e.trigger.code)).toEqual(['27447']);
  });

  it('counts windows in calendar days across month ends and leap days; a 1-day window is the anchor day, a same-day trigger joins it', () => {
    const leap = findEpisodes([claim('L-1', 'L', '2024-02-01', 100, '470'), claim('L-2', 'L', '2024-03-01', 7, null, ['99213'])], { ...TERMS, windowDays: 30 });
    // 2024-02-01 + 29 days = 2024-03-01 (29 February 2024 exists).
    expect(leap.map((e) => [e.from, e.to, e.actualCents])).toEqual([['2024-02-01', '2024-03-01', 107]]);
    const oneDay = findEpisodes(
      [claim('D-1', 'D', '2025-03-01', 100, '470'), claim('D-2', 'D', '2025-03-01', 5, '470'), claim('D-3', 'D', '2025-03-02', 9), claim('D-4', 'D', '2025-03-02', 50, '470')],
      { ...TERMS, windowDays: 1 },
    );
    expect(oneDay.map((e) => [e.anchorClaimId, e.from, e.to, e.actualCents])).toEqual([['D-1', '2025-03-01', '2025-03-01', 105], ['D-4', '2025-03-02', '2025-03-02', 59]]);
    expect(() => findEpisodes([claim('E-1', 'E', '2025-02-30', 1, '470')], TERMS)).toThrow(/YYYY-MM-DD/);
  });

  it('discounts each target half-up as one product', () => {
    // 12,345 × 97 % = 11,974.65 → 11,975; 50 × 99 % = 49.5 → 50 (subtracting a rounded 1-cent discount would give 49).
    expect(discountedTarget(12_345, 300)).toBe(11_975);
    expect(discountedTarget(50, 100)).toBe(50);
    const r = settleBundles({ ...TERMS, discountBps: 100 }, findEpisodes([claim('R-1', 'R', '2025-01-01', 0, '470')], { ...TERMS, discountBps: 100 }).map((e) => ({ ...e, trigger: { ...e.trigger, targetPriceCents: 50 } })), 10000);
    expect(r.waterfall.slice(0, 2).map((s) => s.amountCents)).toEqual([50, 0]);
    expect(r.totalTargetCents).toBe(50);
  });

  it('reconciles discounted target against actual spend, within the caps, at a quality above the gate', () => {
    const r = settleBundles(TERMS, findEpisodes(CLAIMS, TERMS), 8000);
    // Targets $68,000 less 3 % ($2,040) = $65,960; actual $55,750; gain cap 20 % = $13,192.
    expect(r.waterfall.map((s) => [s.step, s.amountCents])).toEqual([
      ['target price', 6_800_000], ['discount', -204_000], ['actual spend', -5_575_000], ['gross reconciliation', 1_021_000], ['stop-gain/stop-loss', 0], ['payment', 1_021_000],
    ]);
    expect(r).toMatchObject({ totalTargetCents: 6_596_000, totalActualCents: 5_575_000, reconciliationCents: 1_021_000, paymentCents: 1_021_000 });
    expectBalanced(r);
  });

  it('reduces a positive reconciliation below the quality gate', () => {
    const r = settleBundles(TERMS, findEpisodes(CLAIMS, TERMS), 4999);
    expect(r.waterfall.map((s) => [s.step, s.amountCents])).toEqual([
      ['target price', 6_800_000], ['discount', -204_000], ['actual spend', -5_575_000], ['gross reconciliation', 1_021_000],
      ['quality adjustment', -102_100], ['stop-gain/stop-loss', 0], ['payment', 918_900],
    ]);
    expectBalanced(r);
    expect(settleBundles(TERMS, findEpisodes(CLAIMS, TERMS), 5000).paymentCents).toBe(1_021_000);
    // Without a gate in the terms, quality changes nothing.
    const { qualityGateBps: _g, ...ungated } = TERMS;
    expect(settleBundles(ungated, findEpisodes(CLAIMS, TERMS), 0).paymentCents).toBe(1_021_000);
  });

  it('caps a positive reconciliation at the stop-gain, after the quality adjustment', () => {
    const terms = { ...TERMS, stopGainBps: 1000 }; // 10 % of $65,960 = $6,596
    const met = settleBundles(terms, findEpisodes(CLAIMS, terms), 9000);
    expect(met.waterfall.slice(-2).map((s) => [s.step, s.amountCents])).toEqual([['stop-gain/stop-loss', -361_400], ['payment', 659_600]]);
    expect(met.waterfall.at(-2)?.note).toContain('stop-gain');
    const low = settleBundles(terms, findEpisodes(CLAIMS, terms), 1000);
    expect(low.waterfall.slice(-3).map((s) => [s.step, s.amountCents])).toEqual([['quality adjustment', -102_100], ['stop-gain/stop-loss', -259_300], ['payment', 659_600]]);
    expectBalanced(met);
    expectBalanced(low);
  });

  it('charges a negative reconciliation to the provider, capped at the stop-loss, with no quality adjustment', () => {
    const overSpent = findEpisodes(CLAIMS, TERMS).filter((e) => e.memberKey === 'B'); // target $24,250, actual $26,500
    const capped = settleBundles({ ...TERMS, stopLossBps: 500 }, overSpent, 0); // 5 % of $24,250 = $1,212.50
    expect(capped.waterfall.map((s) => [s.step, s.amountCents])).toEqual([
      ['target price', 2_500_000], ['discount', -75_000], ['actual spend', -2_650_000], ['gross reconciliation', -225_000], ['stop-gain/stop-loss', 103_750], ['payment', -121_250],
    ]);
    expect(capped.waterfall.at(-2)?.note).toContain('stop-loss');
    expectBalanced(capped);
    const within = settleBundles(TERMS, overSpent, 0);
    expect(within.paymentCents).toBe(-225_000);
    expect(within.waterfall.some((s) => s.step === 'quality adjustment')).toBe(false);
    expectBalanced(within);
  });

  it('prices episodes with the terms it is given, and settles nothing to zero', () => {
    const found = findEpisodes(CLAIMS, TERMS);
    const r = settleBundles({ ...TERMS, discountBps: 0 }, found, 9000);
    expect(r.episodes.map((e) => [e.targetCents, e.varianceCents])).toEqual([[2_500_000, 575_000], [1_800_000, 800_000], [2_500_000, -150_000]]);
    expect(r.paymentCents).toBe(1_225_000);
    const empty = settleBundles(TERMS, [], 9000);
    expect(empty.waterfall.map((s) => s.amountCents)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(empty.waterfall.every((s) => Object.is(s.amountCents, 0))).toBe(true);
    expectBalanced(empty);
  });
});
