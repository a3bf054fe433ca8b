/**
 * US Core `DocumentReference/$docref` (GET with query parameters, or POST a Parameters
 * resource): the member's documents as a searchset. Tandem does not generate documents, so it
 * answers from the DocumentReferences providers submitted (`on-demand` and `profile` are
 * accepted and change nothing). Without `start`/`end`, the most current document of each type
 * in scope is returned (US Core: the most current CCD SHALL be); with them, every document
 * whose date or context period falls in the range. Without `type` every document type is in
 * scope (the CCD among them). Scoped and audited like a DocumentReference search.
 * https://hl7.org/fhir/us/core/STU6.1/OperationDefinition-docref.html
 */
import { TandemError } from '@tandem/core';
import { clinicalMatches, clinicalOrder, clinicalPeriod, dateBounds, searchBundle, type ClinicalFilter } from '@tandem/fhir';
import { memberClinicalData } from '@tandem/store';
import type { Resource } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { access } from '../../http/authenticate.ts';
import { requestOrigin } from '../../http/request-origin.ts';
import { clinicalResourcesOf, type ClinicalJson } from './clinical-rows.ts';
import { requireScope } from './fhir-routes.ts';

const PARAMS = ['patient', 'start', 'end', 'type', 'on-demand', 'profile', '_format'] as const;

interface DocrefInput {
  readonly patient: string;
  readonly start?: string | undefined;
  readonly end?: string | undefined;
  readonly type?: string | undefined;
}

/** GET: one value per parameter. */
function fromQuery(q: Record<string, string | string[] | undefined>): DocrefInput {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    if (!(PARAMS as readonly string[]).includes(k)) throw new TandemError('INVALID_REQUEST', `unsupported $docref parameter '${k}' (supported: ${PARAMS.join(', ')})`);
    if (Array.isArray(v)) throw new TandemError('INVALID_REQUEST', `$docref: ${k} may be given once`);
    out[k] = v;
  }
  return checked(out);
}

/** POST: a Parameters resource (patient valueId, start/end valueDate or valueDateTime, type valueCoding, on-demand valueBoolean, profile valueCanonical). */
function fromParameters(body: unknown): DocrefInput {
  const p = body as { resourceType?: string; parameter?: Array<Record<string, unknown> & { name?: string }> } | null;
  if (p?.resourceType !== 'Parameters') throw new TandemError('INVALID_REQUEST', '$docref by POST takes a Parameters resource');
  const out: Record<string, string> = {};
  for (const x of p.parameter ?? []) {
    const name = x.name ?? '';
    if (!(PARAMS as readonly string[]).includes(name)) throw new TandemError('INVALID_REQUEST', `unsupported $docref parameter '${name}' (supported: ${PARAMS.join(', ')})`);
    if (name in out) throw new TandemError('INVALID_REQUEST', `$docref: ${name} may be given once`);
    const coding = x['valueCoding'] as { system?: string; code?: string } | undefined;
    const v = name === 'type' ? (coding?.code ? `${coding.system ?? ''}|${coding.code}` : undefined) : (x['valueId'] ?? x['valueString'] ?? x['valueDate'] ?? x['valueDateTime'] ?? x['valueBoolean'] ?? x['valueCanonical'] ?? x['valueUri']);
    if (v === undefined) throw new TandemError('INVALID_REQUEST', `$docref: parameter ${name} has no value of its type`);
    out[name] = String(v);
  }
  return checked(out);
}

function checked(p: Record<string, string>): DocrefInput {
  if (!p['patient']) throw new TandemError('INVALID_REQUEST', '$docref needs patient (the id of the Patient)');
  if (p['on-demand'] !== undefined && !['true', 'false'].includes(p['on-demand'])) throw new TandemError('INVALID_REQUEST', `$docref: on-demand must be true or false, got '${p['on-demand']}'`);
  const patient = p['patient'].startsWith('Patient/') ? p['patient'].slice('Patient/'.length) : p['patient'];
  return { patient, start: p['start'], end: p['end'], type: p['type'] };
}

/** The documents of a member that answer the operation. */
function docrefSelect(docs: readonly ClinicalJson[], input: DocrefInput): ClinicalJson[] {
  const bounds = [...(input.start ? dateBounds('start', `ge${input.start}`) : []), ...(input.end ? dateBounds('end', `le${input.end}`) : [])];
  // A document is in the range when its date, else its context period, overlaps it.
  const filter: ClinicalFilter = { tokens: input.type ? [{ param: 'type', values: [input.type] }] : [], dates: bounds.length ? [{ param: 'date', bounds }] : [] };
  const matched = docs.filter((d) => clinicalMatches(d, filter)).sort(clinicalOrder);
  if (bounds.length) return matched;
  // The most current of each type: the last by date (undated documents count as oldest).
  const latest = new Map<string, ClinicalJson>();
  const key = (d: ClinicalJson) => JSON.stringify(((d['type'] as { coding?: Array<{ system?: string; code?: string }> } | undefined)?.coding ?? []).map((c) => `${c.system}|${c.code}`).sort());
  const when = (d: ClinicalJson) => clinicalPeriod(d)?.start ?? '';
  for (const d of matched) {
    const k = key(d);
    const cur = latest.get(k);
    if (!cur || when(d) >= when(cur)) latest.set(k, d);
  }
  return matched.filter((d) => latest.get(key(d)) === d);
}

export function docrefRoutes(app: FastifyInstance, deps: Deps) {
  const run = async (request: FastifyRequest, input: DocrefInput) => {
    requireScope(request, 'DocumentReference', 'search');
    const data = await memberClinicalData(deps.store.db, access(request), input.patient, ['DocumentReference'], { action: 'search', resourceType: 'DocumentReference' });
    const docs = docrefSelect(clinicalResourcesOf(['DocumentReference'], data.claims, data.submitted), input);
    const self = new URL(request.url, requestOrigin(request));
    return searchBundle(docs as unknown as Resource[], docs.length, self, 0, Math.max(docs.length, 1));
  };
  const schema = { summary: 'US Core $docref: the member\'s most current documents, or those in a date range' };
  app.get<{ Querystring: Record<string, string | string[] | undefined> }>('/fhir/DocumentReference/$docref', { schema }, async (request, reply) =>
    reply.type('application/fhir+json').send(await run(request, fromQuery(request.query))));
  app.post('/fhir/DocumentReference/$docref', { schema }, async (request, reply) =>
    reply.type('application/fhir+json').send(await run(request, fromParameters(request.body))));
}
