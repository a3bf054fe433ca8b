import { describe, expect, it } from 'vitest';
import { applyBasisPoints, formatCents, sumCents } from './index.ts';

describe('money', () => {
  it('applies basis points with half-up rounding', () => {
    expect(applyBasisPoints(1001, 2000)).toBe(200); // 200.2 -> 200
    expect(applyBasisPoints(1003, 5000)).toBe(502); // 501.5 -> 502
    expect(applyBasisPoints(999, 10000)).toBe(999);
    expect(applyBasisPoints(Number.MAX_SAFE_INTEGER, 10000)).toBe(Number.MAX_SAFE_INTEGER);
  });
  it('sums and formats exactly', () => {
    expect(sumCents([10, 20, 70])).toBe(100);
    expect(formatCents(123456)).toBe('$1,234.56');
    expect(formatCents(-5)).toBe('-$0.05');
  });
});
