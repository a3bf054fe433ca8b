/**
 * FHIR Bulk Data export (async pattern) for Provider Access and payer exports: kick-off
 * stores a job; a worker (any server, SKIP LOCKED) freezes the member set and counts; the
 * NDJSON files stream from the database at download, a batch at a time, so memory does not
 * grow with the export and there is no group-size cap.
 * https://hl7.org/fhir/uv/bulkdata/STU2/export.html
 * https://hl7.org/fhir/us/davinci-pdex/STU2/provider-access-api.html ($davinci-data-export)
 */
import { smartScopeAllows, TandemError, type AccessContext } from '@tandem/core';
import { coverageResource, dateBounds, eobBasisJson, eobResource, paramList, patientResource, US_CORE_CLINICAL_TYPES } from '@tandem/fhir';
import {
  auditExport, cancelExportJob, isMatchGroup, claimNextExportJob, countExport, expireExportJobs, finishExportJob, freezeExportMembers, getExportJob, getMatchedGroupFor, insertExportJob, recordAudit,
  streamExportClaims, streamExportCoverages, streamExportMembers, type ClaimStreamFilter, type Db, type ExportJobRow,
} from '@tandem/store';
import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { coverageInputOf } from '../routes/fhir/eob-rows.ts';
import { clinicalFile, countClinicalOutputs, countPriorAuthOutputs, fiveYearsBefore, priorAuthLines } from './export-clinical.ts';
import { BULK_MEMBER_MATCH, matchJobFile, runBulkMemberMatch } from './bulk-member-match.ts';
import { assertPayerRequester } from './member-match.ts';

export const EXPORT_TYPES = ['Patient', 'Coverage', 'ExplanationOfBenefit', ...US_CORE_CLINICAL_TYPES] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];
/** Completed exports stay downloadable this long. */
export const EXPORT_TTL_MS = 24 * 3600 * 1000;
/** CMS-0057-F: data with a date of service on or after 1 January 2016. */
const DATA_FROM = '2016-01-01';

const PDEX = 'hl7.fhir.us.davinci-pdex#';
const PDEX_EXPORT_TYPES = ['provider-download', 'provider-delta', 'provider-snapshot', 'payertopayer'] as const;
/**
 * What a Payer-to-Payer export holds, by resource type. Kept as its own list so the US Core
 * clinical resources and PDex prior authorizations join it when Tandem maps them (today it
 * has neither a PDex prior-authorization EOB mapper nor clinical resources of its own).
 */
// CMS-0057-F Payer-to-Payer: claims and encounter data (no remittance or cost sharing), the USCDI
// clinical data and prior authorizations (non-denied, in ExplanationOfBenefit.ndjson), five years.
export const PAYER_TO_PAYER_TYPES: readonly ExportType[] = ['Patient', 'Coverage', 'ExplanationOfBenefit', ...US_CORE_CLINICAL_TYPES];

// Payer-to-Payer's five-year window (defined with the export's clinical filters).
export { fiveYearsBefore };

export interface KickOff {
  readonly groupId: string | null;
  readonly exportType: string | undefined;
  readonly type: string | readonly string[] | undefined;
  readonly since: string | readonly string[] | undefined;
  readonly typeFilter: string | readonly string[] | undefined;
  readonly outputFormat: string | undefined;
  readonly requestUrl: string;
}

/** `_typeFilter=ExplanationOfBenefit?service-date=ge2026-01-01&type=professional` → claim filters. */
function typeFilterOf(filters: readonly string[]): Pick<ClaimStreamFilter, 'serviceDate' | 'type'> {
  let serviceDate: ClaimStreamFilter['serviceDate'] = [];
  let type: string | undefined;
  for (const f of filters) {
    const [resource, query] = f.split('?');
    if (resource !== 'ExplanationOfBenefit' || query === undefined) throw new TandemError('INVALID_REQUEST', `_typeFilter ${f}: supported is ExplanationOfBenefit?service-date=…&type=…`);
    for (const [k, v] of new URLSearchParams(query)) {
      if (k === 'service-date') serviceDate = [...serviceDate, ...dateBounds('_typeFilter service-date', v)];
      else if (k === 'type') type = v.includes('|') ? v.split('|')[1] : v;
      else throw new TandemError('INVALID_REQUEST', `_typeFilter ${f}: parameter ${k} is not supported (service-date, type)`);
    }
  }
  return { serviceDate, type };
}

