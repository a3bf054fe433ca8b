/**
 * The bulk export's US Core clinical files and its prior-authorization EOBs (PDex): counted in
 * SQL when the job runs, streamed member batch by member batch at download. Provider Access
 * exports carry them too (CMS-0057-F: US Core data and prior authorization information).
 * https://hl7.org/fhir/us/davinci-pdex/STU2/provider-access-api.html
 */
import { isUsCoreClinicalType } from '@tandem/fhir';
import { countClinicalExport, countPriorAuthExport, streamExportClinical, streamExportPriorAuths, type ClinicalExportFilter, type Db, type ExportJobRow } from '@tandem/store';
import { clinicalResourcesOf, priorAuthEobOf } from '../routes/fhir/clinical-rows.ts';

export function clinicalExportFilter(job: ExportJobRow): ClinicalExportFilter {
  return { since: job.since, until: job.transaction_time };
}

/** Counts of the clinical types the job asked for. */
export async function countClinicalOutputs(db: Db, job: ExportJobRow): Promise<Record<string, number>> {
  const types = job.types.filter(isUsCoreClinicalType);
  return types.length ? countClinicalExport(db, job.id, types, clinicalExportFilter(job)) : {};
}

export async function countPriorAuthOutputs(db: Db, job: ExportJobRow): Promise<number> {
  return countPriorAuthExport(db, job.id, clinicalExportFilter(job));
}

/** NDJSON chunks of one clinical type. */
export async function* clinicalFile(db: Db, job: ExportJobRow, type: string): AsyncGenerator<string> {
  for await (const { claims, submitted } of streamExportClinical(db, job.id, type, clinicalExportFilter(job))) {
    const resources = clinicalResourcesOf([type], claims, submitted);
    if (resources.length) yield resources.map((r) => JSON.stringify(r)).join('\n') + '\n';
  }
}

/** NDJSON chunks of prior-authorization EOBs (after the claims EOBs in ExplanationOfBenefit.ndjson). */
export async function* priorAuthLines(db: Db, job: ExportJobRow): AsyncGenerator<string> {
  for await (const rows of streamExportPriorAuths(db, job.id, clinicalExportFilter(job))) yield rows.map((r) => JSON.stringify(priorAuthEobOf(r))).join('\n') + '\n';
}
