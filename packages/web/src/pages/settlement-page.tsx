/**
 * One settlement statement, identical for both parties: the waterfall, the inputs it was
 * computed from (the snapshot), and for each bar a drill-down to the members — and from a
 * member to the claims the run counted (its frozen claim set) — behind it. Either party can
 * replay the run from its snapshot and see whether it is byte-identical.
 */
import { Fragment, useEffect, useState } from 'react';
import { api, type Settlement, type SettlementMember, type SettlementVerification } from '../api-client.ts';
import { WaterfallChart } from '../components/waterfall-chart.tsx';
import { usd } from '../money.ts';

export function SettlementPage({ id, onError }: { id: string; onError: (e: unknown) => void }) {
  const [s, setS] = useState<Settlement | null>(null);
  const [step, setStep] = useState<string | null>('expenditure');
  const [open, setOpen] = useState<Record<string, SettlementMember | 'loading'>>({});
  const [verified, setVerified] = useState<SettlementVerification | 'loading' | null>(null);
  useEffect(() => {
    api.settlement(id).then(setS, onError);
  }, [id, onError]);
  if (!s) return <section className="card"><p className="muted">Loading…</p></section>;
  const i = s.inputs;
  const selected = s.outputs.waterfall.find((w) => w.step === step) ?? s.outputs.waterfall.at(-1) ?? null;
  const cap = i.truncationCapCents ?? Number.MAX_SAFE_INTEGER;
  // Each arrangement drills down to its own per-member figure: spend (shared savings, bundles) or member months (capitation).
  const perMember = Object.entries(i.expenditureByMember ?? i.memberMonthsByMember ?? {}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const isMonths = s.type === 'capitation';
  const memberHref = (key: string) => `#/contracts/${encodeURIComponent(s.contractId)}/${s.period}/members/${encodeURIComponent(key)}`;
  const toggle = (key: string) => {
    if (open[key]) {
      setOpen((o) => {
        const next = { ...o };
        delete next[key];
        return next;
      });
      return;
    }
    setOpen((o) => ({ ...o, [key]: 'loading' }));
    api.settlementMember(s.id, key).then((m) => setOpen((o) => ({ ...o, [key]: m })), onError);
  };
  const verify = () => {
    setVerified('loading');
    api.verifySettlement(s.id).then(setVerified, (e) => { setVerified(null); onError(e); });
  };
  const who = (key: string) => <><a href={memberHref(key)}>{s.members[key]?.name || s.members[key]?.memberId || key}</a> <span className="muted small">{s.members[key]?.memberId}</span></>;
  return (
    <section className="card" data-testid="settlement">
      <a href={`#/contracts/${encodeURIComponent(s.contractId)}/${s.period}`}>← Contract</a>
      <header className="detail-head">
        <h2>Settlement {s.id} · {s.period} · payment <span data-testid="settlement-payment">{usd(s.outputs.paymentCents)}</span></h2>
        <div className="muted">{s.type} · {s.outputs.paymentCents >= 0 ? 'paid by the payer to the provider organization' : 'owed by the provider organization to the payer'} · terms v{s.termsVersion}{i.attributionRunId ? ` · attribution run ${i.attributionRunId}` : ''}{i.riskRunId ? ` · risk run ${i.riskRunId}` : ''}{i.runOutCutoff ? ` · claims received by ${i.runOutCutoff}` : ''}{i.quality ? ` · quality from ${i.quality.source === 'measures' ? 'measure results' : 'the terms'}` : ''}</div>
        <div>
          <button type="button" onClick={verify} disabled={verified === 'loading'} data-testid="verify">Replay from snapshot</button>{' '}
          {verified && verified !== 'loading' && (
            <span data-testid="verify-result" className={verified.identical ? 'ok' : 'error'}>
              {verified.identical ? `identical (sha256 ${verified.storedSha256.slice(0, 12)}…)` : `differs at ${verified.difference?.path}: stored ${verified.difference?.stored}, replayed ${verified.difference?.replayed}`}
            </span>
          )}
        </div>
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
          {s.type === 'bundles' ? (
            <table className="compact" data-testid="drill-episodes">
              <thead><tr><th>Member</th><th>Trigger</th><th>Episode</th><th>Claims</th><th className="num">Target</th><th className="num">Actual</th><th className="num">Variance</th></tr></thead>
              <tbody>
                {(s.outputs.episodes ?? []).map((e) => (
                  <tr key={`${e.memberKey}-${e.anchorClaimId}`} data-testid="drill-member">
                    <td>{who(e.memberKey)}</td><td>{e.trigger.kind} {e.trigger.code} <span className="muted small">{e.trigger.label ?? ''}</span></td><td>{e.from} – {e.to}</td>
                    <td className="small">{e.claims.map((c) => `${c.claimId} ${usd(c.paidCents)}`).join(', ')}</td>
                    <td className="num">{usd(e.targetCents)}</td><td className="num">{usd(e.actualCents)}</td><td className="num">{usd(e.varianceCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <>
              {selected.step === 'benchmark' ? (
                <p>{i.members?.toLocaleString('en-US')} members · {i.memberMonths?.toLocaleString('en-US')} member months × benchmark PMPM {usd(Number(i.terms['benchmarkPmpmCents'] ?? 0))} × mean risk score {i.meanRiskScore} = {usd(i.benchmarkCents ?? 0)}</p>
              ) : selected.step === 'expenditure' ? (
                <p>Claims with service in {s.period} received by {i.runOutCutoff}; each member's total truncated at {usd(cap)} (the {Number(i.terms['truncationPercentileBps'] ?? 10000) / 100}th percentile; {i.truncatedMembers} members truncated).</p>
              ) : (
                <p className="muted">{selected.note}.{isMonths ? ` ${i.members} members, ${i.memberMonths} member months, mean risk score ${i.meanRiskScore}.` : ` Computed from the benchmark ${usd(i.benchmarkCents ?? 0)} and expenditure ${usd(i.expenditureCents ?? 0)} of the members below.`} Quality score {(i.qualityBps / 100).toFixed(2)} %.</p>
              )}
              <table className="compact" data-testid="drill-members">
                <thead><tr><th>Member</th>{isMonths ? <th className="num">Member months</th> : <><th className="num">Expenditure</th><th className="num">Counted</th><th>Claims</th></>}</tr></thead>
                <tbody>
                  {perMember.slice(0, 100).map(([key, v]) => {
                    const m = open[key];
                    return (
                      <Fragment key={key}>
                        <tr data-testid="drill-member">
                          <td>{who(key)}</td>
                          {isMonths ? <td className="num">{v}</td> : <><td className="num">{usd(v)}</td><td className="num">{usd(Math.min(v, cap))}{v > cap && <span className="muted small"> (truncated)</span>}</td>
                            <td><button type="button" className="link" onClick={() => toggle(key)} data-testid="drill-claims-toggle">{m ? 'hide' : 'claims'}</button></td></>}
                        </tr>
                        {m && (
                          <tr data-testid="drill-claims"><td colSpan={4} className="small">
                            {m === 'loading' ? 'Loading…' : m.claims.map((c) => (
                              <div key={c.id}>{c.id} · {c.serviceDate ?? '—'} · {c.providerName} · counted {usd(c.countedCents)}{c.paidNowCents !== undefined && <span className="muted"> (paid now {c.paidNowCents === null ? '—' : usd(c.paidNowCents)})</span>}</div>
                            ))}
                          </td></tr>
                        )}
                      </Fragment>
                    );
                  })}
                </tbody>
                <tfoot><tr><td>{perMember.length} members{perMember.length > 100 ? ' (top 100 shown)' : ''}</td>
                  {isMonths ? <td className="num">{perMember.reduce((x, [, c]) => x + c, 0)}</td> : <><td className="num">{usd(perMember.reduce((x, [, c]) => x + c, 0))}</td><td className="num" data-testid="drill-total">{usd(i.expenditureCents ?? 0)}</td><td /></>}</tr></tfoot>
              </table>
            </>
          )}
        </div>
      )}
    </section>
  );
}