export async function kickOffExport(deps: Deps, ctx: AccessContext, k: KickOff): Promise<string> {
  if (ctx.patientKey !== undefined) throw new TandemError('FORBIDDEN', 'a patient-context token cannot start a bulk export');
  if (k.outputFormat !== undefined && !['application/fhir+ndjson', 'application/ndjson', 'ndjson'].includes(k.outputFormat)) throw new TandemError('INVALID_REQUEST', `_outputFormat ${k.outputFormat} is not supported (application/fhir+ndjson)`);
  const types = paramList(k.type);
  for (const t of types) if (!(EXPORT_TYPES as readonly string[]).includes(t)) throw new TandemError('INVALID_REQUEST', `_type ${t} is not exported (supported: ${EXPORT_TYPES.join(', ')})`);
  const exportType = (k.exportType ?? `${PDEX}provider-download`).replace(PDEX, '');
  const wanted = types.length ? types : exportType === 'payertopayer' ? [...PAYER_TO_PAYER_TYPES] : [...EXPORT_TYPES];
  if (exportType === 'payertopayer') for (const t of wanted) if (!PAYER_TO_PAYER_TYPES.includes(t as ExportType)) throw new TandemError('INVALID_REQUEST', `_type ${t} is not part of a Payer-to-Payer export (${PAYER_TO_PAYER_TYPES.join(', ')})`);
  // A SMART backend token needs a read scope for every type it exports.
  if (ctx.smartScopes) for (const t of wanted) if (!smartScopeAllows(ctx.smartScopes, t, 'read')) throw new TandemError('FORBIDDEN', `the access token has no scope to read ${t}`);
  if (k.groupId && !(PDEX_EXPORT_TYPES as readonly string[]).includes(exportType)) throw new TandemError('INVALID_REQUEST', `exportType must be one of ${PDEX_EXPORT_TYPES.map((t) => PDEX + t).join(', ')}`);
  const sinceList = Array.isArray(k.since) ? k.since : k.since === undefined ? [] : [k.since as string];
  if (sinceList.length > 1) throw new TandemError('INVALID_REQUEST', '_since may be given once');
  const since = sinceList[0];
  if (since !== undefined && (since.length < 20 || Number.isNaN(Date.parse(since)))) throw new TandemError('INVALID_REQUEST', `_since must be a FHIR instant (YYYY-MM-DDThh:mm:ssZ), not '${since}'`);
  if (exportType === 'provider-delta' && since === undefined) throw new TandemError('INVALID_REQUEST', 'exportType provider-delta needs _since');
  const typeFilters = paramList(k.typeFilter);
  typeFilterOf(typeFilters);
  if (exportType === 'payertopayer') {
    // Only the payer that made the match exports its matched Group (PDex §pdex-161/164).
    assertPayerRequester(ctx, 'a Payer-to-Payer export');
    if (!k.groupId || !(await getMatchedGroupFor(deps.store.db, ctx.orgId, k.groupId))) throw new TandemError('NOT_FOUND', `Group/${k.groupId ?? ''} (a matched Group of your $bulk-member-match)`);
  } else if (k.groupId) {
    const match = await isMatchGroup(deps.store.db, k.groupId);
    const c = match ? undefined : await deps.store.db.selectFrom('contract').select(['id', 'payer_org_id', 'provider_org_id']).where('id', '=', k.groupId).executeTakeFirst();
    // A group outside your organizations is a 404, the same as a missing one. A
    // $provider-member-match Group is its provider's only.
    const mine = match ? ctx.orgKind === 'provider' && match.providerOrgId === ctx.orgId : c !== undefined && (ctx.orgKind === 'payer' ? c.payer_org_id : c.provider_org_id) === ctx.orgId;
    if (!mine) throw new TandemError('NOT_FOUND', `Group/${k.groupId}`);
  } else if (ctx.orgKind !== 'payer') throw new TandemError('FORBIDDEN', 'a provider exports the group of its attributed members (Group/{id}/$davinci-data-export)');
  const id = `bx-${randomBytes(10).toString('hex')}`;
  await insertExportJob(deps.store.db, {
    id, ctx, groupId: k.groupId, exportType, types: wanted, typeFilters, since: exportType === 'provider-snapshot' ? null : (since ?? null), requestUrl: k.requestUrl, transactionTime: deps.clock().toISOString(),
  });
  await recordAudit(deps.store.db, ctx, { action: 'export', resourceType: 'BulkExport', resourceId: id, outcome: 'success', detail: { stage: 'kick-off', group: k.groupId, exportType, types: wanted } });
  return id;
}

