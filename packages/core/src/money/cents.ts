/**
 * Money in Tandem is integer cents, never a binary float.
 * Rounding rule (written down once): any fraction of a cent is rounded half-up
 * (away from zero for positives) at the point a percentage is applied; sums of
 * cents are exact.
 */
export type Cents = number & { readonly __brand?: 'Cents' };

/** Integer basis points: 10000 bp = 100 %. Coinsurance 20 % = 2000 bp. */
export type BasisPoints = number & { readonly __brand?: 'BasisPoints' };

export function cents(n: number): Cents {
  if (!Number.isSafeInteger(n)) throw new RangeError(`cents must be a safe integer, got ${n}`);
  return n;
}

/** `amount × bp / 10000`, rounded half-up, in integer arithmetic (BigInt when large). */
export function applyBasisPoints(amount: Cents, bp: BasisPoints): Cents {
  const product = amount * bp;
  if (Number.isSafeInteger(product)) {
    const q = Math.floor(product / 10000);
    const r = product - q * 10000;
    return r * 2 >= 10000 ? q + 1 : q;
  }
  const p = BigInt(amount) * BigInt(bp);
  const q = p / 10000n;
  const r = p - q * 10000n;
  return Number(r * 2n >= 10000n ? q + 1n : q);
}

export function sumCents(values: Iterable<Cents>): Cents {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

export function minCents(a: Cents, b: Cents): Cents {
  return a < b ? a : b;
}

/** "$1,234.56" — for CLI and logs; integer arithmetic only. */
export function formatCents(c: Cents): string {
  const abs = Math.abs(c);
  const dollars = Math.floor(abs / 100).toLocaleString('en-US');
  return `${c < 0 ? '-' : ''}$${dollars}.${String(abs % 100).padStart(2, '0')}`;
}
