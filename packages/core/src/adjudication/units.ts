import { applyBasisPoints, type Cents } from '../money/index.ts';

/** Parses an X12 quantity ("1", "2.5", ".75") to thousandths; null if not a non-negative decimal. */
export function parseMilliUnits(units: string): number | null {
  const m = /^(\d*)(?:\.(\d{0,3})\d*)?$/.exec(units.trim());
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return null;
  return Number(m[1] || '0') * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
}

/** rate × units, rounded half-up to the cent; units in thousandths (1000 = 1 unit). */
export function extendRate(rateCents: Cents, milliUnits: number): Cents {
  // Reuse the basis-point rounding: rate × milli / 1000 = rate × (milli × 10) / 10000.
  return applyBasisPoints(rateCents, milliUnits * 10);
}
