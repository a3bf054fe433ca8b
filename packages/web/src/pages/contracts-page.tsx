/**
 * Value-based contracts: the same page for the payer and the provider organization — roster
 * with changes, risk distribution and recapture list, PMPM by month against the benchmark,
 * and the settlement runs. Every figure comes from /api/contracts/{id}/overview. The payer's
 * staff also run attribution, risk and settlement here (contract-run-panel.tsx); both parties
 * read the contract's terms versions (contract-terms-section.tsx).
 */
import { useEffect, useState } from 'react';
import { api, type ContractItem, type ContractOverview } from '../api-client.ts';
import { BarChart } from '../components/bar-chart.tsx';
import { usd, usdShort } from '../money.ts';
import { ContractRunPanel } from './contract-run-panel.tsx';
import { ContractTermsSection } from './contract-terms-section.tsx';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function contractHref(id: string, year: number): string {
  return `#/contracts/${encodeURIComponent(id)}/${year}`;
}

/**
 * `canRun`: payer administrators and analysts (attribution, risk, settlement);
 * `canEditTerms`: payer administrators (the server enforces both).
 */
export function ContractsPage({ contractId, year, canRun, canEditTerms, onError }: { contractId: string | null; year: number | null; canRun: boolean; canEditTerms: boolean; onError: (e: unknown) => void }) {
  const [contracts, setContracts] = useState<ContractItem[] | null>(null);
  // Bumped after a run: the contract list (its years) and the overview's figures reload.
  const [reload, setReload] = useState(0);
  useEffect(() => {
    api.contracts().then((r) => setContracts(r.items), onError);
  }, [reload, onError]);
  if (!contracts) return <section className="card"><p className="muted">Loading…</p></section>;
  if (contracts.length === 0) return <section className="card"><h2>Contracts</h2><p className="muted">No value-based contracts.</p></section>;
  const current = contracts.find((c) => c.id === contractId) ?? contracts[0]!;
  const y = year ?? current.years[0] ?? new Date().getUTCFullYear() - 1;
  return (
    <>
      <section className="card toolbar">
        <h2>Value-based contracts</h2>
        <label>Contract{' '}
          <select data-testid="contract-select" value={current.id} onChange={(e) => (window.location.hash = contractHref(e.target.value, y))}>
            {contracts.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>
        <label>Performance year{' '}
          <select data-testid="year-select" value={y} onChange={(e) => (window.location.hash = contractHref(current.id, Number(e.target.value)))}>
            {[...new Set([y, ...current.years])].sort().reverse().map((v) => <option key={v} value={v}>{v}</option>)}
          </select>
        </label>
      </section>
      {canRun && <ContractRunPanel contractId={current.id} year={y} onRan={(action, ranYear) => {
        // A retrospective attribution or a settlement of another year: show that year.
        if (action !== 'risk' && ranYear !== y) window.location.hash = contractHref(current.id, ranYear);
        setReload((n) => n + 1);
      }} />}
      <ContractOverviewView id={current.id} year={y} reload={reload} canEditTerms={canEditTerms} onTermsChanged={() => setReload((n) => n + 1)} onError={onError} />
    </>
  );
}

function ContractOverviewView({ id, year, reload, canEditTerms, onTermsChanged, onError }: { id: string; year: number; reload: number; canEditTerms: boolean; onTermsChanged: () => void; onError: (e: unknown) => void }) {
  const [o, setO] = useState<ContractOverview | null>(null);
  const [filter, setFilter] = useState<'all' | 'new' | 'changed'>('all');
  useEffect(() => {
    // Keep the figures on screen while a reload after a run is under way (no flash of "Loading…").
    api.contractOverview(id, year).then(setO, onError);
  }, [id, year, reload, onError]);
  if (!o || o.contract.id !== id || o.year !== year) return <section className="card"><p className="muted">Loading…</p></section>;
  const r = o.roster;
  const members = r?.members.filter((m) => filter === 'all' || m.change === filter) ?? [];
  const memberHref = (key: string) => `#/contracts/${encodeURIComponent(o.contract.id)}/${o.year}/members/${encodeURIComponent(key)}`;
  return (
    <div data-testid="contract-overview">
      <section className="totals">
        <div className="card stat"><span>Attributed members</span><strong data-testid="stat-members">{r ? r.counts.members.toLocaleString('en-US') : '—'}</strong><small>{r ? `${r.counts.new} new · ${r.counts.changed} changed · ${r.counts.dropped} dropped` : 'no attribution run for this year'}</small></div>
        <div className="card stat"><span>Member months</span><strong data-testid="stat-member-months">{o.pmpm.memberMonths.toLocaleString('en-US')}</strong><small>{o.contract.providerName}</small></div>
        <div className="card stat"><span>PMPM paid</span><strong data-testid="stat-pmpm">{usd(o.pmpm.pmpmCents)}</strong><small>{o.pmpm.benchmarkPmpmCents == null ? 'no benchmark in the terms' : <>benchmark <b data-testid="stat-benchmark-pmpm">{usd(o.pmpm.benchmarkPmpmCents)}</b>{o.terms?.riskAdjust ? ' (risk-adjusted)' : ''}</>}</small></div>
        <div className="card stat"><span>Mean risk score</span><strong data-testid="stat-risk">{o.risk?.meanPaymentScore ?? '—'}</strong><small>{o.risk ? `CMS-HCC V28, payment year ${o.risk.paymentYear}; ${o.risk.scored} scored, others count 1.0000` : 'no risk run'}</small></div>
        <div className="card stat"><span>Recapture</span><strong data-testid="stat-recapture">{o.recapture.available ? `${o.recapture.gaps.length} HCCs` : '—'}</strong><small>{o.recapture.available ? `${o.recapture.members} members · raw score ${o.recapture.rawAtStake} at stake` : o.recapture.note}</small></div>
      </section>
      <section className="grid">
        <div className="card">
          <h2>PMPM by month of service, {o.year}</h2>
          <BarChart testId="pmpm-chart" bars={o.pmpm.months.map((m) => ({ label: MONTHS[Number(m.month.slice(5)) - 1]!, value: m.pmpmCents, title: `${m.month}: ${usd(m.paidCents)} paid over ${m.memberMonths} member months = ${usd(m.pmpmCents)} PMPM` }))}
            reference={o.pmpm.benchmarkPmpmCents == null ? null : { value: o.pmpm.benchmarkPmpmCents, label: `benchmark ${usd(o.pmpm.benchmarkPmpmCents)}` }} format={usdShort} />
        </div>
        <div className="card">
          <h2>Risk distribution</h2>
          {o.risk ? <BarChart testId="risk-chart" width={420} color="#8b5cf6" bars={o.risk.distribution.map((d) => ({ label: d.bucket, value: d.members, title: `${d.bucket}: ${d.members} members` }))} format={(v) => String(v)} /> : <p className="muted">No risk run for payment year {o.year + 1}: <code>tandem risk run --year {o.year + 1}</code></p>}
        </div>
      </section>
      <section className="card">
        <h2>Settlements</h2>
        {o.terms ? <p className="muted small">Terms version {o.terms.version} ({o.terms.type}) effective {o.terms.effectiveFrom}.</p> : <p className="muted">No value-based terms in effect for {o.year}.</p>}
        <table className="compact" data-testid="settlements">
          <thead><tr><th>Run</th><th>Year</th><th>Terms</th><th>Created</th><th className="num">Payment</th></tr></thead>
          <tbody>
            {o.settlements.map((s) => (
              <tr key={s.id} className="clickable" data-testid="settlement-row" onClick={() => (window.location.hash = `#/settlements/${s.id}`)}>
                <td><a href={`#/settlements/${s.id}`}>{s.id}</a></td><td>{s.period}</td><td>v{s.termsVersion}</td><td>{s.createdAt.replace('T', ' ').slice(0, 16)}</td><td className="num">{usd(s.paymentCents)}</td>
              </tr>
            ))}
            {o.settlements.length === 0 && <tr><td colSpan={5} className="muted">Not settled yet.</td></tr>}
          </tbody>
        </table>
      </section>
      <ContractTermsSection contractId={o.contract.id} year={o.year} inEffect={o.terms?.version ?? null} canEdit={canEditTerms} onChanged={onTermsChanged} onError={onError} />
      <section className="grid">
        <div className="card">
          <div className="toolbar">
            <h2>Roster {r ? <span className="muted small">attribution run {r.runId}{r.firstRun ? ' (first run)' : ''}</span> : null}</h2>
            <label>Show{' '}
              <select value={filter} onChange={(e) => setFilter(e.target.value as typeof filter)}>
                <option value="all">all</option><option value="new">new</option><option value="changed">changed</option>
              </select>
            </label>
          </div>
          <table data-testid="roster" className="compact">
            <thead><tr><th>Member</th><th>Step</th><th>Change</th><th className="num">Months</th><th className="num">Risk</th><th className="num">Paid {o.year}</th></tr></thead>
            <tbody>
              {members.slice(0, 200).map((m) => (
                <tr key={m.key} data-testid="roster-row" className="clickable" onClick={() => (window.location.hash = memberHref(m.key))}>
                  <td><a href={memberHref(m.key)}>{m.name || m.memberId}</a><div className="muted small">{m.memberId}</div></td>
                  <td title={m.reason}>{m.step}</td>
                  <td>{m.change === 'unchanged' ? <span className="muted">—</span> : <span className={`badge badge-${m.change === 'new' ? 'paid' : 'partial'}`}>{m.change}</span>}</td>
                  <td className="num">{m.memberMonths}</td>
                  <td className="num">{m.paymentScore ?? '—'}</td>
                  <td className="num">{usd(m.paidCents)}</td>
                </tr>
              ))}
              {r && r.dropped.map((m) => (
                <tr key={m.key} data-testid="roster-dropped" className="muted">
                  <td>{m.name || m.memberId}<div className="small">{m.memberId}</div></td><td>—</td><td><span className="badge badge-denied">dropped</span></td><td /><td /><td />
                </tr>
              ))}
            </tbody>
          </table>
          {members.length > 200 && <p className="muted small">First 200 of {members.length} members.</p>}
        </div>
        <div className="card">
          <h2>Recapture list</h2>
          <p className="muted small">{o.recapture.note}</p>
          <table data-testid="recapture" className="compact">
            <thead><tr><th>Member</th><th>HCC</th><th>Last year</th><th className="num">Coefficient</th></tr></thead>
            <tbody>
              {o.recapture.gaps.map((g) => (
                <tr key={`${g.memberKey}-${g.hcc}`} data-testid="recapture-row">
                  <td><a href={memberHref(g.memberKey)}>{g.name || g.memberId}</a></td>
                  <td>HCC {g.hcc} <span className="muted small">{g.label}</span>{g.codedThisYearAs && <div className="small">coded this year as HCC {g.codedThisYearAs}</div>}</td>
                  <td><code className="tiny">{g.priorDiagnoses.join(', ')}</code></td>
                  <td className="num">{g.coefficient}</td>
                </tr>
              ))}
              {o.recapture.available && o.recapture.gaps.length === 0 && <tr><td colSpan={4} className="muted">Every chronic condition of last year is supported this year.</td></tr>}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
