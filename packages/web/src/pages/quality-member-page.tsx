/**
 * One member's quality results: for each measure, every population the member is in and the claim
 * or submitted resource that decided it (with who submitted it and when), what is still missing,
 * and the member's clinical-data submissions. Reloads when the caller's results change (polled each second).
 */
import { useEffect, useState } from 'react';
import { qualityApi, type EvidenceSource, type MemberQuality } from '../quality-api.ts';

const POPULATIONS = ['initial-population', 'denominator', 'denominator-exclusion', 'denominator-exception', 'numerator'];

function Source({ s }: { s: EvidenceSource | null }) {
  if (!s) return <span className="muted">—</span>;
  if (s.kind === 'claim')
    return <span>claim <a href={`#/claims/${encodeURIComponent(s.claimId)}`}>{s.claimId}</a>{s.lineNumber ? ` line ${s.lineNumber}` : ''}{s.diagnosis ? ` dx ${s.diagnosis}` : ''} · {s.serviceDate}</span>;
  return <span>submitted ({s.channel}) by {s.actor} · {s.receivedAt.slice(0, 19).replace('T', ' ')} · {s.submissionId}</span>;
}

export function QualityMemberPage({ year, memberKey, onError }: { year: number; memberKey: string; onError: (e: unknown) => void }) {
  const [m, setM] = useState<MemberQuality | null>(null);
  useEffect(() => {
    let live = true;
    let seen = '';
    const load = async () => {
      try {
        const v = (await qualityApi.version(year)).version;
        if (v === seen) return;
        seen = v;
        const r = await qualityApi.member(memberKey, year);
        if (live) setM(r);
      } catch (e) {
        if (live) onError(e);
      }
    };
    void load();
    const timer = setInterval(() => void load(), 1_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [year, memberKey, onError]);
  if (!m) return <section className="card"><p className="muted">Loading…</p></section>;
  return (
    <div data-testid="quality-member">
      <section className="card">
        <a href={`#/quality/${year}`}>← Quality</a>
        <header className="detail-head">
          <h2>{m.member.name}</h2>
          <div className="muted">born {m.member.birthDate} · {m.member.gender} · {year}</div>
        </header>
      </section>
      {m.results.map((r) => (
        <section className="card" key={r.measure} data-testid={`result-${r.measure}`}>
          <h2>{r.measureTitle || r.measure} <span className={`badge badge-gap-${r.gap}`} data-testid={`gap-status-${r.measure}`}>{r.gap}</span></h2>
          {r.missing && <p>Missing: {r.missing}</p>}
          <table className="compact">
            <thead><tr><th>Criterion</th><th>Met</th><th>Decided by</th></tr></thead>
            <tbody>
              {POPULATIONS.filter((p) => p in r.populations).map((p) => (
                <tr key={p}>
                  <td>{p}</td><td>{r.populations[p] ? 'yes' : 'no'}</td>
                  <td className="small">{(r.evidence[p] ?? []).map((e) => <div key={`${e.type}/${e.id}`} data-testid={`evidence-${r.measure}-${p}`}>{e.type}/{e.id}: <Source s={e.source} /></div>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">evaluated {r.evaluatedAt.slice(0, 19).replace('T', ' ')}{r.orgName ? ` · ${r.orgName}` : ''}{r.error ? ` · error: ${r.error}` : ''}</p>
        </section>
      ))}
      <section className="card">
        <h2>Submitted clinical data</h2>
        {!m.submissions.length ? <p className="muted">None.</p> : (
          <table className="compact"><thead><tr><th>Submission</th><th>Channel</th><th>From</th><th>Received</th><th className="num">Resources</th></tr></thead>
            <tbody>{m.submissions.map((s) => <tr key={s.id}><td>{s.id}</td><td>{s.channel}</td><td>{s.submitterName} ({s.actor})</td><td>{String(s.receivedAt).slice(0, 19).replace('T', ' ')}</td><td className="num">{s.resources}</td></tr>)}</tbody>
          </table>
        )}
      </section>
    </div>
  );
}