/** Prior-authorization EOBs ride in ExplanationOfBenefit.ndjson unless a _typeFilter narrows the EOBs (its filters are claim filters). */
function priorAuthsExported(job: ExportJobRow): boolean {
  return job.types.includes('ExplanationOfBenefit') && job.type_filters.length === 0;
}

export function claimFilterOf(job: ExportJobRow): ClaimStreamFilter {
  // A requester's own service-date filter narrows the window further; it never widens it (§pdex-176).
  const serviceFrom = job.export_type === 'payertopayer' ? fiveYearsBefore(new Date(job.transaction_time).toISOString()) : DATA_FROM;
  return { since: job.since, until: job.transaction_time, serviceFrom, ...typeFilterOf(job.type_filters) };
}

/** Runs queued exports until none is left; safe to call from any number of servers at once. */
export async function runPendingExports(deps: Deps): Promise<number> {
  let ran = 0;
  await expireExportJobs(deps.store.db, deps.clock().toISOString());
  for (;;) {
    const job = await claimNextExportJob(deps.store.db);
    if (!job) return ran;
    ran++;
    try {
      if (job.export_type === BULK_MEMBER_MATCH) {
        const r = await runBulkMemberMatch(deps, job);
        await finishExportJob(deps.store.db, job.id, { status: 'completed', outputs: r.outputs, members: r.members, expiresAt: new Date(deps.clock().getTime() + EXPORT_TTL_MS).toISOString() });
        continue;
      }
      const members = await freezeExportMembers(deps.store.db, job);
      const counts = await countExport(deps.store.db, job.id, claimFilterOf(job));
      // US Core clinical types and prior-authorization EOBs (in ExplanationOfBenefit.ndjson after the claims).
      const clinical = await countClinicalOutputs(deps.store.db, job);
      const auths = priorAuthsExported(job) ? await countPriorAuthOutputs(deps.store.db, job) : 0;
      const outputs = job.types.map((t) => ({ type: t, count: t === 'Patient' ? counts.patients : t === 'Coverage' ? counts.coverages : t === 'ExplanationOfBenefit' ? counts.claims + auths : (clinical[t] ?? 0) }));
      await auditExport(deps.store.db, job.access as unknown as AccessContext, job.id, { group: job.group_id, exportType: job.export_type, outputs });
      await finishExportJob(deps.store.db, job.id, { status: 'completed', outputs, members, expiresAt: new Date(deps.clock().getTime() + EXPORT_TTL_MS).toISOString() });
    } catch (e) {
      deps.log.error({ err: e, job: job.id }, 'bulk export failed');
      await finishExportJob(deps.store.db, job.id, { status: 'failed', error: (e as Error).message });
    }
  }
}

