/**
 * A contract's quality score from its measure results, for the settlement's quality gate and
 * quality-adjusted sharing. Terms name the measures: `"qualityMeasures": [{"measure":
 * "BreastCancerScreeningFHIR", "targetBps": 7400, "weight": 1}, …]` (target defaults to the
 * measure's loaded target; weight to 1). Without `qualityMeasures` the fixed `qualityBps` term is used.
 *
 * Score, in basis points: each measure earns min(1, rate / target) of its weight — for a measure
 * whose improvement notation is `decrease`, min(1, target / rate) — over the contract's provider
 * organization's members (attributed results of the performance year); measures with nobody
 * eligible drop out of the weights. This is the "achievement against a target" half of CMS's
 * quality scoring (42 CFR 425.502), without the benchmark deciles the plan does not publish.
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { findMeasure, measureRates, type Db } from '@tandem/store';
import { rateBps } from './quality-view.ts';

export interface QualityMeasureTerm {
  readonly measure: string;
  readonly targetBps?: number;
  readonly weight?: number;
}

export interface ContractQuality {
  readonly scoreBps: number;
  readonly measures: Array<{ measure: string; rateBps: number | null; targetBps: number; weight: number; pointsBps: number | null; eligible: number; numerator: number }>;
}

export function parseQualityMeasures(v: unknown): QualityMeasureTerm[] {
  if (!Array.isArray(v) || !v.length) throw new TandemError('INVALID_REQUEST', 'terms.qualityMeasures must be a non-empty list of {"measure": NAME, "targetBps"?: N, "weight"?: N}');
  return v.map((x, i) => {
    const o = x as Record<string, unknown>;
    if (!o || typeof o['measure'] !== 'string' || !o['measure']) throw new TandemError('INVALID_REQUEST', `terms.qualityMeasures[${i}].measure must name a loaded measure`);
    const num = (k: string, max: number) => {
      const n = o[k];
      if (n === undefined) return undefined;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) throw new TandemError('INVALID_REQUEST', `terms.qualityMeasures[${i}].${k} must be a whole number from 1 to ${max}`);
      return n;
    };
    const targetBps = num('targetBps', 10_000);
    const weight = num('weight', 100);
    return { measure: o['measure'], ...(targetBps !== undefined ? { targetBps } : {}), ...(weight !== undefined ? { weight } : {}) };
  });
}

export async function contractQualityScore(db: Db, ctx: AccessContext, providerOrgId: string, period: number, terms: readonly QualityMeasureTerm[]): Promise<ContractQuality> {
  const rates = await measureRates(db, ctx, period, providerOrgId);
  const measures: ContractQuality['measures'] = [];
  let points = 0;
  let weights = 0;
  for (const t of terms) {
    const m = await findMeasure(db, t.measure);
    if (!m) throw new TandemError('INVALID_REQUEST', `terms.qualityMeasures: measure ${t.measure} is not loaded (tandem measures load)`);
    const row = rates.find((r) => r.measure_id === m.id);
    const rate = row ? rateBps(row) : null;
    const target = t.targetBps ?? m.target_bps ?? 10_000;
    const weight = t.weight ?? 1;
    let earned: number | null = null;
    if (rate !== null) {
      earned = m.improvement_notation === 'increase' ? Math.min(10_000, Math.round((rate * 10_000) / target)) : rate === 0 ? 10_000 : Math.min(10_000, Math.round((target * 10_000) / rate));
      points += earned * weight;
      weights += weight;
    }
    measures.push({ measure: m.name, rateBps: rate, targetBps: target, weight, pointsBps: earned, eligible: row ? row.denominator - row.denominator_exclusion - row.denominator_exception : 0, numerator: row?.numerator ?? 0 });
  }
  if (!weights) throw new TandemError('INVALID_REQUEST', `no quality results for organization ${providerOrgId} in ${period}: run \`tandem measures run --year ${period}\` first`);
  return { scoreBps: Math.round(points / weights), measures };
}
