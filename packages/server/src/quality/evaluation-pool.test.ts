/**
 * The evaluation pool follows a reloaded measure: the same Measure id and version with different
 * content (here the Mammography value set without the code the patient's mammogram carries) must
 * be evaluated with the new content on a worker thread that already evaluated the old one —
 * fqm-execution's own ELM cache, keyed by Measure id and version, would otherwise keep the old.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createEvaluationPool, type EvaluationPool } from './evaluation-pool.ts';
import { readMeasurePackage, type FhirBundle } from './measure-package.ts';
import { SHIPPED_MEASURES } from '../use-cases/load-measures.ts';

const MAMMOGRAPHY = 'http://cts.nlm.nih.gov/fhir/ValueSet/2.16.840.1.113883.3.464.1003.108.12.1018';
const period = { periodStart: '2026-01-01', periodEnd: '2026-12-31' };
const patient: FhirBundle = { resourceType: 'Bundle', type: 'collection', entry: [
  { resource: { resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1962-04-01' } },
  { resource: { resourceType: 'Encounter', id: 'e1', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, type: [{ coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '99213' }] }], subject: { reference: 'Patient/p1' }, period: { start: '2026-03-02', end: '2026-03-02' } } },
  { resource: { resourceType: 'Observation', id: 'm1', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '24604-1' }] }, subject: { reference: 'Patient/p1' }, effectivePeriod: { start: '2026-05-02', end: '2026-05-02' } } },
] };

describe('evaluation pool', () => {
  const pools: EvaluationPool[] = [];
  afterAll(async () => Promise.all(pools.map((p) => p.close())));

  it.each([0, 1])('evaluates a reloaded measure with its new content (%i worker threads)', async (threads) => {
    const pkg = readMeasurePackage(SHIPPED_MEASURES.find((d) => d.includes('BreastCancer'))!);
    const pool = createEvaluationPool({ threads });
    pools.push(pool);
    pool.setMeasure(pkg.id, 'v1', pkg.bundle);
    expect(pool.has(pkg.id, 'v1')).toBe(true);
    const [before] = await pool.evaluate(pkg.id, [patient], period);
    expect(before!.populations).toMatchObject({ denominator: true, numerator: true });

    const changed = structuredClone(pkg.bundle);
    for (const e of changed.entry ?? []) {
      const vs = e.resource as { url?: string; expansion?: { contains?: Array<{ code?: string }> }; compose?: { include?: Array<{ concept?: Array<{ code?: string }> }> } } | undefined;
      if (vs?.url !== MAMMOGRAPHY) continue;
      if (vs.expansion?.contains) vs.expansion.contains = vs.expansion.contains.filter((c) => c.code !== '24604-1');
      for (const inc of vs.compose?.include ?? []) if (inc.concept) inc.concept = inc.concept.filter((c) => c.code !== '24604-1');
    }
    expect(pool.has(pkg.id, 'v2')).toBe(false);
    pool.setMeasure(pkg.id, 'v2', changed);
    const [after] = await pool.evaluate(pkg.id, [patient], period);
    expect(after!.populations).toMatchObject({ denominator: true, numerator: false });
  }, 60_000);
});
