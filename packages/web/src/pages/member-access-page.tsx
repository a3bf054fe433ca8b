/**
 * A member's access choices and connected apps (CMS-0057-F), for the payer acting on the
 * member's request: opt out of Provider Access, opt in to Payer-to-Payer, see and revoke the
 * SMART apps the member authorized; and the plan's Patient Access usage for the year.
 */
import { useCallback, useEffect, useState } from 'react';
import { ConnectedAppsTable, type ConnectedApp } from '../components/connected-apps-table.tsx';
import { ApiError, session } from '../api-client.ts';

interface Choices { memberKey: string; providerAccessOptOut: boolean; payerToPayerOptIn: boolean; updatedAt: string | null }
interface Metrics { from: string; to: string; uniqueMembers: number; membersMoreThanOnce: number; disclosures: number; apps: number }

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const token = session.token();
  const res = await fetch(path, { ...init, headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const text = await res.text();
  const body = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) throw new ApiError(res.status, (body as { issue?: Array<{ diagnostics?: string }> } | null)?.issue?.[0]?.diagnostics ?? `HTTP ${res.status}`);
  return body as T;
}

export function MemberAccessPage({ memberKey, onError }: { memberKey: string | null; onError: (e: unknown) => void }) {
  const [key, setKey] = useState(memberKey ?? '');
  const [choices, setChoices] = useState<Choices | null>(null);
  const [apps, setApps] = useState<ConnectedApp[] | null>(null);
  const [metrics, setMetrics] = useState<Metrics | null>(null);
  const load = useCallback(() => {
    if (!memberKey) return;
    const k = encodeURIComponent(memberKey);
    call<Choices>(`/api/members/${k}/access-choices`).then(setChoices, onError);
    call<{ items: ConnectedApp[] }>(`/api/members/${k}/smart-apps`).then((r) => setApps(r.items), onError);
  }, [memberKey, onError]);
  useEffect(load, [load]);
  useEffect(() => {
    call<Metrics>('/api/smart/metrics').then(setMetrics, () => setMetrics(null));
  }, []);

  const save = (next: { providerAccessOptOut: boolean; payerToPayerOptIn: boolean }) =>
    call<Choices>(`/api/members/${encodeURIComponent(memberKey!)}/access-choices`, { method: 'PUT', body: JSON.stringify({ providerAccessOptOut: next.providerAccessOptOut, payerToPayerOptIn: next.payerToPayerOptIn }) }).then(setChoices, onError);
  const revoke = (grantId: string) =>
    call<void>(`/api/members/${encodeURIComponent(memberKey!)}/smart-apps/${encodeURIComponent(grantId)}`, { method: 'DELETE' }).then(load, onError);

  return (
    <>
      <section className="card toolbar">
        <form onSubmit={(e) => { e.preventDefault(); location.hash = `#/members/${encodeURIComponent(key.trim())}`; }}>
          <label>Member key <input data-testid="member-key" value={key} onChange={(e) => setKey(e.target.value)} placeholder="the FHIR Patient id" /></label>
          <button type="submit" data-testid="member-open">Open</button>
        </form>
        {metrics && (
          <span className="muted" data-testid="patient-access-metrics">
            Patient Access {metrics.from.slice(0, 4)}: {metrics.uniqueMembers} members' data went to apps, {metrics.membersMoreThanOnce} more than once ({metrics.disclosures} disclosures, {metrics.apps} apps)
          </span>
        )}
      </section>
      {memberKey && choices && (
        <section className="card" data-testid="member-access">
          <h2>Access choices of member {memberKey}</h2>
          <label className="check" style={{ display: 'block', margin: '.4rem 0' }}>
            <input type="checkbox" data-testid="opt-out-provider-access" checked={choices.providerAccessOptOut} onChange={(e) => void save({ ...choices, providerAccessOptOut: e.target.checked })} />
            Opted out of Provider Access (in-network providers do not receive this member's data)
          </label>
          <label className="check" style={{ display: 'block', margin: '.4rem 0' }}>
            <input type="checkbox" data-testid="opt-in-payer-to-payer" checked={choices.payerToPayerOptIn} onChange={(e) => void save({ ...choices, payerToPayerOptIn: e.target.checked })} />
            Opted in to Payer-to-Payer exchange
          </label>
          <p className="muted small">{choices.updatedAt ? `Last changed ${new Date(choices.updatedAt).toLocaleString()}` : 'Defaults: Provider Access on, Payer-to-Payer off.'}</p>
          <h3>Connected apps</h3>
          <ConnectedAppsTable apps={apps} onRevoke={(id) => void revoke(id)} emptyText="No app has access." dateLabel="Authorized" revokeLabel="Revoke"
            testIds={{ empty: 'no-apps', row: 'connected-app', revoke: 'revoke-app' }} />
        </section>
      )}
    </>
  );
}
