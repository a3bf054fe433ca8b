import type { Summary } from '../api-client.ts';
import { usd, usdShort } from '../money.ts';

const SERIES = [
  { key: 'billedCents', label: 'Billed', color: '#94a3b8' },
  { key: 'allowedCents', label: 'Allowed', color: '#3b82f6' },
  { key: 'paidCents', label: 'Paid', color: '#16a34a' },
  { key: 'patientRespCents', label: 'Member responsibility', color: '#f59e0b' },
] as const;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Grouped bars per service month: billed, allowed, paid and member responsibility. Plain SVG. */
export function ClaimsChart({ data }: { data: Summary['byMonth'] }) {
  const width = 900;
  const height = 280;
  const pad = { left: 64, right: 12, top: 16, bottom: 40 };
  const max = Math.max(1, ...data.map((d) => d.billedCents));
  // A round axis maximum: 1, 2 or 5 × 10^n dollars.
  const step = (() => {
    const raw = max / 4;
    const p = 10 ** Math.floor(Math.log10(raw));
    return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
  })();
  const top = step * 4;
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const groupW = plotW / Math.max(1, data.length);
  const barW = Math.max(2, Math.min(18, (groupW - 8) / SERIES.length));
  const y = (v: number) => pad.top + plotH - (v / top) * plotH;
  return (
    <figure className="chart">
      <svg data-testid="claims-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Billed, allowed, paid and member responsibility by month of service">
        {[0, 1, 2, 3, 4].map((i) => (
          <g key={i}>
            <line x1={pad.left} x2={width - pad.right} y1={y(step * i)} y2={y(step * i)} stroke="#e5e7eb" />
            <text x={pad.left - 8} y={y(step * i) + 4} textAnchor="end" className="axis">{usdShort(step * i)}</text>
          </g>
        ))}
        {data.map((d, i) => {
          const x0 = pad.left + i * groupW + (groupW - barW * SERIES.length) / 2;
          const [yy, mm] = d.month.split('-');
          return (
            <g key={d.month}>
              {SERIES.map((s, k) => (
                <rect key={s.key} x={x0 + k * barW} y={y(d[s.key])} width={barW - 1} height={Math.max(0, pad.top + plotH - y(d[s.key]))} fill={s.color}>
                  <title>{`${d.month} ${s.label}: ${usd(d[s.key])} (${d.count} claims)`}</title>
                </rect>
              ))}
              <text x={pad.left + i * groupW + groupW / 2} y={height - pad.bottom + 16} textAnchor="middle" className="axis">
                {MONTHS[Number(mm) - 1] ?? mm}
              </text>
              {(i === 0 || mm === '01') && (
                <text x={pad.left + i * groupW + groupW / 2} y={height - pad.bottom + 30} textAnchor="middle" className="axis muted">{yy}</text>
              )}
            </g>
          );
        })}
        {data.length === 0 && <text x={width / 2} y={height / 2} textAnchor="middle" className="axis">No claims yet</text>}
      </svg>
      <figcaption className="legend">
        {SERIES.map((s) => (
          <span key={s.key}><i style={{ background: s.color }} />{s.label}</span>
        ))}
        <span className="muted">by month of service</span>
      </figcaption>
    </figure>
  );
}
