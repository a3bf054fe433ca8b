/**
 * Evaluates the loaded measures for a payer's members (all with coverage in the year, or just the
 * given ones) and stores one result per member × measure × year with the evidence that decided
 * each population. Members are taken in batches; each batch is evaluated for every measure on the
 * worker pool, so batches of different measures run on different cores at once.
 *
 * Gap rule (DEQM gaps in care, https://hl7.org/fhir/us/davinci-deqm/STU3/gaps-in-care-reporting.html):
 * in the denominator, not excluded or excepted, and the numerator not met for a measure whose
 * improvement notation is `increase` (met, for `decrease`).
 */
import { type AccessContext } from '@tandem/core';
import { qualityMembers, saveMeasureResults, type MeasureResultRow } from '@tandem/store';
import type { Deps } from '../deps.ts';
import type { PatientMeasureResult } from '../quality/evaluate-measure.ts';
import { syncMeasures, type EvaluationPool } from '../quality/evaluation-pool.ts';
import { memberBundles, type EvidenceSource, type MemberBundle } from '../quality/patient-data.ts';

export interface MeasureRunSummary {
  readonly year: number;
  readonly members: number;
  readonly measures: Array<{ id: string; name: string; denominator: number; numerator: number; excluded: number; openGaps: number; errors: number }>;
  readonly seconds: number;
}

export function gapStatus(r: PatientMeasureResult, notation: 'increase' | 'decrease'): MeasureResultRow['gap'] {
  if (r.error) return 'error';
  const p = r.populations;
  if (!p.denominator) return 'not-eligible';
  if (p['denominator-exclusion'] || p['denominator-exception']) return 'excluded';
  const met = notation === 'increase' ? p.numerator === true : p.numerator !== true;
  return met ? 'closed' : 'open';
}

function evidenceWithSources(r: PatientMeasureResult, sources: Map<string, EvidenceSource>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [pop, refs] of Object.entries(r.evidence)) out[pop] = (refs ?? []).map((ref) => ({ ...ref, source: sources.get(`${ref.type}/${ref.id}`) ?? null }));
  return out;
}

export async function runMeasures(deps: Deps, ctx: AccessContext, opts: { year: number; memberKeys?: readonly string[]; pool: EvaluationPool; batchSize?: number; onProgress?: (done: number, total: number) => void }): Promise<MeasureRunSummary> {
  const started = Date.now();
  const db = deps.store.db;
  const measures = await syncMeasures(db, opts.pool);
  const members = await qualityMembers(db, ctx.orgId, opts.year, opts.memberKeys);
  const period = { periodStart: `${opts.year}-01-01`, periodEnd: `${opts.year}-12-31` };
  const evaluatedAt = deps.clock().toISOString();
  // Each engine call costs ~0.1 s before the first patient (ELM objects, model wrappers): large batches amortize it.
  const batch = opts.batchSize ?? 250;
  const totals = new Map(measures.map((m) => [m.id, { id: m.id, name: m.name, denominator: 0, numerator: 0, excluded: 0, openGaps: 0, errors: 0 }]));
  let done = 0;
  // Load batch i+1 from the database while batch i is evaluated.
  const load = (i: number) => (i < members.length ? memberBundles(db, members.slice(i, i + batch), opts.year) : Promise.resolve([] as MemberBundle[]));
  let next = load(0);
  const saves: Promise<void>[] = [];
  for (let i = 0; i < members.length; i += batch) {
    const bundles = await next;
    next = load(i + batch);
    const patients = bundles.map((b) => b.bundle);
    const byPatient = new Map(bundles.map((b) => [String(b.bundle.entry?.[0]?.resource?.id), b]));
    const perMeasure = await Promise.all(measures.map((m) => opts.pool.evaluate(m.id, patients, period)));
    const rows: MeasureResultRow[] = [];
    for (const [mi, results] of perMeasure.entries()) {
      const m = measures[mi]!;
      const t = totals.get(m.id)!;
      for (const r of results) {
        const b = byPatient.get(r.patientId);
        if (!b) continue;
        const gap = gapStatus(r, m.improvementNotation);
        if (r.populations.denominator) t.denominator++;
        if (r.populations.numerator) t.numerator++;
        if (gap === 'excluded') t.excluded++;
        if (gap === 'open') t.openGaps++;
        if (gap === 'error') t.errors++;
        rows.push({ memberKey: b.member.key, measureId: m.id, period: opts.year, orgId: b.member.orgId, populations: r.populations as Record<string, boolean>, evidence: evidenceWithSources(r, b.sources), gap, error: r.error ?? null, evaluatedAt });
      }
    }
    saves.push(saveMeasureResults(db, rows));
    // Keep at most one save behind the evaluation.
    if (saves.length > 1) await saves.shift();
    done += bundles.length;
    opts.onProgress?.(done, members.length);
  }
  await Promise.all(saves);
  await next;
  return { year: opts.year, members: members.length, measures: [...totals.values()], seconds: (Date.now() - started) / 1000 };
}
