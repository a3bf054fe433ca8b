export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}

export function AdjustmentChip({ a }: { a: { group: string; carc: string; description: string; amountCents: number } }) {
  const cents = Math.abs(a.amountCents);
  return (
    <span data-testid="adjustment" className={`chip chip-${a.group}`} title={a.description}>
      {a.group}-{a.carc} ${Math.floor(cents / 100).toLocaleString('en-US')}.{String(cents % 100).padStart(2, '0')}
    </span>
  );
}
