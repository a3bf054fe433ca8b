/**
 * The payer's Run panel on the Contracts page: attribution for a year and window, risk
 * adjustment for a payment year, and settlement of the contract for a period — the same use
 * cases as `tandem attribute`, `tandem risk run` and `tandem settle`, over the HTTP API. Each
 * shows its result and asks the page to reload its figures. Not shown to providers.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../api-client.ts';
import { usd } from '../money.ts';

type Action = 'attribution' | 'risk' | 'settle';

/** `onRan(action, year)`: the year whose figures the run changed (the page shows it). */
export function ContractRunPanel({ contractId, year, onRan }: { contractId: string; year: number; onRan: (action: Action, year: number) => void }) {
  const [attributionYear, setAttributionYear] = useState(year);
  const [windowKind, setWindowKind] = useState<'retrospective' | 'prospective'>('retrospective');
  // Concurrent scores for the performance year come from the payment year after it (diagnoses of the year).
  const [paymentYear, setPaymentYear] = useState(year + 1);
  const [period, setPeriod] = useState(year);
  const [busy, setBusy] = useState<Action | null>(null);
  const [result, setResult] = useState<ReactNode>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setAttributionYear(year);
    setPaymentYear(year + 1);
    setPeriod(year);
  }, [year]);

  const run = (action: Action, work: () => Promise<{ text: ReactNode; year: number }>) => (e: FormEvent) => {
    e.preventDefault();
    setBusy(action);
    setError(null);
    setResult(null);
    work().then(
      (r) => { setResult(r.text); onRan(action, r.year); },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    ).finally(() => setBusy(null));
  };

  const attribute = run('attribution', async () => {
    const s = await api.runAttribution(attributionYear, windowKind);
    const c = s.contracts.find((x) => x.contractId === contractId);
    return {
      // The page's figures read retrospective rosters: a prospective run leaves the year shown as it is.
      year: windowKind === 'retrospective' ? attributionYear : year,
      text: <>Attribution run <b>{s.id}</b> ({s.windowKind}, {s.windowFrom} … {s.windowTo}): {s.members.toLocaleString('en-US')} eligible members.
        {c && <> This contract: <b data-testid="run-result-members">{c.members.toLocaleString('en-US')}</b> members, +{c.new} new, ~{c.changed} changed, −{c.dropped} dropped.</>}</>,
    };
  });
  const scoreRisk = run('risk', async () => {
    const s = await api.runRisk(paymentYear);
    return { year: paymentYear, text: <>Risk run <b>{s.id}</b>: payment year {s.paymentYear} (diagnoses of {s.diagnosisYear}), {s.members.toLocaleString('en-US')} members scored, {s.membersWithHccs.toLocaleString('en-US')} with payment HCCs, mean payment score {s.meanPayment}.</> };
  });
  const settle = run('settle', async () => {
    const s = await api.settle(contractId, period);
    return { year: period, text: <>Settlement <b>{s.id}</b> for {s.period} (terms v{s.termsVersion}): payment <b data-testid="run-result-payment">{usd(s.outputs.paymentCents)}</b>. <a data-testid="run-result-statement" href={`#/settlements/${encodeURIComponent(s.id)}`}>Open the statement</a></> };
  });

  const yearInput = (testId: string, value: number, set: (v: number) => void) => (
    <input data-testid={testId} type="number" min={2000} max={2100} value={value} onChange={(e) => set(Number(e.target.value))} style={{ width: '6em' }} />
  );
  return (
    <section className="card" data-testid="run-panel">
      <h2>Run</h2>
      <div className="run-panel">
        <form onSubmit={attribute}>
          <label>Attribution, year {yearInput('run-attribution-year', attributionYear, setAttributionYear)}</label>
          <select data-testid="run-attribution-window" value={windowKind} onChange={(e) => setWindowKind(e.target.value as typeof windowKind)}>
            <option value="retrospective">retrospective</option><option value="prospective">prospective</option>
          </select>
          <button data-testid="run-attribution" type="submit" disabled={busy !== null}>{busy === 'attribution' ? 'Attributing…' : 'Run attribution'}</button>
        </form>
        <form onSubmit={scoreRisk}>
          <label>Risk, payment year {yearInput('run-risk-year', paymentYear, setPaymentYear)}</label>
          <button data-testid="run-risk" type="submit" disabled={busy !== null}>{busy === 'risk' ? 'Scoring…' : 'Run risk'}</button>
        </form>
        <form onSubmit={settle}>
          <label>Settle, period {yearInput('settle-period', period, setPeriod)}</label>
          <button data-testid="settle" type="submit" disabled={busy !== null}>{busy === 'settle' ? 'Settling…' : 'Settle'}</button>
        </form>
      </div>
      {result && <p data-testid="run-result" className="small">{result}</p>}
      {error && <p data-testid="run-error" className="error small" role="alert">{error}</p>}
    </section>
  );
}
