/**
 * A contract's value-based terms, the same for both parties: every version with its
 * effective date, and the JSON of one (the version in effect for the year shown, unless
 * another is picked). Payer administrators add a version; the server checks it as
 * `tandem contract terms` does and its message, naming the wrong field, is shown here.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, type TermsVersion } from '../api-client.ts';

export function ContractTermsSection({ contractId, year, inEffect, canEdit, onChanged, onError }: {
  contractId: string; year: number; inEffect: number | null; canEdit: boolean; onChanged: () => void; onError: (e: unknown) => void;
}) {
  const [versions, setVersions] = useState<TermsVersion[] | null>(null);
  const [picked, setPicked] = useState<number | null>(null);
  const [reload, setReload] = useState(0);
  const [draft, setDraft] = useState<{ effective: string; json: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    api.contractTerms(contractId).then((r) => setVersions(r.versions), onError);
  }, [contractId, reload, onError]);
  useEffect(() => setPicked(null), [contractId, year]);
  if (!versions) return <section className="card"><h2>Contract terms</h2><p className="muted">Loading…</p></section>;
  const shown = versions.find((v) => v.version === (picked ?? inEffect)) ?? versions[0] ?? null;

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    let terms: unknown;
    try {
      terms = JSON.parse(draft.json);
    } catch (err) {
      setError(`The terms are not JSON: ${(err as Error).message}`);
      return;
    }
    setSaving(true);
    setError(null);
    api.addContractTerms(contractId, draft.effective, terms).then(
      (v) => { setDraft(null); setPicked(v.version); setReload((n) => n + 1); onChanged(); },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    ).finally(() => setSaving(false));
  };

  return (
    <section className="card" data-testid="contract-terms">
      <div className="toolbar">
        <h2>Contract terms</h2>
        {canEdit && !draft && <button data-testid="terms-add" onClick={() => { setError(null); setDraft({ effective: `${year}-01-01`, json: JSON.stringify(shown?.terms ?? { type: 'shared-savings' }, null, 2) }); }}>Add version</button>}
      </div>
      {versions.length === 0 && <p className="muted">No value-based terms yet.</p>}
      <div className="grid even terms-grid">
        <table className="compact" data-testid="terms-versions">
          <thead><tr><th>Version</th><th>Effective from</th><th>Added</th><th /></tr></thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} data-testid="terms-version" className={`clickable${v.version === shown?.version ? ' selected' : ''}`} onClick={() => setPicked(v.version)}>
                <td>v{v.version}</td><td>{v.effectiveFrom}</td><td>{v.createdAt.replace('T', ' ').slice(0, 16)}</td>
                <td className="small">{v.version === inEffect ? `in effect for ${year}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown && <pre className="json" data-testid="terms-json">{JSON.stringify(shown.terms, null, 2)}</pre>}
      </div>
      {draft && (
        <form className="terms-form" data-testid="terms-form" onSubmit={save}>
          <label>Effective from <input data-testid="terms-effective" value={draft.effective} onChange={(e) => setDraft({ ...draft, effective: e.target.value })} placeholder="YYYY-MM-DD" /></label>
          <label>Terms (JSON; see README: value-based contract terms)
            <textarea data-testid="terms-input" value={draft.json} onChange={(e) => setDraft({ ...draft, json: e.target.value })} rows={14} spellCheck={false} />
          </label>
          {error && <p data-testid="terms-error" className="error small" role="alert">{error}</p>}
          <div className="pa-actions">
            <button data-testid="terms-save" type="submit" disabled={saving}>{saving ? 'Saving…' : 'Save version'}</button>
            <button type="button" onClick={() => { setDraft(null); setError(null); }}>Cancel</button>
          </div>
        </form>
      )}
    </section>
  );
}
