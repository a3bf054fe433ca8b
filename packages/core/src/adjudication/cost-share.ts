import { applyBasisPoints, type Cents } from '../money/index.ts';
import type { CostShareRule, NetworkTier } from '../registry/index.ts';
import { accumulatorKeys, type AccumulatorLedger, type AccumulatorScope } from './accumulators.ts';

export interface CostShare {
  readonly deductibleCents: Cents;
  readonly copayCents: Cents;
  readonly coinsuranceCents: Cents;
}

export type CostShareScope = AccumulatorScope;

/**
 * Member cost share for one allowed amount, in this order: copay, then deductible,
 * then coinsurance on the rest; the total is capped by what is left of the individual
 * and family out-of-pocket maximums (coinsurance is forgiven first, then copay, then
 * deductible). Records the result on the ledger.
 */
export function applyCostShare(
  allowedCents: Cents,
  rule: CostShareRule,
  tier: NetworkTier,
  scope: CostShareScope,
  ledger: AccumulatorLedger,
): CostShare {
  const { member: mKey, family: fKey } = accumulatorKeys(scope);
  const m = ledger.get(mKey);
  const f = ledger.get(fKey);

  let remaining = allowedCents;
  let copay = Math.min(rule.copayCents, remaining);
  remaining -= copay;

  let deductible = 0;
  if (rule.deductibleApplies) {
    const dedLeft = Math.max(
      0,
      Math.min(tier.deductibleIndividualCents - m.deductibleCents, tier.deductibleFamilyCents - f.deductibleCents),
    );
    deductible = Math.min(remaining, dedLeft);
    remaining -= deductible;
  }
  let coinsurance = applyBasisPoints(remaining, rule.coinsuranceBp);

  const oopLeft = Math.max(0, Math.min(tier.oopMaxIndividualCents - m.oopCents, tier.oopMaxFamilyCents - f.oopCents));
  let excess = copay + deductible + coinsurance - oopLeft;
  if (excess > 0) {
    const cutCo = Math.min(coinsurance, excess);
    coinsurance -= cutCo;
    excess -= cutCo;
    const cutCopay = Math.min(copay, excess);
    copay -= cutCopay;
    excess -= cutCopay;
    deductible -= Math.min(deductible, excess);
  }
  const total = copay + deductible + coinsurance;
  ledger.add(mKey, deductible, total);
  ledger.add(fKey, deductible, total);
  return { deductibleCents: deductible, copayCents: copay, coinsuranceCents: coinsurance };
}
