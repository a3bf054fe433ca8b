import { useEffect, useState } from 'react';
import { api, type ClaimSummary, type Summary } from '../api-client.ts';
import { ClaimsChart } from '../components/claims-chart.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { usd } from '../money.ts';

const PAGE = 50;

export function ClaimsPage({ onError }: { onError: (e: unknown) => void }) {
  const [summary, setSummary] = useState<Summary | null>(null);
  const [claims, setClaims] = useState<{ total: number; items: ClaimSummary[] } | null>(null);
  const [status, setStatus] = useState('');
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);

  useEffect(() => {
    api.summary().then(setSummary, onError);
  }, [onError]);
  useEffect(() => {
    api.claims({ limit: PAGE, offset, status, q: search }).then(setClaims, onError);
  }, [offset, status, search, onError]);

  const t = summary?.totals;
  return (
    <>
      <section className="totals">
        <div className="card stat"><span>Billed</span><strong data-testid="totals-billed">{t ? usd(t.billedCents) : '…'}</strong><small>{t ? `${t.count.toLocaleString('en-US')} claims` : ''}</small></div>
        <div className="card stat"><span>Allowed</span><strong data-testid="totals-allowed">{t ? usd(t.allowedCents) : '…'}</strong><small>contracted amounts</small></div>
        <div className="card stat"><span>Paid</span><strong data-testid="totals-paid">{t ? usd(t.paidCents) : '…'}</strong><small>by the plan</small></div>
        <div className="card stat"><span>Member responsibility</span><strong data-testid="totals-patient-resp">{t ? usd(t.patientRespCents) : '…'}</strong><small>deductible, copay, coinsurance</small></div>
        <div className="card stat"><span>Denied</span><strong>{t ? t.deniedCount.toLocaleString('en-US') : '…'}</strong><small>{t && t.count ? `${((t.deniedCount * 100) / t.count).toFixed(1)} % of claims` : ''}</small></div>
      </section>
      <section className="grid">
        <div className="card">
          <h2>Money by month</h2>
          {summary ? <ClaimsChart data={summary.byMonth} /> : <p className="muted">Loading…</p>}
        </div>
        <div className="card">
          <h2>Top denial reasons</h2>
          <table className="compact">
            <thead><tr><th>Code</th><th>Reason</th><th className="num">Lines</th><th className="num">Amount</th></tr></thead>
            <tbody>
              {summary?.denialReasons.map((d) => (
                <tr key={`${d.group}-${d.carc}`}><td><code>{d.group}-{d.carc}</code></td><td>{d.description}</td><td className="num">{d.count}</td><td className="num">{usd(d.amountCents)}</td></tr>
              ))}
              {summary && summary.denialReasons.length === 0 && <tr><td colSpan={4} className="muted">No denials</td></tr>}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card">
        <div className="toolbar">
          <h2>Claims</h2>
          <label>Status{' '}
            <select value={status} onChange={(e) => { setOffset(0); setStatus(e.target.value); }}>
              <option value="">all</option><option value="paid">paid</option><option value="partial">partial</option><option value="denied">denied</option><option value="duplicate">duplicate</option>
            </select>
          </label>
          <form onSubmit={(e) => { e.preventDefault(); setOffset(0); setSearch(query.trim()); }}>
            <label>Search <input value={query} onChange={(e) => setQuery(e.target.value)} placeholder="claim #, member id or name" /></label>
            <button type="submit">Search</button>
          </form>
        </div>
        <table data-testid="claims-table" className="claims">
          <thead>
            <tr><th>Claim</th><th>Received</th><th>Service</th><th>Member</th><th>Provider</th><th>Status</th><th className="num">Billed</th><th className="num">Allowed</th><th className="num">Paid</th><th className="num">Member</th><th>Codes</th></tr>
          </thead>
          <tbody>
            {claims?.items.map((c) => (
              <tr key={c.id} data-testid="claim-row" className="clickable" onClick={() => (window.location.hash = `#/claims/${c.id}`)}>
                <td><a href={`#/claims/${c.id}`}>{c.patientControlNumber}</a><div className="muted small">{c.id}</div></td>
                <td>{c.receivedAt.slice(0, 10)}</td>
                <td>{c.serviceDateFrom}</td>
                <td>{c.memberName ?? '—'}<div className="muted small">{c.memberId ?? 'not our member'}</div></td>
                <td>{c.providerName}</td>
                <td><StatusBadge status={c.status} />{c.remitted && <span className="muted small"> · remitted</span>}</td>
                <td className="num">{usd(c.billedCents)}</td>
                <td className="num">{usd(c.allowedCents)}</td>
                <td className="num">{usd(c.paidCents)}</td>
                <td className="num">{usd(c.patientRespCents)}</td>
                <td>{c.denialCodes.filter((d) => d !== 'CO-45').map((d) => <code key={d} className="tiny">{d} </code>)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="pager">
          <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous</button>
          <span>{claims ? `${claims.total === 0 ? 0 : offset + 1}–${Math.min(offset + PAGE, claims.total)} of ${claims.total.toLocaleString('en-US')}` : '…'}</span>
          <button disabled={!claims || offset + PAGE >= claims.total} onClick={() => setOffset(offset + PAGE)}>Next</button>
        </div>
      </section>
    </>
  );
}
