/**
 * Clinical data from a provider (DEQM `Measure/$submit-data`, or a plain FHIR Bundle upload):
 * stored against the member with who sent it and when, then only that member is re-evaluated for
 * every loaded measure, so a gap the data closes shows closed in the response and on the next read.
 *
 * https://hl7.org/fhir/us/davinci-deqm/STU3/OperationDefinition-submit-data.html
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { findMeasure, reserveNumbers, saveSubmission, visibleQualityMember, type Db } from '@tandem/store';
import type { Deps } from '../deps.ts';
import type { EvaluationPool } from '../quality/evaluation-pool.ts';
import type { FhirResource } from '../quality/measure-package.ts';
import { normalizeSubmitted } from '../quality/patient-data.ts';
import { runMeasures } from './run-measures.ts';
import { systemContext } from './seed-demo.ts';

export interface SubmitClinicalInput {
  readonly memberKey: string;
  readonly channel: 'submit-data' | 'bundle' | 'synthea';
  readonly measure?: string | undefined;
  readonly resources: readonly FhirResource[];
}

export interface SubmitClinicalResult {
  readonly submissionId: string;
  readonly memberKey: string;
  readonly stored: number;
  readonly results: Array<{ measure: string; period: number; gap: string }>;
  readonly reevaluatedMs: number;
}

export async function submitClinicalData(deps: Deps, ctx: AccessContext, pool: EvaluationPool, input: SubmitClinicalInput): Promise<SubmitClinicalResult> {
  const db = deps.store.db;
  const member = await visibleQualityMember(db, ctx, input.memberKey);
  if (!member) throw new TandemError('NOT_FOUND', `Patient/${input.memberKey}`);
  let measureId: string | null = null;
  if (input.measure) {
    const m = await findMeasure(db, input.measure.split('|')[0]!);
    if (!m) throw new TandemError('INVALID_REQUEST', `unknown measure ${input.measure} (load it with tandem measures load)`);
    measureId = m.id;
  }
  const resources = input.resources.map((r) => normalizeSubmitted(input.memberKey, r)).filter((r): r is FhirResource & { id: string } => r !== null);
  if (!resources.length) throw new TandemError('INVALID_REQUEST', 'no clinical resources to store (each needs a resourceType and an id; Patient resources are not stored)');
  const now = deps.clock();
  const submissionId = await db.transaction().execute(async (trx) => {
    const id = `csub-${String(await reserveNumbers(trx as Db, 'clinical-submission', 1)).padStart(8, '0')}`;
    await saveSubmission(trx as Db, ctx, { id, memberKey: input.memberKey, channel: input.channel, measureId, receivedAt: now.toISOString(), resources });
    return id;
  });
  const started = Date.now();
  const periods = await db.selectFrom('measure_result').select('period').distinct().where('member_key', '=', input.memberKey).execute();
  const years = periods.length ? periods.map((p) => p.period) : [now.getUTCFullYear()];
  const results: SubmitClinicalResult['results'] = [];
  for (const year of years) {
    await runMeasures(deps, systemContext(member.payer_org_id), { year, memberKeys: [input.memberKey], pool });
    const rows = await db.selectFrom('measure_result as r').innerJoin('measure_package as p', 'p.id', 'r.measure_id').select(['p.name', 'r.period', 'r.gap'])
      .where('r.member_key', '=', input.memberKey).where('r.period', '=', year).orderBy('p.name').execute();
    results.push(...rows.map((r) => ({ measure: r.name, period: r.period, gap: r.gap })));
  }
  return { submissionId, memberKey: input.memberKey, stored: resources.length, results, reevaluatedMs: Date.now() - started };
}

/** DEQM `$submit-data` Parameters → the member and resources (the MeasureReport's subject names the member). */
export function parseSubmitData(body: unknown): { memberKey: string; measure: string | undefined; resources: FhirResource[] } {
  const p = body as { resourceType?: string; parameter?: Array<{ name?: string; resource?: FhirResource }> } | null;
  if (p?.resourceType !== 'Parameters' || !Array.isArray(p.parameter)) throw new TandemError('INVALID_REQUEST', '$submit-data takes a Parameters resource with a measureReport and resource parameters');
  const report = p.parameter.find((x) => x.name === 'measureReport')?.resource as (FhirResource & { subject?: { reference?: string }; measure?: string }) | undefined;
  if (report?.resourceType !== 'MeasureReport') throw new TandemError('INVALID_REQUEST', '$submit-data needs a measureReport parameter (a MeasureReport of type data-collection)');
  const subject = report.subject?.reference ?? '';
  const m = /^Patient\/([^/]+)$/.exec(subject);
  if (!m) throw new TandemError('INVALID_REQUEST', `measureReport.subject must reference a Patient (Patient/<id>), got '${subject}'`);
  const resources = p.parameter.filter((x) => x.name === 'resource' && x.resource && typeof x.resource === 'object').map((x) => x.resource!);
  return { memberKey: m[1]!, measure: report.measure, resources };
}

/** A FHIR Bundle (any type) → its resources. */
export function bundleResources(body: unknown): FhirResource[] {
  const b = body as { resourceType?: string; entry?: Array<{ resource?: FhirResource }> } | null;
  if (b?.resourceType !== 'Bundle') throw new TandemError('INVALID_REQUEST', 'expected a FHIR Bundle');
  return (b.entry ?? []).map((e) => e.resource).filter((r): r is FhirResource => !!r && typeof r.resourceType === 'string');
}

