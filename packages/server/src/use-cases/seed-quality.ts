/**
 * Quality for the demo: the shipped measures loaded, chart data "submitted" by the attributed
 * provider organizations for some members (a mammogram for every third woman, a stool test for
 * every fourth member — what a practice's EHR would send), then every member evaluated for the
 * year on one worker per core, so `npm start` shows open and closed gaps on both sides. The stool
 * test carries category laboratory: CMS130 counts only laboratory observations (Status library,
 * isLaboratoryTestPerformed). (The year before is not evaluated: it would double the seeding
 * time; `tandem measures run --year` adds it.)
 */
import { qualityMembers, reserveNumbers, saveSubmission, type Db } from '@tandem/store';
import type { Deps } from '../deps.ts';
import { availableParallelism } from 'node:os';
import { createEvaluationPool } from '../quality/evaluation-pool.ts';
import { loadMeasurePackage, SHIPPED_MEASURES } from './load-measures.ts';
import { runMeasures } from './run-measures.ts';

export async function seedQuality(deps: Deps, payerId: string, year: number): Promise<void> {
  const db = deps.store.db;
  for (const dir of SHIPPED_MEASURES) await loadMeasurePackage(deps, dir);
  const members = await qualityMembers(db, payerId, year);
  for (const [i, m] of members.entries()) {
    if (!m.orgId) continue;
    const resources: Array<{ resourceType: string; id: string; [k: string]: unknown }> = [];
    const day = `${year}-${String(1 + (i % 11)).padStart(2, '0')}-${String(1 + (i % 27)).padStart(2, '0')}`;
    if (m.gender === 'F' && i % 3 === 0)
      resources.push({ resourceType: 'Observation', id: `demo-mammo-${i}`, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '24604-1', display: 'MG Breast Diagnostic Limited Views' }] }, subject: { reference: `Patient/${m.key}` }, effectivePeriod: { start: day, end: day } });
    if (i % 4 === 0)
      resources.push({ resourceType: 'Observation', id: `demo-fobt-${i}`, status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }], code: { coding: [{ system: 'http://loinc.org', code: '12503-9' }] }, valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '260385009', display: 'Negative' }] }, subject: { reference: `Patient/${m.key}` }, effectiveDateTime: day });
    if (!resources.length) continue;
    await db.transaction().execute(async (trx) => {
      const id = `csub-${String(await reserveNumbers(trx as Db, 'clinical-submission', 1)).padStart(8, '0')}`;
      await saveSubmission(trx as Db, { actor: 'demo-chart-feed', orgId: m.orgId!, orgKind: 'provider', role: 'billing', purpose: 'operations' }, { id, memberKey: m.key, channel: 'bundle', measureId: null, receivedAt: deps.clock().toISOString(), resources });
    });
  }
  const pool = createEvaluationPool({ threads: availableParallelism() });
  try {
    await runMeasures(deps, { actor: 'system', orgId: payerId, orgKind: 'payer', role: 'system', purpose: 'operations' }, { year, pool });
  } finally {
    await pool.close();
  }
}
