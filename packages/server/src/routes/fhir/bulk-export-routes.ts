/**
 * FHIR Bulk Data on /fhir: kick-off (`Group/{id}/$davinci-data-export`, `Group/{id}/$export`,
 * `$export` for the payer), the status URL (202 + X-Progress, then the manifest; DELETE
 * cancels), and the NDJSON files, streamed. Jobs run on a worker in every server process,
 * taken from the database with SKIP LOCKED.
 * https://hl7.org/fhir/uv/bulkdata/STU2/export.html
 */
import { TandemError } from '@tandem/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { Deps } from '../../deps.ts';
import { access } from '../../http/authenticate.ts';
import { requestOrigin } from '../../http/request-origin.ts';
import { cancelExport, EXPORT_TYPES, exportFile, exportJobFor, kickOffExport, runPendingExports } from '../../use-cases/bulk-export.ts';
import { BULK_MEMBER_MATCH, kickOffBulkMemberMatch, MATCH_OUTPUT_TYPES } from '../../use-cases/bulk-member-match.ts';
import { recordAudit } from '@tandem/store';

type Q = Record<string, string | string[] | undefined>;

/**
 * An NDJSON file as the response body. Readable.from reads one chunk ahead (object mode, high
 * water mark 1) and pipe() stops pulling when the socket's buffer is full, so a slow client
 * holds the export at one or two 64 KiB chunks plus the repository's prefetched page.
 */
export function ndjsonBody(chunks: AsyncIterable<string>): Readable {
  return Readable.from(chunks, { highWaterMark: 1 });
}
const KICK_OFF_PARAMS = ['exportType', '_type', '_since', '_typeFilter', '_outputFormat'];

/** A kick-off's Parameters body (`exportType`, `_type`, `_since`, `_typeFilter`, `_outputFormat`) as query parameters. */
function queryOfParameters(body: unknown): Q {
  if (body === undefined || body === null || body === '') return {};
  const p = body as { resourceType?: string; parameter?: Array<Record<string, unknown> & { name: string }> };
  if (p.resourceType !== 'Parameters') throw new TandemError('INVALID_REQUEST', 'a POST kick-off body must be a FHIR Parameters resource');
  const q: Record<string, string[]> = {};
  for (const x of p.parameter ?? []) {
    if (!KICK_OFF_PARAMS.includes(x.name)) throw new TandemError('INVALID_REQUEST', `unsupported parameter '${x.name}' (supported: ${KICK_OFF_PARAMS.join(', ')})`);
    const value = Object.entries(x).find(([k]) => k.startsWith('value'))?.[1];
    if (typeof value !== 'string') throw new TandemError('INVALID_REQUEST', `parameter ${x.name} needs a string value (valueString, valueCanonical, valueInstant, …)`);
    (q[x.name] ??= []).push(value);
  }
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
}

