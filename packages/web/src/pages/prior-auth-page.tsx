/**
 * Prior authorization, one page for both sides: the payer's review queue ordered by due time
 * (CMS-0057-F: 72 h expedited, 7 days standard) with warnings before each deadline; the
 * provider's own requests and a form to submit one (what it needs and what approves it
 * automatically, from the public rules). Both see the same statuses, clocks and reasons, and
 * the year's public metrics as a chart.
 */
import { useEffect, useMemo, useState } from 'react';
import type { User } from '../api-client.ts';
import { PriorAuthMetricsChart } from '../components/prior-auth-metrics-chart.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { priorAuthApi, timeLeft, type Metrics, type PriorAuth, type PublicService } from '../prior-auth-api.ts';

export function ClockBadge({ r, now }: { r: PriorAuth; now: string }) {
  const text = r.decidedAt ? (r.clock === 'decided-late' ? 'decided late' : 'decided on time') : timeLeft(r.dueAt, now);
  return <span data-testid="clock" className={`badge clock-${r.clock}`} title={`due ${r.dueAt}`}>{r.clock === 'due-soon' ? '⚠ ' : r.clock === 'overdue' ? '⛔ ' : ''}{text}</span>;
}

function SubmitForm({ onSubmitted, onError }: { onSubmitted: (r: PriorAuth) => void; onError: (e: unknown) => void }) {
  // null until the public rules have loaded: before then the form must not claim a code is free.
  const [services, setServices] = useState<PublicService[] | null>(null);
  const [memberId, setMemberId] = useState('');
  const [code, setCode] = useState('');
  const [from, setFrom] = useState(new Date().toISOString().slice(0, 10));
  const [units, setUnits] = useState(1);
  const [pos, setPos] = useState('11');
  const [dx, setDx] = useState('');
  const [priority, setPriority] = useState<'standard' | 'expedited'>('standard');
  const [answers, setAnswers] = useState<Record<string, string | number | boolean>>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    priorAuthApi.services().then((s) => setServices(s.services), onError);
  }, [onError]);
  const rule = useMemo(() => services?.find((s) => s.codes.includes(code.trim().toUpperCase())), [services, code]);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await priorAuthApi.submit({
        memberId: memberId.trim(), priority, diagnoses: dx.split(/[\s,]+/).filter(Boolean), answers,
        items: [{ code: code.trim().toUpperCase(), units, from, placeOfService: pos }],
      });
      onSubmitted(r);
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card pa-form" onSubmit={submit} data-testid="prior-auth-form">
      <h2>Request prior authorization</h2>
      <div className="pa-fields">
        <label>Member id<input data-testid="pa-member" value={memberId} onChange={(e) => setMemberId(e.target.value)} required /></label>
        <label>CPT/HCPCS<input data-testid="pa-code" value={code} onChange={(e) => setCode(e.target.value)} required pattern="[0-9A-Za-z]{5}" /></label>
        <label>Service date<input data-testid="pa-date" type="date" value={from} onChange={(e) => setFrom(e.target.value)} required /></label>
        <label>Units<input data-testid="pa-units" type="number" min={1} value={units} onChange={(e) => setUnits(Number(e.target.value))} /></label>
        <label>Place of service<input value={pos} onChange={(e) => setPos(e.target.value)} pattern="\d{2}" /></label>
        <label>Diagnoses (ICD-10-CM)<input data-testid="pa-dx" value={dx} onChange={(e) => setDx(e.target.value)} placeholder="M54.16, M51.16" /></label>
        <label>Priority<select data-testid="pa-priority" value={priority} onChange={(e) => setPriority(e.target.value as 'standard' | 'expedited')}><option value="standard">standard (7 days)</option><option value="expedited">expedited (72 hours)</option></select></label>
      </div>
      {code.trim().length === 5 && (
        <div data-testid="pa-requirements" className="muted small">
          {services === null ? 'Loading the published rules…' : rule ? (
            <>
              <strong>Needs prior authorization: {rule.description}.</strong> Documentation: {rule.documentation.join('; ') || 'none listed'}.{' '}
              {rule.autoApproval.length ? `Approved at once when: ${rule.autoApproval.join('; ')}.` : 'Every request is reviewed by a clinician.'}
            </>
          ) : 'No prior authorization is needed for this code under the published rules.'}
        </div>
      )}
      {rule?.questions.map((q) => (
        <label key={q.linkId} className="pa-question">{q.text}{' '}
          {q.type === 'boolean'
            ? <input type="checkbox" checked={answers[q.linkId] === true} onChange={(e) => setAnswers({ ...answers, [q.linkId]: e.target.checked })} />
            : <input type={q.type === 'number' ? 'number' : 'text'} value={String(answers[q.linkId] ?? '')} onChange={(e) => setAnswers({ ...answers, [q.linkId]: q.type === 'number' ? Number(e.target.value) : e.target.value })} />}
        </label>
      ))}
      <button data-testid="pa-submit" type="submit" disabled={busy}>Submit request</button>
    </form>
  );
}