/** The job, if the caller may see it (the organization and actor that started it). */
export async function exportJobFor(db: Db, ctx: AccessContext, id: string): Promise<ExportJobRow> {
  const job = await getExportJob(db, id);
  if (!job || job.org_id !== ctx.orgId || job.actor !== ctx.actor || job.status === 'cancelled') throw new TandemError('NOT_FOUND', `export ${id}`);
  return job;
}

export async function cancelExport(deps: Deps, ctx: AccessContext, id: string): Promise<void> {
  await exportJobFor(deps.store.db, ctx, id);
  await cancelExportJob(deps.store.db, id);
  await recordAudit(deps.store.db, ctx, { action: 'update', resourceType: 'BulkExport', resourceId: id, detail: { cancelled: true } });
}

/**
 * NDJSON is handed on in chunks of about this many characters: small enough that what waits on a
 * slow client stays small, and below V8's large-object size (~128 KiB), so each flattened chunk
 * dies young — 256 KiB chunks cost the export 1.5–2 × the CPU of 64 KiB ones (measured, bench/bulk).
 */
const CHUNK_CHARS = 64 * 1024;

/**
 * One output file as NDJSON text chunks (about CHUNK_CHARS each). Providers and another payer
 * (Payer-to-Payer) get non-financial (CARIN Basis) EOBs, written straight to JSON text from rows
 * PostgreSQL shaped (eobBasisJson: byte for byte `JSON.stringify(eobBasisResource(…))`); the payer
 * gets the full CARIN Blue Button EOB. Pulled, not pushed: nothing is read from the database
 * before the consumer asks for more (plus one page prefetched by the repository). A finished
 * $bulk-member-match's files are its Groups.
 */
export async function* exportFile(deps: Deps, job: ExportJobRow, type: string): AsyncGenerator<string> {
  const db = deps.store.db;
  const ctx = job.access as unknown as AccessContext;
  if (job.export_type === BULK_MEMBER_MATCH) yield* matchJobFile(db, job, type);
  else if (type === 'Patient') {
    yield* ndjson(streamExportMembers(db, job.id), (m) => JSON.stringify(patientResource({ key: m.key, payerOrgId: m.payer_org_id, memberId: m.member_id, subscriberKey: m.subscriber_key, relationship: m.relationship as 'self', firstName: m.first_name, lastName: m.last_name, dateOfBirth: m.date_of_birth, gender: m.gender as 'M' })));
  } else if (type === 'Coverage') {
    const asOf = job.transaction_time.slice(0, 10);
    yield* ndjson(streamExportCoverages(db, job.id), (c) => JSON.stringify(coverageResource(coverageInputOf(c), asOf)));
  } else if (type === 'ExplanationOfBenefit') {
    // Providers and other payers get non-financial (Basis) EOBs: no remittance, no cost sharing (42 CFR 422.121(b)).
    if (ctx.orgKind === 'provider' || job.export_type === 'payertopayer') yield* ndjson(streamExportClaims(db, job.id, claimFilterOf(job), { amounts: false }), eobBasisJson);
    else yield* ndjson(streamExportClaims(db, job.id, claimFilterOf(job), { amounts: true }), (c) => JSON.stringify(eobResource(c)));
    if (priorAuthsExported(job)) yield* priorAuthLines(db, job);
  } else {
    yield* clinicalFile(db, job, type);
  }
}

/** Pages of rows → NDJSON text in chunks of about CHUNK_CHARS. */
async function* ndjson<T>(pages: AsyncIterable<readonly T[]>, line: (row: T) => string): AsyncGenerator<string> {
  let out = '';
  for await (const rows of pages)
    for (const r of rows) {
      out += `${line(r)}\n`;
      if (out.length >= CHUNK_CHARS) {
        yield out;
        out = '';
      }
    }
  if (out) yield out;
}
