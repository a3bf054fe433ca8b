/** Integer cents to "$1,234.56" with integer arithmetic only. */
export function usd(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}$${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}

/** Compact axis label: $12.3k, -$1.2M (display only). */
export function usdShort(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const d = Math.abs(cents) / 100;
  if (d >= 1_000_000) return `${sign}$${(d / 1_000_000).toFixed(1)}M`;
  if (d >= 1_000) return `${sign}$${(d / 1_000).toFixed(d >= 10_000 ? 0 : 1)}k`;
  return `${sign}$${Math.round(d)}`;
}