export function bulkExportRoutes(app: FastifyInstance, deps: Deps) {
  let running: Promise<unknown> | null = null;
  const pump = () =>
    (running ??= runPendingExports(deps)
      .catch((e: unknown) => deps.log.error({ err: e }, 'bulk export worker failed'))
      .finally(() => {
        running = null;
      }));
  const timer = setInterval(() => void pump(), 2000);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });

  const checkAsync = (request: FastifyRequest) => {
    const prefer = String(request.headers['prefer'] ?? '');
    if (!/respond-async/.test(prefer)) throw new TandemError('INVALID_REQUEST', 'a bulk operation needs the header Prefer: respond-async');
    const accept = String(request.headers.accept ?? 'application/fhir+json');
    if (!/application\/fhir\+json|\*\/\*|application\/json/.test(accept)) throw new TandemError('INVALID_REQUEST', 'Accept must be application/fhir+json');
  };
  const accepted = (request: FastifyRequest, reply: FastifyReply, id: string, what: string) => {
    void pump();
    return reply.status(202).header('content-location', `${requestOrigin(request)}/fhir/bulk-status/${id}`).type('application/fhir+json')
      .send({ resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: `${what} ${id} accepted` }] });
  };
  const kickOff = async (request: FastifyRequest<{ Params: { id?: string }; Querystring: Q; Body?: unknown }>, reply: FastifyReply) => {
    checkAsync(request);
    for (const k of Object.keys(request.query)) if (!KICK_OFF_PARAMS.includes(k)) throw new TandemError('INVALID_REQUEST', `unsupported parameter '${k}' (supported: ${KICK_OFF_PARAMS.join(', ')})`);
    // POST (which PDex requires for Payer-to-Payer) carries the same parameters in a Parameters body.
    const q = request.method === 'POST' ? { ...request.query, ...queryOfParameters(request.body) } : request.query;
    const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
    const id = await kickOffExport(deps, access(request), {
      groupId: request.params.id ?? null, exportType: one(q['exportType']), type: q['_type'], since: q['_since'], typeFilter: q['_typeFilter'], outputFormat: one(q['_outputFormat']),
      requestUrl: `${requestOrigin(request)}${request.url}`,
    });
    return accepted(request, reply, id, 'export');
  };
  const schema = { summary: 'Bulk Data kick-off (Prefer: respond-async); answers 202 with Content-Location' };
  app.get<{ Params: { id: string }; Querystring: Q }>('/fhir/Group/:id/$davinci-data-export', { schema: { ...schema, summary: 'Da Vinci PDex Provider Access export of an attribution roster (exportType provider-download | provider-delta | provider-snapshot)' } }, kickOff);
  app.post<{ Params: { id: string }; Querystring: Q }>('/fhir/Group/:id/$davinci-data-export', { schema: { ...schema, summary: 'Da Vinci $davinci-data-export by POST with a Parameters body (exportType hl7.fhir.us.davinci-pdex#payertopayer for Payer-to-Payer)' } }, kickOff);
  app.get<{ Params: { id: string }; Querystring: Q }>('/fhir/Group/:id/$export', { schema }, kickOff);
  app.post('/fhir/Group/$bulk-member-match', { schema: { summary: 'PDex $bulk-member-match (Prefer: respond-async): 202 + Content-Location; the manifest holds the matched, non-matched and consent-constrained Groups' } }, async (request, reply) => {
    checkAsync(request);
    const id = await kickOffBulkMemberMatch(deps, access(request), request.body, `${requestOrigin(request)}${request.url}`);
    return accepted(request, reply, id, '$bulk-member-match');
  });
  app.get<{ Params: { id?: string }; Querystring: Q }>('/fhir/$export', { schema: { ...schema, summary: "Bulk Data system export of the payer's members (payer only)" } }, kickOff);

  app.get<{ Params: { id: string } }>('/fhir/bulk-status/:id', { schema: { summary: 'Bulk Data status: 202 with X-Progress while running, then the manifest' } }, async (request, reply) => {
    const job = await exportJobFor(deps.store.db, access(request), request.params.id);
    if (job.status === 'queued' || job.status === 'running') return reply.status(202).header('x-progress', job.status === 'queued' ? 'queued' : job.export_type === BULK_MEMBER_MATCH ? 'matching members' : 'counting resources').header('retry-after', '2').send();
    if (job.status === 'failed') throw new TandemError('INTERNAL', `export ${job.id} failed: ${job.error ?? 'unknown error'}`);
    if (job.expires_at && Date.parse(job.expires_at) < deps.clock().getTime()) throw new TandemError('NOT_FOUND', `export ${job.id} (expired)`);
    const base = `${requestOrigin(request)}/fhir/bulk-files/${job.id}`;
    return reply.status(200).header('expires', new Date(job.expires_at ?? Date.now()).toUTCString()).type('application/json').send({
      transactionTime: job.transaction_time, request: job.request_url, requiresAccessToken: true,
      output: job.outputs.filter((o) => o.count > 0).map((o) => ({ type: o.type, url: `${base}/${o.type}.ndjson`, count: o.count })),
      error: [],
      extension: { 'https://tandem.health/fhir/export-members': job.members ?? 0 },
    });
  });

  app.delete<{ Params: { id: string } }>('/fhir/bulk-status/:id', { schema: { summary: 'Cancel a bulk export, or delete a finished one' } }, async (request, reply) => {
    await cancelExport(deps, access(request), request.params.id);
    return reply.status(202).send();
  });

  app.get<{ Params: { id: string; file: string } }>('/fhir/bulk-files/:id/:file', { schema: { summary: 'One NDJSON file of a completed export, streamed' } }, async (request, reply) => {
    const ctx = access(request);
    const job = await exportJobFor(deps.store.db, ctx, request.params.id);
    const type = request.params.file.replace(/\.ndjson$/, '');
    const known: readonly string[] = job.export_type === BULK_MEMBER_MATCH ? MATCH_OUTPUT_TYPES : EXPORT_TYPES;
    if (job.status !== 'completed' || !known.includes(type) || !job.types.includes(type)) throw new TandemError('NOT_FOUND', `file ${request.params.file} of export ${job.id}`);
    if (job.expires_at && Date.parse(job.expires_at) < deps.clock().getTime()) throw new TandemError('NOT_FOUND', `export ${job.id} (expired)`);
    await recordAudit(deps.store.db, ctx, { action: 'export', resourceType: type, resourceId: job.id, detail: { stage: 'download', group: job.group_id, count: job.outputs.find((o) => o.type === type)?.count ?? 0 } });
    return reply.type('application/fhir+ndjson').send(ndjsonBody(exportFile(deps, job, type)));
  });
}
