/**
 * Quality measures over HTTP: the dashboard's JSON (rates, gaps, member detail), provider data in
 * (DEQM `$submit-data`, a plain Bundle upload), and DEQM `$care-gaps` / summary MeasureReports.
 * One evaluation pool per app, started on first use and warmed when the quality overview is first
 * read (each worker parses the measures' ELM once, ~2 s), so a later submission re-evaluates in time.
 */
import { TandemError } from '@tandem/core';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { access } from '../http/authenticate.ts';
import { qualityVersion } from '@tandem/store';
import { createEvaluationPool, syncMeasures, type EvaluationPool } from '../quality/evaluation-pool.ts';
import type { FhirBundle } from '../quality/measure-package.ts';
import { careGaps, qualityGaps, qualityMemberDetail, qualityOverview, qualitySummaryReports } from '../use-cases/quality-view.ts';
import { runMeasures } from '../use-cases/run-measures.ts';
import { bundleResources, parseSubmitData, submitClinicalData } from '../use-cases/submit-clinical-data.ts';

const FHIR_JSON = 'application/fhir+json';
const WARM_PATIENT: FhirBundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'warm-up', gender: 'female', birthDate: '1950-01-01' } }] };

function year(v: unknown, name = 'year'): number {
  const n = typeof v === 'string' && /^\d{4}$/.test(v) ? Number(v) : typeof v === 'number' ? v : NaN;
  if (!(Number.isInteger(n) && n >= 2000 && n <= 2100)) throw new TandemError('INVALID_REQUEST', `${name} must be a year, e.g. ${name}=2026`);
  return n;
}

function list(v: unknown): string[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((x) => String(x).split(',')).filter(Boolean);
}

