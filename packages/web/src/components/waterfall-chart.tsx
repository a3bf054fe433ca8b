/**
 * The settlement waterfall: benchmark → expenditure → gross savings → minimum savings rate →
 * sharing → quality → cap → sequestration → payment. Each bar is a button that drills down.
 */
import type { WaterfallStep } from '../api-client.ts';
import { usd, usdShort } from '../money.ts';

export function WaterfallChart({ steps, selected, onSelect }: { steps: readonly WaterfallStep[]; selected: string | null; onSelect: (step: string) => void }) {
  const width = 900;
  const height = 300;
  const pad = { left: 72, right: 12, top: 20, bottom: 56 };
  const values = steps.map((s) => s.amountCents);
  const max = Math.max(1, ...values.map(Math.abs));
  const min = Math.min(0, ...values);
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const y = (v: number) => pad.top + ((max - v) / (max - min)) * plotH;
  const w = plotW / Math.max(1, steps.length);
  return (
    <svg data-testid="waterfall" viewBox={`0 0 ${width} ${height}`} className="chart" role="img" aria-label="Settlement waterfall">
      <line x1={pad.left} x2={width - pad.right} y1={y(0)} y2={y(0)} stroke="#94a3b8" />
      <text x={pad.left - 6} y={y(max) + 4} textAnchor="end" className="axis">{usdShort(max)}</text>
      <text x={pad.left - 6} y={y(0) + 4} textAnchor="end" className="axis">$0</text>
      {steps.map((s, i) => {
        const top = y(Math.max(0, s.amountCents));
        const h = Math.max(1, Math.abs(y(s.amountCents) - y(0)));
        const fill = s.step === 'payment' ? (s.amountCents >= 0 ? '#16a34a' : '#dc2626') : s.step === 'expenditure' ? '#f59e0b' : s.step === 'benchmark' ? '#64748b' : '#3b82f6';
        return (
          <g key={s.step} data-testid="waterfall-bar" data-step={s.step} className="clickable" onClick={() => onSelect(s.step)} role="button" aria-label={`${s.step}: ${usd(s.amountCents)}`}>
            <rect x={pad.left + i * w + w * 0.12} y={top} width={w * 0.76} height={h} fill={fill} opacity={selected && selected !== s.step ? 0.45 : 1} stroke={selected === s.step ? '#0f172a' : 'none'} strokeWidth={2}>
              <title>{`${s.step}: ${usd(s.amountCents)} — ${s.note}`}</title>
            </rect>
            <text x={pad.left + i * w + w / 2} y={Math.min(top, y(0)) - 4} textAnchor="middle" className="axis">{usdShort(s.amountCents)}</text>
            <text x={pad.left + i * w + w / 2} y={height - pad.bottom + 16} textAnchor="middle" className="axis">
              {/* Two lines for long step names so neighbours do not overlap. */}
              {(s.step.length > 12 ? [s.step.slice(0, s.step.lastIndexOf(' ', 12) > 0 ? s.step.lastIndexOf(' ', 12) : s.step.indexOf(' ')), s.step.slice((s.step.lastIndexOf(' ', 12) > 0 ? s.step.lastIndexOf(' ', 12) : s.step.indexOf(' ')) + 1)] : [s.step]).map((part, k) => (
                <tspan key={k} x={pad.left + i * w + w / 2} dy={k === 0 ? 0 : 14}>{part}</tspan>
              ))}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
