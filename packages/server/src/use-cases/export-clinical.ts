/**
 * The bulk export's US Core clinical files and its prior-authorization EOBs (PDex): counted in
 * SQL when the job runs, streamed member batch by member batch at download. Provider Access
 * exports carry them too (CMS-0057-F: US Core data and prior authorization information).
 * https://hl7.org/fhir/us/davinci-pdex/STU2/provider-access-api.html
 */
import { isUsCoreClinicalType } from '@tandem/fhir';
import { countClinicalExport, countPriorAuthExport, streamExportClinical, streamExportPriorAuths, type ClinicalExportFilter, type Db, type ExportJobRow } from '@tandem/store';
import { clinicalResourcesOf, priorAuthEobOf, PROVENANCE_TARGET_TYPES } from '../routes/fhir/clinical-rows.ts';

export function clinicalExportFilter(job: ExportJobRow): ClinicalExportFilter {
  // Payer-to-Payer: five years of data and no denied prior authorizations (CMS-0057-F, 42 CFR 422.121(c)).
  if (job.export_type === 'payertopayer') return { since: job.since, until: job.transaction_time, from: fiveYearsBefore(new Date(job.transaction_time).toISOString()), withoutDenied: true };
  return { since: job.since, until: job.transaction_time };
}

/**
 * The first date of service a Payer-to-Payer export includes: five years before the request
 * (42 CFR 422.121(b)(4)(ii); PDex §pdex-169/172), never before 2016. A 29 February maps to the
 * 28th, so the window is never shorter than five years.
 */
export function fiveYearsBefore(instant: string): string {
  const d = instant.slice(0, 10);
  const md = d.slice(5) === '02-29' ? '02-28' : d.slice(5);
  const from = `${String(Number(d.slice(0, 4)) - 5).padStart(4, '0')}-${md}`;
  return from < DATA_FROM ? DATA_FROM : from;
}
const DATA_FROM = '2016-01-01';

/** Counts of the clinical types the job asked for (a Provenance per submission that brought a served resource, as clinicalResourcesOf builds them). */
export async function countClinicalOutputs(db: Db, job: ExportJobRow): Promise<Record<string, number>> {
  const types = job.types.filter(isUsCoreClinicalType);
  return types.length ? countClinicalExport(db, job.id, types, clinicalExportFilter(job), PROVENANCE_TARGET_TYPES) : {};
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