export function PriorAuthPage({ user, onError }: { user: User; onError: (e: unknown) => void }) {
  const payer = user.org.type === 'payer';
  const [filter, setFilter] = useState(payer ? 'open' : 'all');
  const [list, setList] = useState<{ total: number; now: string; requests: PriorAuth[] } | null>(null);
  const [metrics, setMetrics] = useState<Metrics | null>(null);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    priorAuthApi.list(filter).then(setList, onError);
  }, [filter, reload, onError]);
  useEffect(() => {
    priorAuthApi.metrics().then(setMetrics, onError);
  }, [reload, onError]);
  const warnings = list?.requests.filter((r) => r.clock === 'due-soon' || r.clock === 'overdue').length ?? 0;
  return (
    <>
      {!payer && <SubmitForm onError={onError} onSubmitted={(r) => { setReload((n) => n + 1); window.location.hash = `#/prior-auth/${r.id}`; }} />}
      <section className="card">
        <div className="toolbar">
          <h2>{payer ? 'Review queue (by due time)' : 'Your prior authorization requests'}</h2>
          {warnings > 0 && <span data-testid="pa-warnings" className="badge clock-due-soon">⚠ {warnings} near or past the deadline</span>}
          <label>Show{' '}
            <select data-testid="pa-filter" value={filter} onChange={(e) => setFilter(e.target.value)}>
              <option value="open">awaiting review</option><option value="all">all</option><option value="approved">approved</option><option value="denied">denied</option><option value="modified">modified</option>
            </select>
          </label>
        </div>
        <table data-testid="prior-auth-table">
          <thead><tr><th>Request</th><th>Received</th><th>Priority</th><th>Due</th><th>Member</th>{payer && <th>Provider</th>}<th>Services</th><th>Status</th><th>Reason</th></tr></thead>
          <tbody>
            {list?.requests.map((r) => (
              <tr key={r.id} data-testid="prior-auth-row" className="clickable" onClick={() => (window.location.hash = `#/prior-auth/${r.id}`)}>
                <td><a href={`#/prior-auth/${r.id}`}>{r.id}</a><div className="muted small">{r.channel} · {r.submitterRef.value}</div></td>
                <td>{r.receivedAt.slice(0, 16).replace('T', ' ')}</td>
                <td>{r.priority}{r.extended ? ' (extended)' : ''}</td>
                <td>{r.dueAt.slice(0, 16).replace('T', ' ')}<div><ClockBadge r={r} now={list.now} /></div></td>
                <td>{r.member.firstName} {r.member.lastName}<div className="muted small">{r.member.memberId}</div></td>
                {payer && <td>{r.provider.name}</td>}
                <td>{r.items.map((i) => <code key={i.sequence} className="tiny">{i.code}×{i.unitsRequested} </code>)}</td>
                <td data-testid="pa-status"><StatusBadge status={r.status} /></td>
                <td className="small" data-testid="pa-reason">{r.items.map((i) => i.reason).join(' · ')}</td>
              </tr>
            ))}
            {list && list.requests.length === 0 && <tr><td colSpan={9} className="muted">Nothing here.</td></tr>}
          </tbody>
        </table>
      </section>
      <section className="card">
        <div className="toolbar"><h2>CMS-0057-F metrics {metrics?.year}</h2><a href="/prior-authorization/metrics" target="_blank" rel="noreferrer">public page</a> <a href="/prior-authorization/services" target="_blank" rel="noreferrer">public service list</a></div>
        {metrics ? <PriorAuthMetricsChart m={metrics} /> : <p className="muted">Loading…</p>}
        {metrics && <p className="muted small">{metrics.requests} determinations this year ({metrics.standard.requests} standard, {metrics.expedited.requests} expedited).</p>}
      </section>
    </>
  );
}
