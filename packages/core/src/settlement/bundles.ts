/**
 * Bundled payment episodes and their retrospective reconciliation, CMS BPCI Advanced /
 * Comprehensive Care for Joint Replacement style
 * (https://www.cms.gov/priorities/innovation/innovation-models/bpci-advanced;
 * CJR, 42 CFR part 510 — https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-510):
 * an anchor claim (an MS-DRG or a HCPCS code on the trigger list) opens an episode of a fixed
 * number of days; the paid amounts of the member's claims in the window are compared with the
 * discounted target price. Integer cents with the rounding rule of money/cents.ts.
 *
 * Waterfall: target price → discount → actual spend → gross reconciliation (subtotal) →
 * quality adjustment (when applied) → stop-gain/stop-loss → payment (subtotal). Every line
 * but the subtotals is a signed amount, and each subtotal equals the previous subtotal (or zero)
 * plus the lines since it, exactly.
 */
import { applyBasisPoints, type BasisPoints, type Cents } from '../money/index.ts';
import type { WaterfallStep } from './shared-savings.ts';

export interface BundleTrigger {
  /** MS-DRG ('470') or HCPCS/CPT ('27447'), compared exactly. */
  readonly code: string;
  readonly kind: 'ms-drg' | 'hcpcs';
  /** Undiscounted target price for one episode. */
  readonly targetPriceCents: Cents;
  readonly label?: string;
}

export interface BundleTerms {
  /** Trigger list; when one anchor claim matches several, the first in this list wins. */
  readonly triggers: readonly BundleTrigger[];
  /** Episode length in days counted from the anchor's service date, the anchor day being day 1. */
  readonly windowDays: number;
  /** CMS discount applied to the target price, e.g. 300 bp = 3 %. */
  readonly discountBps: BasisPoints;
  /** Cap on a positive reconciliation, as a share of the total discounted target. */
  readonly stopGainBps: BasisPoints;
  /** Cap on a negative reconciliation, as a share of the total discounted target. */
  readonly stopLossBps: BasisPoints;
  /** Quality gate: below this score a positive reconciliation is reduced by qualityAdjustmentBps. */
  readonly qualityGateBps?: BasisPoints;
  /** Share of a positive reconciliation forfeited when quality is below the gate. */
  readonly qualityAdjustmentBps?: BasisPoints;
}

export interface EpisodeClaim {
  readonly claimId: string;
  readonly memberKey: string;
  /** 'YYYY-MM-DD'. */
  readonly serviceFrom: string;
  readonly drg: string | null;
  readonly procedureCodes: readonly string[];
  readonly paidCents: Cents;
}

export interface Episode {
  readonly memberKey: string;
  readonly trigger: BundleTrigger;
  readonly anchorClaimId: string;
  /** First day of the episode (the anchor's service date). */
  readonly from: string;
  /** Last day of the episode, inclusive: from + windowDays − 1. */
  readonly to: string;
  readonly claims: ReadonlyArray<{ readonly claimId: string; readonly paidCents: Cents }>;
  readonly actualCents: Cents;
  /** Discounted target price, half-up. */
  readonly targetCents: Cents;
  /** targetCents − actualCents: positive is spending below target. */
  readonly varianceCents: Cents;
}

export interface BundleResult {
  readonly episodes: readonly Episode[];
  /** Sum of the episodes' discounted targets: the base of the stop-gain/stop-loss caps. */
  readonly totalTargetCents: Cents;
  readonly totalActualCents: Cents;
  /** Gross reconciliation, totalTargetCents − totalActualCents, before quality and caps. */
  readonly reconciliationCents: Cents;
  /** Positive: the payer pays the provider; negative: the provider owes the payer. */
  readonly paymentCents: Cents;
  readonly waterfall: readonly WaterfallStep[];
}

const pct = (bp: number) => `${(bp / 100).toFixed(2)} %`;

