/**
 * One member of a contract's roster: why the member is attributed (the services and amounts
 * that decided it), the risk score's explanation for this year and last, and the year's claims
 * that make up the member's expenditure.
 */
import { useEffect, useState } from 'react';
import { api, type ContractMember, type MemberRisk } from '../api-client.ts';
import { usd } from '../money.ts';
import { contractHref } from './contracts-page.tsx';

function RiskCard({ title, r }: { title: string; r: MemberRisk | null }) {
  return (
    <div className="card">
      <h2>{title}</h2>
      {!r ? <p className="muted">Not scored.</p> : (
        <>
          <p>Payment score <b>{r.payment}</b> (raw {r.raw}, segment {r.segment}) · HCCs {r.hccs.length ? r.hccs.join(', ') : 'none'}</p>
          <table className="compact">
            <thead><tr><th>Diagnosis</th><th>CCs</th><th>Note</th></tr></thead>
            <tbody>{r.diagnoses.map((d) => <tr key={d.code}><td><code>{d.code}</code></td><td>{d.ccs.join(', ') || '—'}</td><td className="muted small">{d.note ?? ''}</td></tr>)}</tbody>
          </table>
        </>
      )}
    </div>
  );
}

export function ContractMemberPage({ contractId, year, memberKey, onError }: { contractId: string; year: number; memberKey: string; onError: (e: unknown) => void }) {
  const [m, setM] = useState<ContractMember | null>(null);
  useEffect(() => {
    api.contractMember(contractId, memberKey, year).then(setM, onError);
  }, [contractId, year, memberKey, onError]);
  if (!m) return <section className="card"><p className="muted">Loading…</p></section>;
  const e = m.attribution?.explanation;
  return (
    <div data-testid="contract-member">
      <section className="card">
        <a href={contractHref(contractId, year)}>← Contract</a>
        <header className="detail-head">
          <h2>{m.member.name || m.member.memberId} <span className="muted">{m.member.memberId}</span></h2>
          <div className="muted">{m.member.onRoster ? `attributed for ${year}` : `dropped from the roster in ${year}`} · {m.claims.length} claims · paid <b data-testid="member-paid">{usd(m.paidCents)}</b></div>
        </header>
        <h2>Why attributed</h2>
        <p data-testid="attribution-reason">{m.attribution?.step}: {e?.reason ?? '—'}</p>
        {e?.services && e.services.length > 0 && (
          <table className="compact">
            <thead><tr><th>Claim</th><th>Line</th><th>Code</th><th>Date</th><th>NPI</th><th className="num">Allowed</th></tr></thead>
            <tbody>{e.services.map((s) => <tr key={`${s.claimId}-${s.line}`}><td>{s.claimId}</td><td>{s.line}</td><td><code>{s.code}</code></td><td>{s.date}</td><td>{s.npi}</td><td className="num">{usd(s.allowedCents)}</td></tr>)}</tbody>
          </table>
        )}
      </section>
      <section className="grid even">
        <RiskCard title={`Risk ${year + 1} (diagnoses of ${year})`} r={m.risk.current as MemberRisk | null} />
        <RiskCard title={`Risk ${year} (diagnoses of ${year - 1})`} r={m.risk.prior as MemberRisk | null} />
      </section>
      <section className="card">
        <h2>Claims with service in {year}</h2>
        <table className="compact" data-testid="member-claims">
          <thead><tr><th>Claim</th><th>Service</th><th>Received</th><th>Provider</th><th>Status</th><th>Diagnoses</th><th className="num">Allowed</th><th className="num">Paid</th></tr></thead>
          <tbody>
            {m.claims.map((c) => (
              <tr key={c.id} data-testid="member-claim">
                <td>{c.id}</td><td>{c.serviceDate}</td><td>{c.receivedOn}</td><td>{c.providerName}</td><td>{c.status}</td><td><code className="tiny">{c.diagnoses.join(' ')}</code></td><td className="num">{usd(c.allowedCents)}</td><td className="num">{usd(c.paidCents)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot><tr><td colSpan={7}>Total</td><td className="num">{usd(m.paidCents)}</td></tr></tfoot>
        </table>
      </section>
    </div>
  );
}
