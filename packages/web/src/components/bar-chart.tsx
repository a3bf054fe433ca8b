/** Vertical bars with labels and an optional horizontal reference line (e.g. the benchmark). Plain SVG. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly title: string;
}

export function BarChart({ bars, reference, format, testId, color = '#3b82f6', width = 640 }: { bars: readonly Bar[]; reference?: { value: number; label: string } | null; format: (v: number) => string; testId: string; color?: string; width?: number }) {
  const height = 220;
  const pad = { left: 64, right: 12, top: 16, bottom: 32 };
  const max = Math.max(1, reference?.value ?? 0, ...bars.map((b) => b.value)) * 1.1;
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const w = plotW / Math.max(1, bars.length);
  const y = (v: number) => pad.top + plotH - (Math.max(0, v) / max) * plotH;
  return (
    <svg data-testid={testId} viewBox={`0 0 ${width} ${height}`} className="chart" role="img">
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line x1={pad.left} x2={width - pad.right} y1={y(max * f)} y2={y(max * f)} stroke="#e5e7eb" />
          <text x={pad.left - 6} y={y(max * f) + 4} textAnchor="end" className="axis">{format(Math.round(max * f))}</text>
        </g>
      ))}
      {bars.map((b, i) => (
        <g key={b.label}>
          <rect x={pad.left + i * w + w * 0.15} y={y(b.value)} width={w * 0.7} height={pad.top + plotH - y(b.value)} fill={color}>
            <title>{b.title}</title>
          </rect>
          <text x={pad.left + i * w + w / 2} y={height - pad.bottom + 16} textAnchor="middle" className="axis">{b.label}</text>
        </g>
      ))}
      {reference && (
        <g data-testid={`${testId}-reference`}>
          <line x1={pad.left} x2={width - pad.right} y1={y(reference.value)} y2={y(reference.value)} stroke="#dc2626" strokeDasharray="6 4" strokeWidth={2} />
          <text x={width - pad.right} y={y(reference.value) - 6} textAnchor="end" className="axis" fill="#dc2626">{reference.label}</text>
        </g>
      )}
    </svg>
  );
}
