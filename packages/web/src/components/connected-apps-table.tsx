/**
 * A member's connected SMART apps with a button to take each one's access away: on the member's
 * own page and on the payer staff's Members page (the labels and test ids differ by audience).
 */
export interface ConnectedApp { grantId: string; clientId: string; appName: string; grantedAt: string; scopes: string[] }

export function ConnectedAppsTable(p: {
  apps: ConnectedApp[] | null;
  onRevoke: (grantId: string) => void;
  emptyText: string;
  dateLabel: string;
  revokeLabel: string;
  testIds: { empty: string; row: string; revoke: string };
}) {
  if (!p.apps) return null;
  if (p.apps.length === 0) return <p className="muted" data-testid={p.testIds.empty}>{p.emptyText}</p>;
  return (
    <table className="compact">
      <thead><tr><th>App</th><th>{p.dateLabel}</th><th>Access</th><th></th></tr></thead>
      <tbody>
        {p.apps.map((a) => (
          <tr key={a.grantId} data-testid={p.testIds.row}>
            <td>{a.appName}</td><td>{new Date(a.grantedAt).toLocaleDateString()}</td><td className="small">{a.scopes.join(' ')}</td>
            <td><button data-testid={p.testIds.revoke} onClick={() => p.onRevoke(a.grantId)}>{p.revokeLabel}</button></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
