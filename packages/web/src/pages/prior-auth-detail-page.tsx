/**
 * One prior authorization request as both sides see it: status, clock, each service with its
 * decision, reason, documentation and the criteria checked, and the history. The payer's
 * reviewers decide pended services here (a denial or modification needs a specific reason)
 * or ask for more information.
 */
import { useCallback, useEffect, useState } from 'react';
import type { User } from '../api-client.ts';
import { StatusBadge } from '../components/status-badge.tsx';
import { priorAuthApi, type Decision, type PriorAuthDetail } from '../prior-auth-api.ts';
import { ClockBadge } from './prior-auth-page.tsx';

export function PriorAuthDetailPage({ id, user, onError }: { id: string; user: User; onError: (e: unknown) => void }) {
  const [r, setR] = useState<PriorAuthDetail | null>(null);
  const [drafts, setDrafts] = useState<Record<number, Decision>>({});
  const [info, setInfo] = useState('');
  const [extend, setExtend] = useState(false);
  const [busy, setBusy] = useState(false);
  const [appeal, setAppeal] = useState('');
  const load = useCallback(() => priorAuthApi.get(id).then(setR, onError), [id, onError]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!r) return <p className="muted">Loading…</p>;
  const reviewer = user.org.type === 'payer' && (user.role === 'admin' || user.role === 'clinician');
  const open = r.status === 'pended' || r.status === 'info-requested';
  const act = async (f: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await f();
      setDrafts({});
      setInfo('');
      setAppeal('');
      await load();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };
  const set = (seq: number, d: Partial<Decision>) => setDrafts({ ...drafts, [seq]: { sequence: seq, action: 'approved', ...drafts[seq], ...d } });
  return (
    <section className="card" data-testid="prior-auth-detail">
      <p><a href="#/prior-auth">← Prior authorization</a></p>
      <h2>{r.id} <span data-testid="pa-detail-status"><StatusBadge status={r.status} /></span> <ClockBadge r={r} now={new Date().toISOString()} /></h2>
      <dl className="facts">
        <div><dt>Member</dt><dd>{r.member.firstName} {r.member.lastName} · {r.member.memberId}</dd></div>
        <div><dt>Requested by</dt><dd>{r.provider.name}{r.provider.npi ? ` (NPI ${r.provider.npi})` : ''}</dd></div>
        <div><dt>Priority</dt><dd>{r.priority}{r.extended ? ', time frame extended 14 days' : ''}{r.appealed ? ', appealed' : ''}</dd></div>
        <div><dt>Received · due</dt><dd>{r.receivedAt.slice(0, 16).replace('T', ' ')} · <strong data-testid="pa-due">{r.dueAt.slice(0, 16).replace('T', ' ')}</strong></dd></div>
        <div><dt>Decided</dt><dd>{r.decidedAt ? r.decidedAt.slice(0, 16).replace('T', ' ') : 'not yet'}</dd></div>
        <div><dt>Channel · reference</dt><dd>{r.channel} · {r.submitterRef.value}</dd></div>
        <div><dt>Diagnoses</dt><dd>{r.diagnoses.join(', ') || '—'}</dd></div>
      </dl>
      <table>
        <thead><tr><th>#</th><th>Service</th><th>Units</th><th>Dates</th><th>Decision</th><th>Reason</th><th>Documentation needed</th><th>Criteria checked</th>{reviewer && open && <th>Review</th>}</tr></thead>
        <tbody>
          {r.items.map((i) => (
            <tr key={i.sequence} data-testid="pa-item">
              <td>{i.sequence}</td>
              <td><code>{i.code}</code>{i.placeOfService ? <div className="muted small">POS {i.placeOfService}</div> : null}</td>
              <td>{i.unitsRequested}{i.unitsApproved !== null && i.unitsApproved !== i.unitsRequested ? ` → ${i.unitsApproved}` : ''}{i.unitsUsed ? <div className="muted small">{i.unitsUsed} used</div> : null}</td>
              <td>{i.from}{i.to !== i.from ? ` – ${i.to}` : ''}{i.approvedTo ? <div className="muted small">valid {i.approvedFrom} – {i.approvedTo}</div> : null}</td>
              <td data-testid="pa-item-action"><StatusBadge status={i.action} /></td>
              <td data-testid="pa-item-reason">{i.reason}</td>
              <td className="small">{i.documentation.length ? <ul>{i.documentation.map((d) => <li key={d}>{d}</li>)}</ul> : '—'}</td>
              <td className="small">{i.criteria.map((c, k) => <div key={k}>{c.met ? '✓' : '✗'} {c.detail}</div>)}</td>
              {reviewer && open && (
                <td>
                  {i.action === 'pended' && (
                    <div className="pa-review">
                      <select data-testid="pa-decision" value={drafts[i.sequence]?.action ?? ''} onChange={(e) => set(i.sequence, { action: e.target.value as Decision['action'] })}>
                        <option value="" disabled>decide…</option><option value="approved">approve</option><option value="modified">modify units</option><option value="denied">deny</option>
                      </select>
                      {drafts[i.sequence]?.action === 'modified' && <input type="number" min={1} max={i.unitsRequested - 1} placeholder="units" onChange={(e) => set(i.sequence, { unitsApproved: Number(e.target.value) })} />}
                      <textarea data-testid="pa-decision-reason" placeholder="specific reason (required to deny or modify)" value={drafts[i.sequence]?.reason ?? ''} onChange={(e) => set(i.sequence, { reason: e.target.value })} />
                    </div>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {reviewer && open && (
        <div className="pa-actions">
          <button data-testid="pa-record-decision" disabled={busy || Object.keys(drafts).length === 0} onClick={() => act(() => priorAuthApi.decide(r.id, Object.values(drafts)))}>Record decision</button>
          <span className="muted">or</span>
          <input data-testid="pa-info-message" value={info} onChange={(e) => setInfo(e.target.value)} placeholder="what information is needed" size={40} />
          {r.priority === 'standard' && !r.extended && <label><input type="checkbox" checked={extend} onChange={(e) => setExtend(e.target.checked)} /> extend 14 days</label>}
          <button data-testid="pa-request-info" disabled={busy || info.trim().length < 10} onClick={() => act(() => priorAuthApi.requestInfo(r.id, info, extend))}>Request information</button>
        </div>
      )}
      {user.org.type === 'provider' && !r.appealed && r.items.some((i) => i.action === 'denied') && (
        <div className="pa-actions">
          <input data-testid="pa-appeal-reason" value={appeal} onChange={(e) => setAppeal(e.target.value)} placeholder="why the denial should be reconsidered" size={60} />
          <button data-testid="pa-appeal" disabled={busy || appeal.trim().length < 10} onClick={() => act(() => priorAuthApi.appeal(r.id, appeal))}>Appeal the denial</button>
        </div>
      )}
      <h3>History</h3>
      <ul data-testid="pa-history">
        {r.events.map((e, k) => <li key={k}>{e.at.slice(0, 16).replace('T', ' ')} — {e.action} by {e.actor}</li>)}
        {r.notifications.map((n, k) => <li key={`n${k}`}>{n.at.slice(0, 16).replace('T', ' ')} — notification #{n.event} to subscription {n.subscription}: {n.error ?? `HTTP ${n.httpStatus}`}</li>)}
      </ul>
    </section>
  );
}