function requireInteger(name: string, n: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${n}`);
}

/** 'YYYY-MM-DD' → days since 1970-01-01; rejects impossible dates such as 2025-02-30. */
function dayNumber(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== iso) throw new RangeError(`not a YYYY-MM-DD date: ${iso}`);
  return ms / 86_400_000;
}

const isoDay = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** Negation without a -0 (which toBe(0) and Object.is tell apart from 0). */
const neg = (n: number) => 0 - n;

/** Plain code-unit order, not localeCompare: the same on every machine. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Target less the discount, rounded half-up as one product so the discount line absorbs the rounding. */
export function discountedTarget(targetPriceCents: Cents, discountBps: BasisPoints): Cents {
  return applyBasisPoints(targetPriceCents, 10000 - discountBps);
}

function triggerFor(c: EpisodeClaim, triggers: readonly BundleTrigger[]): BundleTrigger | undefined {
  return triggers.find((t) => (t.kind === 'ms-drg' ? c.drg !== null && c.drg === t.code : c.procedureCodes.includes(t.code)));
}

/**
 * Groups claims into episodes. Per member, in (service date, claim id) order, a claim matching a
 * trigger opens an episode unless its date falls in the member's open episode, in which case it
 * belongs to that one (episodes never overlap, so no claim is counted twice). Every claim of the
 * member dated inside an episode's window is its spending, including claims on the anchor day
 * whose id sorts before the anchor's; claims outside every window are not bundle spending.
 * Output is in (member, from) order.
 */
export function findEpisodes(claims: readonly EpisodeClaim[], terms: BundleTerms): Episode[] {
  requireInteger('windowDays', terms.windowDays, 1);
  requireInteger('discountBps', terms.discountBps, 0, 10000);
  const sorted = claims
    .map((c) => {
      requireInteger(`paidCents of claim ${c.claimId}`, c.paidCents, Number.MIN_SAFE_INTEGER);
      return { c, day: dayNumber(c.serviceFrom) };
    })
    .sort((a, b) => cmp(a.c.memberKey, b.c.memberKey) || a.day - b.day || cmp(a.c.claimId, b.c.claimId));

  const episodes: Episode[] = [];
  for (let i = 0; i < sorted.length; ) {
    const memberKey = sorted[i]!.c.memberKey;
    let j = i;
    while (j < sorted.length && sorted[j]!.c.memberKey === memberKey) j++;
    const member = sorted.slice(i, j);
    i = j;

    // Pass 1: anchors. Pass 2: spending, so same-day claims before the anchor are not missed.
    const windows: Array<{ trigger: BundleTrigger; anchorClaimId: string; fromDay: number; toDay: number; claims: Array<{ claimId: string; paidCents: Cents }> }> = [];
    for (const { c, day } of member) {
      const last = windows[windows.length - 1];
      if (last && day <= last.toDay) continue;
      const trigger = triggerFor(c, terms.triggers);
      if (trigger) windows.push({ trigger, anchorClaimId: c.claimId, fromDay: day, toDay: day + terms.windowDays - 1, claims: [] });
    }
    let k = 0;
    for (const { c, day } of member) {
      while (k < windows.length && day > windows[k]!.toDay) k++;
      const win = windows[k];
      if (win && day >= win.fromDay) win.claims.push({ claimId: c.claimId, paidCents: c.paidCents });
    }
    for (const win of windows) {
      const actual = win.claims.reduce((s, c) => s + c.paidCents, 0);
      const target = discountedTarget(win.trigger.targetPriceCents, terms.discountBps);
      episodes.push({
        memberKey, trigger: win.trigger, anchorClaimId: win.anchorClaimId, from: isoDay(win.fromDay), to: isoDay(win.toDay),
        claims: win.claims, actualCents: actual, targetCents: target, varianceCents: target - actual,
      });
    }
  }
  return episodes;
}

/**
 * Reconciles episodes against their discounted targets. Targets are recomputed from each
 * episode's trigger price and these terms' discount, so the result is consistent with the
 * terms passed here even if the episodes were found under others.
 */
export function settleBundles(terms: BundleTerms, episodes: readonly Episode[], qualityBps: BasisPoints): BundleResult {
  requireInteger('discountBps', terms.discountBps, 0, 10000);
  requireInteger('stopGainBps', terms.stopGainBps, 0, 10000);
  requireInteger('stopLossBps', terms.stopLossBps, 0, 10000);
  requireInteger('qualityBps', qualityBps, 0, 10000);

  const priced = episodes.map((e): Episode => {
    const target = discountedTarget(e.trigger.targetPriceCents, terms.discountBps);
    return { ...e, targetCents: target, varianceCents: target - e.actualCents };
  });
  const undiscounted = priced.reduce((s, e) => s + e.trigger.targetPriceCents, 0);
  const target = priced.reduce((s, e) => s + e.targetCents, 0);
  const actual = priced.reduce((s, e) => s + e.actualCents, 0);
  const gross = target - actual;

  const w: WaterfallStep[] = [
    { step: 'target price', amountCents: undiscounted, note: `${priced.length} episodes at their trigger's target price` },
    // The sum of per-episode discounts, each rounded with its episode, so the lines add up exactly.
    { step: 'discount', amountCents: target - undiscounted, note: `${pct(terms.discountBps)} discount on each episode's target` },
    { step: 'actual spend', amountCents: neg(actual), note: 'paid amounts of the claims in the episode windows' },
    { step: 'gross reconciliation', amountCents: gross, note: gross >= 0 ? 'discounted target − actual spend: spending below target' : 'discounted target − actual spend: spending above target' },
  ];

  let amount = gross;
  // Quality reduces only a positive reconciliation: a provider below the gate keeps less of its savings, but owes no more.
  if (terms.qualityGateBps !== undefined && terms.qualityAdjustmentBps !== undefined && qualityBps < terms.qualityGateBps && amount > 0) {
    const reduction = applyBasisPoints(amount, terms.qualityAdjustmentBps);
    amount -= reduction;
    w.push({ step: 'quality adjustment', amountCents: neg(reduction), note: `quality ${pct(qualityBps)} below the gate ${pct(terms.qualityGateBps)}: less ${pct(terms.qualityAdjustmentBps)}` });
  }

  // Caps apply after quality, to what would otherwise change hands.
  const gainCap = applyBasisPoints(target, terms.stopGainBps);
  const lossCap = applyBasisPoints(target, terms.stopLossBps);
  const capped = amount > gainCap ? gainCap : amount < neg(lossCap) ? neg(lossCap) : amount;
  w.push({
    step: 'stop-gain/stop-loss',
    amountCents: capped - amount,
    note: amount > gainCap
      ? `stop-gain: capped at ${pct(terms.stopGainBps)} of the discounted target`
      : amount < neg(lossCap)
        ? `stop-loss: capped at ${pct(terms.stopLossBps)} of the discounted target`
        : `within the stop-gain ${pct(terms.stopGainBps)} and stop-loss ${pct(terms.stopLossBps)} limits`,
  });
  w.push({ step: 'payment', amountCents: capped, note: capped >= 0 ? 'reconciliation payment to the provider' : 'repayment owed by the provider' });
  return { episodes: priced, totalTargetCents: target, totalActualCents: actual, reconciliationCents: gross, paymentCents: capped, waterfall: w };
}
