/** The payment score's fast integer path agrees with exact BigInt arithmetic (half up, four places). */
import { describe, expect, it } from 'vitest';
import { paymentScore } from './score-hcc.ts';

describe('payment score arithmetic', () => {
  it('gives the same result on the fast path as exact BigInt arithmetic, across raw scores', () => {
    for (const params of [{ normalization: '1.015', codingIntensity: '0.059' }, { normalization: '1.045', codingIntensity: '0.0591' }, { normalization: '0.9999999', codingIntensity: '0.05912345' }]) {
      const one = 10n ** BigInt(params.codingIntensity.split('.')[1]!.length);
      const ci = BigInt(params.codingIntensity.replace('0.', ''));
      const ns = params.normalization.split('.')[1]!.length;
      const norm = BigInt(params.normalization.replace('.', ''));
      for (let raw = 0; raw <= 30_000; raw += 7) {
        const num = BigInt(raw) * (one - ci) * 10n ** BigInt(ns) * 10n;
        const den = one * norm;
        const q = (2n * num + den) / (2n * den);
        const want = `${q / 10000n}.${(q % 10000n).toString().padStart(4, '0')}`;
        expect(paymentScore(raw, params)).toBe(want);
      }
    }
  });
});
