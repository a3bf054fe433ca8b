/**
 * Deductible and out-of-pocket accumulators, per member and per family (subscriber),
 * per plan and plan year. Plan years are calendar years (the common case for
 * Medicare Advantage, Medicaid and most employer plans; a plan-year start is a later option).
 * The ledger is an in-memory value the caller loads from the store and writes back;
 * adjudication only reads and records changes on it.
 */
import type { Cents } from '../money/index.ts';

export interface AccumulatorTotals {
  deductibleCents: Cents;
  oopCents: Cents;
}

export function accumulatorKey(scope: 'member' | 'family', key: string, planId: string, year: number): string {
  return `${scope}|${key}|${planId}|${year}`;
}

/** Whose accumulators a service counts toward: a member and their family, in one plan, year and network tier. */
export interface AccumulatorScope {
  readonly memberKey: string;
  readonly subscriberKey: string;
  readonly planId: string;
  readonly year: number;
  /** Separate accumulators per network tier: in- and out-of-network deductibles don't cross-apply. */
  readonly tier: 'in' | 'out';
}

/** The individual and family accumulator keys of a scope — the one place their shape is decided. */
export function accumulatorKeys(s: AccumulatorScope): { member: string; family: string } {
  return {
    member: accumulatorKey('member', `${s.memberKey}|${s.tier}`, s.planId, s.year),
    family: accumulatorKey('family', `${s.subscriberKey}|${s.tier}`, s.planId, s.year),
  };
}

export class AccumulatorLedger {
  private readonly totals = new Map<string, AccumulatorTotals>();
  private readonly dirty = new Set<string>();

  constructor(initial: Iterable<[string, AccumulatorTotals]> = []) {
    for (const [k, v] of initial) this.totals.set(k, { ...v });
  }

  get(key: string): AccumulatorTotals {
    return this.totals.get(key) ?? { deductibleCents: 0, oopCents: 0 };
  }

  add(key: string, deductibleCents: Cents, oopCents: Cents): void {
    if (deductibleCents === 0 && oopCents === 0) return;
    const cur = this.get(key);
    this.totals.set(key, { deductibleCents: cur.deductibleCents + deductibleCents, oopCents: cur.oopCents + oopCents });
    this.dirty.add(key);
  }

  /** Entries changed since construction, for the store to persist. */
  changed(): Array<[string, AccumulatorTotals]> {
    return [...this.dirty].map((k) => [k, this.get(k)]);
  }
}