export function qualityRoutes(app: FastifyInstance, deps: Deps, opts: { pool?: EvaluationPool } = {}) {
  let pool = opts.pool ?? null;
  const getPool = () => (pool ??= createEvaluationPool());
  let warmed = false;
  const warm = () => {
    if (warmed) return;
    warmed = true;
    const p = getPool();
    syncMeasures(deps.store.db, p)
      .then((ms) => Promise.all(ms.map((m) => p.evaluate(m.id, [WARM_PATIENT], { periodStart: '2000-01-01', periodEnd: '2000-12-31' }))))
      .catch((e: unknown) => deps.log.warn({ err: (e as Error).message }, 'quality engine warm-up failed'));
  };
  app.addHook('onClose', async () => {
    if (pool && !opts.pool) await pool.close();
  });

  app.get<{ Querystring: { year?: string } }>('/api/quality/overview', { schema: { summary: 'Measure rates against targets, per provider organization, with the trend over years' } }, async (request) => {
    const overview = await qualityOverview(deps, access(request), request.query.year === undefined ? null : year(request.query.year));
    warm();
    return overview;
  });
  app.get<{ Querystring: { year?: string } }>('/api/quality/version', { schema: { summary: "A change marker of the caller's results for the year (poll it; reload when it moves)" } }, async (request) =>
    ({ version: await qualityVersion(deps.store.db, access(request), year(request.query.year)) }));
  app.get<{ Querystring: { year?: string; org?: string; measure?: string; status?: string } }>('/api/quality/gaps', { schema: { summary: 'Open (or closed) gaps in care with what each member is missing' } }, async (request) => {
    const status = request.query.status ?? 'open';
    if (status !== 'open' && status !== 'closed') throw new TandemError('INVALID_REQUEST', 'status must be open or closed');
    return qualityGaps(deps, access(request), { year: year(request.query.year), orgId: request.query.org, measure: request.query.measure, status });
  });
  app.get<{ Params: { key: string }; Querystring: { year?: string } }>('/api/quality/members/:key', { schema: { summary: "One member's measure results with the claim or submitted resource behind each criterion" } }, async (request) =>
    qualityMemberDetail(deps, access(request), request.params.key, year(request.query.year)));
  app.post<{ Params: { key: string } }>('/api/quality/members/:key/clinical-data', { schema: { summary: 'Upload a FHIR Bundle of clinical data for a member; the member is re-evaluated at once' } }, async (request) =>
    submitClinicalData(deps, access(request), getPool(), { memberKey: request.params.key, channel: 'bundle', resources: bundleResources(request.body) }));
  app.post<{ Body: { year?: unknown } }>('/api/quality/runs', { schema: { summary: "Evaluate every loaded measure for the payer's members (payer only)" } }, async (request) => {
    const ctx = access(request);
    if (ctx.orgKind !== 'payer') throw new TandemError('FORBIDDEN', 'only the payer runs measures for its population');
    return runMeasures(deps, ctx, { year: year(request.body?.year, 'body.year'), pool: getPool() });
  });
  app.get<{ Querystring: { year?: string; org?: string; contract?: string } }>('/api/quality/summary', { schema: { summary: 'Summary MeasureReports (FHIR) per measure for an organization or a contract' } }, async (request, reply) =>
    reply.type(FHIR_JSON).send(await qualitySummaryReports(deps, access(request), { year: year(request.query.year), orgId: request.query.org, contractId: request.query.contract })));

  const submitData = async (request: { body: unknown; params: { id?: string } }, ctx: ReturnType<typeof access>) => {
    const parsed = parseSubmitData(request.body);
    const r = await submitClinicalData(deps, ctx, getPool(), { memberKey: parsed.memberKey, channel: 'submit-data', measure: parsed.measure ?? request.params.id, resources: parsed.resources });
    return {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'information', code: 'informational', diagnostics: `stored ${r.stored} resource(s) for Patient/${r.memberKey} as ${r.submissionId}; re-evaluated in ${r.reevaluatedMs} ms: ${r.results.map((x) => `${x.measure} ${x.period} ${x.gap}`).join(', ')}` }],
    };
  };
  app.post('/fhir/Measure/$submit-data', { schema: { summary: 'DEQM submit-data: clinical data for one patient (Parameters with measureReport + resource)' } }, async (request, reply) =>
    reply.type(FHIR_JSON).send(await submitData({ body: request.body, params: {} }, access(request))));
  app.post<{ Params: { id: string } }>('/fhir/Measure/:id/$submit-data', { schema: { summary: 'DEQM submit-data for one measure' } }, async (request, reply) =>
    reply.type(FHIR_JSON).send(await submitData({ body: request.body, params: { id: request.params.id } }, access(request))));
  app.get<{ Querystring: Record<string, string | string[] | undefined> }>('/fhir/Measure/$care-gaps', { schema: { summary: 'DEQM care-gaps: a gaps Bundle per patient (subject or organization), open and/or closed' } }, async (request, reply) => {
    const q = request.query;
    const allowed = ['periodStart', 'periodEnd', 'subject', 'organization', 'measureId', 'status', 'practitioner', 'program', 'topic', 'measureIdentifier', 'measureUrl'];
    for (const k of Object.keys(q)) if (!allowed.includes(k)) throw new TandemError('INVALID_REQUEST', `unsupported parameter '${k}'`);
    for (const k of ['program', 'topic', 'measureIdentifier']) if (q[k] !== undefined) throw new TandemError('INVALID_REQUEST', `parameter '${k}' is not supported yet (use subject, organization or practitioner, measureId or measureUrl)`);
    const status = list(q['status']);
    for (const s of status) if (s !== 'open-gap' && s !== 'closed-gap') throw new TandemError('INVALID_REQUEST', `status must be open-gap or closed-gap, got '${s}'`);
    const one = (k: string) => (Array.isArray(q[k]) ? (q[k] as string[])[0] : (q[k] as string | undefined));
    return reply.type(FHIR_JSON).send(await careGaps(deps, access(request), {
      periodStart: one('periodStart'), periodEnd: one('periodEnd'), subject: one('subject'), organization: one('organization'), practitioner: one('practitioner'),
      measureId: one('measureId') ?? one('measureUrl'), status: status as Array<'open-gap' | 'closed-gap'>,
    }));
  });
}
