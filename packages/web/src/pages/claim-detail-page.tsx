import { useEffect, useState } from 'react';
import { api, type ClaimDetail } from '../api-client.ts';
import { AdjustmentChip, StatusBadge } from '../components/status-badge.tsx';
import { usd } from '../money.ts';

export function ClaimDetailPage({ id, onError }: { id: string; onError: (e: unknown) => void }) {
  const [c, setC] = useState<ClaimDetail | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  useEffect(() => {
    setC(null);
    api.claim(id).then(setC, (e: unknown) => ((e as { status?: number }).status === 404 ? setMissing((e as Error).message) : onError(e)));
  }, [id, onError]);
  if (missing) return <section className="card"><a href="#/">← All claims</a><p className="error">{missing}</p></section>;
  if (!c) return <section className="card"><p className="muted">Loading…</p></section>;
  return (
    <section data-testid="claim-detail" className="card">
      <a href="#/">← All claims</a>
      <header className="detail-head">
        <h2>Claim {c.patientControlNumber} <StatusBadge status={c.status} /></h2>
        <div className="muted">Payer claim number {c.payerClaimControlNumber} · {c.kind} · received {c.receivedAt.slice(0, 10)}{c.duplicateOf ? ` · duplicate of ${c.duplicateOf}` : ''}</div>
      </header>
      <dl className="facts">
        <div><dt>Member</dt><dd>{c.memberName ?? '—'} <span className="muted">{c.memberId ?? 'not identified'}</span></dd></div>
        <div><dt>Provider</dt><dd>{c.providerName} <span className="muted">NPI {c.billingNpi ?? '—'}</span></dd></div>
        <div><dt>Service dates</dt><dd>{c.serviceDateFrom}{c.serviceDateTo !== c.serviceDateFrom ? ` – ${c.serviceDateTo}` : ''}</dd></div>
        <div><dt>Plan / network</dt><dd>{c.planName ?? '—'} · {c.network === 'in' ? 'in network' : c.network === 'out' ? 'out of network' : '—'}</dd></div>
        <div><dt>{c.typeOfBill ? 'Type of bill' : 'Place of service'}</dt><dd>{c.typeOfBill ?? c.placeOfService ?? '—'}</dd></div>
        <div><dt>Diagnoses</dt><dd>{c.diagnoses.map((d) => d.code).join(', ') || '—'}</dd></div>
        <div><dt>Remittance</dt><dd>{c.remittance ? `835 trace ${c.remittance.traceNumber}, paid ${c.remittance.paymentDate}` : 'not yet remitted'}</dd></div>
      </dl>
      <table className="lines">
        <thead>
          <tr><th>#</th><th>Service</th><th>Date</th><th className="num">Units</th><th className="num">Billed</th><th className="num">Allowed</th><th className="num">Deductible</th><th className="num">Copay</th><th className="num">Coinsurance</th><th className="num">Paid</th><th>Adjustments</th></tr>
        </thead>
        <tbody>
          {c.lines.map((l) => (
            <tr key={l.lineNumber} data-testid="claim-line">
              <td>{l.lineNumber}</td>
              <td>{l.revenueCode ? <span className="muted">rev {l.revenueCode} </span> : null}{l.procedureCode ?? ''}{l.modifiers.length ? `-${l.modifiers.join('-')}` : ''}<div className="muted small">{l.category ?? ''}</div></td>
              <td>{l.serviceDateFrom}</td>
              <td className="num">{l.units}</td>
              <td className="num">{usd(l.billedCents)}</td>
              <td className="num">{usd(l.allowedCents)}</td>
              <td className="num">{usd(l.deductibleCents)}</td>
              <td className="num">{usd(l.copayCents)}</td>
              <td className="num">{usd(l.coinsuranceCents)}</td>
              <td className="num">{usd(l.paidCents)}</td>
              <td>
                {l.adjustments.map((a, i) => <AdjustmentChip key={i} a={a} />)}
                {l.remarks.map((r) => <span key={r.code} className="chip chip-remark" title={r.description}>{r.code}</span>)}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr><td colSpan={4}>Total</td><td className="num">{usd(c.billedCents)}</td><td className="num">{usd(c.allowedCents)}</td><td colSpan={3} className="num">member {usd(c.patientRespCents)}</td><td className="num">{usd(c.paidCents)}</td><td /></tr>
        </tfoot>
      </table>
    </section>
  );
}
