/**
 * A member's own page (member self-service, CMS-0057-F): their Provider Access opt-out and
 * Payer-to-Payer opt-in, the apps they connected (revocable), and who received their data,
 * when and why — all from /api/me/…, which is all a member's session reaches.
 */
import { useCallback, useEffect, useState } from 'react';
import { ConnectedAppsTable, type ConnectedApp } from '../components/connected-apps-table.tsx';
import { ApiError, session, type User } from '../api-client.ts';

interface Choices { memberKey: string; providerAccessOptOut: boolean; payerToPayerOptIn: boolean; updatedAt: string | null }
interface Disclosure { at: string; recipient: { kind: 'app' | 'provider' | 'payer'; name: string; actor: string }; action: string; resourceType: string; purpose: string }

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const token = session.token();
  const res = await fetch(path, { ...init, headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const text = await res.text();
  const body = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) throw new ApiError(res.status, (body as { issue?: Array<{ diagnostics?: string }> } | null)?.issue?.[0]?.diagnostics ?? `HTTP ${res.status}`);
  return body as T;
}

/** What each purpose means to a member. */
const PURPOSE: Record<string, string> = {
  'patient-access': 'An app you connected (Patient Access)',
  'provider-access': 'Your provider, through Provider Access',
  'payer-to-payer': 'Another health plan, with your opt-in (Payer-to-Payer)',
  treatment: 'Your provider, for your treatment',
  payment: 'Payment of your care',
  operations: 'Health plan operations',
  'member-request': 'At your request',
};

const RECIPIENT = { app: 'App', provider: 'Provider', payer: 'Health plan' } as const;

export function MemberHomePage({ user, onError }: { user: User; onError: (e: unknown) => void }) {
  const [choices, setChoices] = useState<Choices | null>(null);
  const [apps, setApps] = useState<ConnectedApp[] | null>(null);
  const [log, setLog] = useState<Disclosure[] | null>(null);
  const load = useCallback(() => {
    call<Choices>('/api/me/access-choices').then(setChoices, onError);
    call<{ items: ConnectedApp[] }>('/api/me/apps').then((r) => setApps(r.items), onError);
    call<{ items: Disclosure[] }>('/api/me/disclosures').then((r) => setLog(r.items), onError);
  }, [onError]);
  useEffect(load, [load]);

  const save = (next: { providerAccessOptOut: boolean; payerToPayerOptIn: boolean }) =>
    call<Choices>('/api/me/access-choices', { method: 'PUT', body: JSON.stringify({ providerAccessOptOut: next.providerAccessOptOut, payerToPayerOptIn: next.payerToPayerOptIn }) }).then(setChoices, onError);
  const revoke = (grantId: string) => call<void>(`/api/me/apps/${encodeURIComponent(grantId)}`, { method: 'DELETE' }).then(load, onError);

  return (
    <>
      <section className="card" data-testid="member-choices">
        <h2>Your choices, {user.displayName}</h2>
        {choices && (
          <>
            <label className="check" style={{ display: 'block', margin: '.4rem 0' }}>
              <input type="checkbox" data-testid="me-opt-out-provider-access" checked={choices.providerAccessOptOut} onChange={(e) => void save({ ...choices, providerAccessOptOut: e.target.checked })} />
              Do not share my data with my in-network providers through Provider Access (opt out)
            </label>
            <label className="check" style={{ display: 'block', margin: '.4rem 0' }}>
              <input type="checkbox" data-testid="me-opt-in-payer-to-payer" checked={choices.payerToPayerOptIn} onChange={(e) => void save({ ...choices, payerToPayerOptIn: e.target.checked })} />
              Let my next health plan receive my data from {user.org.name} (Payer-to-Payer opt-in)
            </label>
            <p className="muted small" data-testid="me-choices-updated">{choices.updatedAt ? `Last changed ${new Date(choices.updatedAt).toLocaleString()}` : 'Defaults: Provider Access on, Payer-to-Payer off.'}</p>
          </>
        )}
      </section>
      <section className="card">
        <h2>Connected apps</h2>
        <ConnectedAppsTable apps={apps} onRevoke={(id) => void revoke(id)} emptyText="No app has access to your data." dateLabel="Connected" revokeLabel="Disconnect"
          testIds={{ empty: 'me-no-apps', row: 'me-app', revoke: 'me-revoke-app' }} />
      </section>
      <section className="card">
        <h2>Who received your data</h2>
        {log && log.length === 0 && <p className="muted" data-testid="me-no-disclosures">Nobody outside {user.org.name} has received your data.</p>}
        {log && log.length > 0 && (
          <table className="compact">
            <thead><tr><th>When</th><th>Who</th><th>What</th><th>Why</th></tr></thead>
            <tbody>
              {log.map((d, i) => (
                <tr key={i} data-testid="me-disclosure">
                  <td>{new Date(d.at).toLocaleString()}</td>
                  <td>{RECIPIENT[d.recipient.kind]}: {d.recipient.name}</td>
                  <td>{d.resourceType} ({d.action})</td>
                  <td data-purpose={d.purpose}>{PURPOSE[d.purpose] ?? d.purpose}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
