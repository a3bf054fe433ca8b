/**
 * X12 decimal numbers (data element type R, e.g. "12.25", "500", ".5", "-3.1") to and from
 * integer cents by string arithmetic — never through a binary float.
 * https://x12.org (005010 Data Element Dictionary, type R: decimal number)
 */
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Cents for an X12 decimal, or null when it is not a number. More than two decimals round half-up. */
export function centsFromX12(s: string): number | null {
  // Fast path for the common shapes ("125", "12.5", "12.25"): digits only, read by char code.
  let digits = 0;
  let i = 0;
  const n = s.length;
  while (i < n && i < 13) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    digits = digits * 10 + (c - 48);
    i++;
  }
  if (i > 0 && i === n) return digits * 100;
  if (i > 0 && s.charCodeAt(i) === 46 && n - i - 1 >= 1 && n - i - 1 <= 2) {
    const d1 = s.charCodeAt(i + 1) - 48;
    const d2 = n - i - 1 === 2 ? s.charCodeAt(i + 2) - 48 : 0;
    if (d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9) return digits * 100 + d1 * 10 + d2;
  }
  const m = DECIMAL.exec(s.trim());
  if (!m) return null;
  const [, sign, whole = '', frac = ''] = m;
  if (whole === '' && frac === '') return null;
  let cents = Number(whole || '0') * 100 + Number((frac + '00').slice(0, 2));
  if (frac.length > 2 && frac.charCodeAt(2) >= 53) cents += 1; // third decimal ≥ 5
  if (!Number.isSafeInteger(cents)) return null;
  return sign === '-' && cents !== 0 ? -cents : cents;
}

/** X12 decimal for cents: 1225 → "12.25", 50000 → "500", 50 → "0.5". */
export function x12FromCents(c: number): string {
  const neg = c < 0;
  const abs = Math.abs(c);
  const whole = Math.floor(abs / 100);
  const frac = abs % 100;
  const f = frac === 0 ? '' : frac % 10 === 0 ? `.${frac / 10}` : `.${String(frac).padStart(2, '0')}`;
  return `${neg ? '-' : ''}${whole}${f}`;
}

/** True for an X12 decimal number (type R). */
export function isDecimal(s: string): boolean {
  return centsFromX12(s) !== null;
}
