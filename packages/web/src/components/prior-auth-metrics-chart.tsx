/** The CMS-0057-F yearly figures as bars: approved and denied shares and decision times, standard beside expedited. */
import type { Metrics } from '../prior-auth-api.ts';
import { BarChart } from './bar-chart.tsx';

export function PriorAuthMetricsChart({ m }: { m: Metrics }) {
  const pct = [
    { label: 'Std approved', value: m.standard.approvedPct, title: `${m.standard.approvedPct} % of ${m.standard.requests} standard requests approved` },
    { label: 'Std denied', value: m.standard.deniedPct, title: `${m.standard.deniedPct} % of standard requests denied` },
    { label: 'Exp approved', value: m.expedited.approvedPct, title: `${m.expedited.approvedPct} % of ${m.expedited.requests} expedited requests approved` },
    { label: 'Exp denied', value: m.expedited.deniedPct, title: `${m.expedited.deniedPct} % of expedited requests denied` },
    { label: 'Extended+appr.', value: m.extendedAndApprovedPct, title: `${m.extendedAndApprovedPct} % approved after an extended time frame` },
  ];
  const hours = [
    { label: 'Std average', value: m.standard.averageDecisionHours ?? 0, title: `average ${m.standard.averageDecisionHours ?? '—'} h (standard)` },
    { label: 'Std median', value: m.standard.medianDecisionHours ?? 0, title: `median ${m.standard.medianDecisionHours ?? '—'} h (standard)` },
    { label: 'Exp average', value: m.expedited.averageDecisionHours ?? 0, title: `average ${m.expedited.averageDecisionHours ?? '—'} h (expedited)` },
    { label: 'Exp median', value: m.expedited.medianDecisionHours ?? 0, title: `median ${m.expedited.medianDecisionHours ?? '—'} h (expedited)` },
  ];
  return (
    <div className="grid even">
      <div><h3 className="small muted">Share of requests (%)</h3><BarChart testId="prior-auth-metrics-chart" bars={pct} format={(v) => `${v} %`} width={480} /></div>
      <div><h3 className="small muted">Time to decision (hours; limits 168 h standard, 72 h expedited)</h3><BarChart testId="prior-auth-time-chart" bars={hours} format={(v) => `${v} h`} color="#0f766e" width={480} reference={{ value: 72, label: '72 h' }} /></div>
    </div>
  );
}
