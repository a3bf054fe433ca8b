/**
 * One settlement statement, identical for both parties: the waterfall, the inputs it was
 * computed from (the snapshot), and for each bar a drill-down to the members — and from a
 * member to the claims — behind it.
 */
import { useEffect, useState } from 'react';
import { api, type Settlement } from '../api-client.ts';
import { WaterfallChart } from '../components/waterfall-chart.tsx';
import { usd } from '../money.ts';

export function SettlementPage({ id, onError }: { id: string; onError: (e: unknown) => void }) {
  const [s, setS] = useState<Settlement | null>(null);
  const [step, setStep] = useState<string | null>('expenditure');
  useEffect(() => {
    api.settlement(id).then(setS, onError);
  }, [id, onError]);
  if (!s) return <section className="card"><p className="muted">Loading…</p></section>;
  const i = s.inputs;
  const selected = s.outputs.waterfall.find((w) => w.step === step) ?? null;
  const byMember = Object.entries(i.expenditureByMember).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const memberHref = (key: string) => `#/contracts/${encodeURIComponent(s.contractId)}/${s.period}/members/${encodeURIComponent(key)}`;
  return (
    <section className="card" data-testid="settlement">
      <a href={`#/contracts/${encodeURIComponent(s.contractId)}/${s.period}`}>← Contract</a>
      <header className="detail-head">
        <h2>Settlement {s.id} · {s.period} · payment <span data-testid="settlement-payment">{usd(s.outputs.paymentCents)}</span></h2>
        <div className="muted">{s.outputs.paymentCents >= 0 ? 'paid by the payer to the provider organization' : 'owed by the provider organization to the payer'} · terms v{s.termsVersion} · attribution run {i.attributionRunId}{i.riskRunId ? ` · risk run ${i.riskRunId}` : ''} · claims received by {i.runOutCutoff}</div>
      </header>
      <WaterfallChart steps={s.outputs.waterfall} selected={step} onSelect={setStep} />
      <table className="compact" data-testid="waterfall-table">
        <thead><tr><th>Step</th><th className="num">Amount</th><th>How</th></tr></thead>
        <tbody>
          {s.outputs.waterfall.map((w) => (
            <tr key={w.step} className={`clickable${w.step === step ? ' selected' : ''}`} onClick={() => setStep(w.step)} data-testid="waterfall-row">
              <td>{w.step}</td><td className="num" data-testid={`step-${w.step.replace(/ /g, '-')}`}>{usd(w.amountCents)}</td><td className="muted">{w.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected && (
        <div className="drill" data-testid="drilldown">
          <h2>{selected.step}: {usd(selected.amountCents)}</h2>
          {selected.step === 'benchmark' ? (
            <p>{i.members.toLocaleString('en-US')} members · {i.memberMonths.toLocaleString('en-US')} member months × benchmark PMPM {usd(Number(i.terms['benchmarkPmpmCents'] ?? 0))} × mean risk score {i.meanRiskScore} = {usd(i.benchmarkCents)}</p>
          ) : selected.step === 'expenditure' ? (
            <p>Claims with service in {s.period} received by {i.runOutCutoff}; each member's total truncated at {usd(i.truncationCapCents)} (the {Number(i.terms['truncationPercentileBps'] ?? 10000) / 100}th percentile; {i.truncatedMembers} members truncated).</p>
          ) : (
            <p className="muted">{selected.note}. Computed from the benchmark {usd(i.benchmarkCents)} and expenditure {usd(i.expenditureCents)} of the members below; quality score {(i.qualityBps / 100).toFixed(2)} %.</p>
          )}
          <table className="compact" data-testid="drill-members">
            <thead><tr><th>Member</th><th className="num">Expenditure</th><th className="num">Counted</th></tr></thead>
            <tbody>
              {byMember.slice(0, 100).map(([key, cents]) => (
                <tr key={key} data-testid="drill-member">
                  <td><a href={memberHref(key)}>{s.members[key]?.name || s.members[key]?.memberId || key}</a> <span className="muted small">{s.members[key]?.memberId}</span></td>
                  <td className="num">{usd(cents)}</td>
                  <td className="num">{usd(Math.min(cents, i.truncationCapCents))}{cents > i.truncationCapCents && <span className="muted small"> (truncated)</span>}</td>
                </tr>
              ))}
            </tbody>
            <tfoot><tr><td>{byMember.length} members{byMember.length > 100 ? ' (top 100 shown)' : ''}</td><td className="num">{usd(byMember.reduce((x, [, c]) => x + c, 0))}</td><td className="num" data-testid="drill-total">{usd(i.expenditureCents)}</td></tr></tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
