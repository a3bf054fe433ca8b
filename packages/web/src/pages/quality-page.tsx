/**
 * Quality, the shared view: each measure's rate against its target and over the years, the
 * provider organizations side by side (the payer sees all, a provider its own), and the open gaps
 * with what each member is missing. Polls a change marker every second and reloads when it moves,
 * so a gap closed by a submission disappears without a reload.
 */
import { useEffect, useState } from 'react';
import { pct, qualityApi, type GapItem, type QualityOverview } from '../quality-api.ts';

const POLL_MS = 1_000;

export function qualityMemberHref(year: number, key: string): string {
  return `#/quality/${year}/members/${encodeURIComponent(key)}`;
}

function RateBar({ rate, target }: { rate: number | null; target: number | null }) {
  const w = rate === null ? 0 : rate / 100;
  return (
    <div className="rate-bar" title={`rate ${pct(rate)}, target ${pct(target)}`}>
      <div className={`rate-fill ${target !== null && rate !== null && rate >= target ? 'met' : 'below'}`} style={{ width: `${w}%` }} />
      {target !== null && <div className="rate-target" style={{ left: `${target / 100}%` }} />}
    </div>
  );
}

export function QualityPage({ year, onError }: { year: number | null; onError: (e: unknown) => void }) {
  const [o, setO] = useState<QualityOverview | null>(null);
  const [gaps, setGaps] = useState<GapItem[] | null>(null);
  const [org, setOrg] = useState('');
  useEffect(() => {
    let live = true;
    let seen = '';
    let shownYear = year;
    const load = async () => {
      try {
        if (shownYear !== null) {
          const v = (await qualityApi.version(shownYear)).version;
          if (v === seen) return;
          seen = v;
        }
        const ov = await qualityApi.overview(year);
        shownYear = ov.year;
        const g = await qualityApi.gaps(ov.year, org || undefined);
        if (!live) return;
        setO(ov);
        setGaps(g.items);
      } catch (e) {
        if (live) onError(e);
      }
    };
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [year, org, onError]);
  if (!o || !gaps) return <section className="card"><p className="muted">Loading…</p></section>;
  const orgs = [...new Map(o.measures.flatMap((m) => m.organizations).map((x) => [x.orgId ?? '', x.orgName])).entries()];
  return (
    <div data-testid="quality-page">
      <section className="card toolbar">
        <h2>Quality {o.year}</h2>
        <span className="muted">&nbsp;years: {o.years.map((y) => <a key={y} href={`#/quality/${y}`}> {y}</a>)}</span>
      </section>
      {!o.measures.length && <section className="card"><p className="muted">No measures loaded: run <code>tandem measures load</code>, then <code>tandem measures run --year {o.year}</code>.</p></section>}
      <section className="grid even">
        {o.measures.map((m) => (
          <div className="card" key={m.id} data-testid={`measure-${m.name}`}>
            <h2>{m.title || m.name}</h2>
            <p>
              Rate <b data-testid={`rate-${m.name}`}>{pct(m.rateBps)}</b> · target {pct(m.targetBps)} · {m.numerator} of {m.denominator - m.denominator_exclusion - m.denominator_exception} eligible
              ({m.denominator_exclusion + m.denominator_exception} excluded) · open gaps <b data-testid={`open-${m.name}`}>{m.open_gaps}</b>
            </p>
            <RateBar rate={m.rateBps} target={m.targetBps} />
            <p className="muted small">Trend: {m.trend.map((t) => `${t.year} ${pct(t.rateBps)}`).join(' · ')}</p>
            <table className="compact">
              <thead><tr><th>Organization</th><th className="num">Eligible</th><th className="num">Met</th><th className="num">Open gaps</th><th className="num">Rate</th><th>vs target</th></tr></thead>
              <tbody>
                {m.organizations.map((r) => (
                  <tr key={r.orgId ?? 'none'}>
                    <td>{r.orgName}</td><td className="num">{r.denominator - r.excluded}</td><td className="num">{r.numerator}</td><td className="num">{r.openGaps}</td>
                    <td className="num">{pct(r.rateBps)}</td><td><RateBar rate={r.rateBps} target={m.targetBps} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      </section>
      <section className="card">
        <header className="detail-head">
          <h2>Open gaps</h2>
          {orgs.length > 1 && (
            <select data-testid="gap-org" value={org} onChange={(e) => setOrg(e.target.value)}>
              <option value="">all organizations</option>
              {orgs.filter(([id]) => id).map(([id, name]) => <option key={id} value={id}>{name}</option>)}
            </select>
          )}
        </header>
        {!gaps.length ? <p className="muted" data-testid="no-gaps">No open gaps.</p> : (
          <table className="compact" data-testid="gap-list">
            <thead><tr><th>Member</th><th>Born</th><th>Organization</th><th>Measure</th><th>Missing</th></tr></thead>
            <tbody>
              {gaps.map((g) => (
                <tr key={`${g.memberKey}-${g.measure}`} data-testid={`gap-${g.memberKey}-${g.measure}`}>
                  <td><a href={qualityMemberHref(o.year, g.memberKey)}>{g.name}</a> <span className="muted small">{g.memberId}</span></td>
                  <td>{g.birthDate}</td><td>{g.orgName}</td><td>{g.measureTitle || g.measure}</td><td className="small">{g.missing}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
