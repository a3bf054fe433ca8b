import { applyBasisPoints, type BasisPoints, type Cents } from '../money/index.ts';
import { rateKey, type FeeScheduleVersion } from '../registry/index.ts';
import type { FeeScheduleLookup } from './context.ts';
import { extendRate } from './units.ts';

export interface PriceResult {
  readonly allowedCents: Cents;
  readonly feeScheduleVersionIds: readonly string[];
}

function fixedRate(version: FeeScheduleVersion, code: string, modifiers: readonly string[]): Cents | null {
  if (version.method.kind !== 'fixed') return null;
  const rates = version.method.rates;
  // A modifier-specific rate wins over the plain code (e.g. 26 professional component).
  for (const m of modifiers) {
    const r = rates.get(rateKey(code, m));
    if (r !== undefined) return r;
  }
  return rates.get(code) ?? null;
}

/** Unit rate from a version, following percent-of-base to its base schedule. */
function unitRate(
  version: FeeScheduleVersion,
  lookup: FeeScheduleLookup,
  code: string,
  modifiers: readonly string[],
  date: string,
  used: string[],
): Cents | null {
  used.push(version.id);
  if (version.method.kind === 'fixed') return fixedRate(version, code, modifiers);
  const base = lookup(version.method.baseScheduleId, date);
  if (!base) return null;
  const baseRate = unitRate(base, lookup, code, modifiers, date, used);
  return baseRate === null ? null : applyBasisPoints(baseRate, version.method.percentBp);
}

/**
 * Allowed amount for a line: the schedule's rate × units, never more than billed.
 * Codes the schedule does not list (or lines with only a revenue code) are allowed
 * at the version's percent-of-charges.
 */
export function priceLine(args: {
  readonly version: FeeScheduleVersion;
  readonly lookup: FeeScheduleLookup;
  readonly procedureCode: string | null;
  readonly modifiers: readonly string[];
  readonly milliUnits: number;
  readonly chargeCents: Cents;
  readonly date: string;
  /** Applied to the computed rate (out-of-network pricing off the base schedule). */
  readonly scaleBp?: BasisPoints;
}): PriceResult {
  const used: string[] = [];
  const rate = args.procedureCode
    ? unitRate(args.version, args.lookup, args.procedureCode, args.modifiers, args.date, used)
    : (used.push(args.version.id), null);
  let allowed =
    rate === null
      ? applyBasisPoints(args.chargeCents, args.version.unlistedPercentOfChargesBp)
      : extendRate(rate, args.milliUnits);
  if (args.scaleBp !== undefined) allowed = applyBasisPoints(allowed, args.scaleBp);
  return { allowedCents: Math.min(allowed, args.chargeCents), feeScheduleVersionIds: used };
}
