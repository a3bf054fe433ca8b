/**
 * The dashboard's prior authorization API: the payer's review queue (by due time) or the
 * provider's own requests, one request with its history, the provider's submission form,
 * the reviewer's decisions, and the payer's rule sets.
 */
import { PRIORITIES, REQUEST_STATUSES, TandemError, type PriorAuthRequest, type ReviewerDecision } from '@tandem/core';
import { getPriorAuth, listDeliveries, listPriorAuthEvents, listPriorAuths, loadAuthRuleSets } from '@tandem/store';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { access } from '../../http/authenticate.ts';
import { addAuthRuleSet, type RuleSetInput } from '../../use-cases/prior-auth/auth-rule-sets.ts';
import { appealPriorAuth, decidePriorAuth, requestMoreInformation } from '../../use-cases/prior-auth/review-prior-auth.ts';
import { submitPriorAuth } from '../../use-cases/prior-auth/submit-prior-auth.ts';
import { fhirBase } from './pas-routes.ts';

const OPEN = ['pended', 'info-requested'];

interface FormBody {
  memberId: string;
  priority: (typeof PRIORITIES)[number];
  diagnoses?: string[];
  answers?: Record<string, string | number | boolean>;
  reference?: string;
  items: Array<{ code: string; units?: number; from: string; to?: string; placeOfService?: string }>;
}

const dateSchema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;

export function priorAuthApiRoutes(app: FastifyInstance, deps: Deps) {
  app.get<{ Querystring: { status?: string; limit?: number; offset?: number } }>('/api/prior-auth', {
    schema: {
      summary: 'Prior authorization requests: the payer\'s open queue ordered by due time (status=all for every request), or the provider\'s own requests newest first',
      querystring: { type: 'object', properties: { status: { type: 'string', enum: ['all', 'open', ...REQUEST_STATUSES] }, limit: { type: 'integer', minimum: 1, maximum: 500 }, offset: { type: 'integer', minimum: 0 } } },
    },
  }, async (request) => {
    const ctx = access(request);
    const q = request.query;
    const status = q.status === 'all' ? undefined : q.status === 'open' || (q.status === undefined && ctx.orgKind === 'payer') ? OPEN : q.status ? [q.status] : undefined;
    const { total, rows } = await listPriorAuths(deps.store.db, ctx, deps.clock(), { ...(status ? { status } : {}), limit: q.limit ?? 100, offset: q.offset ?? 0, order: ctx.orgKind === 'payer' && status === OPEN ? 'due' : 'received' });
    return { total, now: deps.clock().toISOString(), requests: rows };
  });

  app.get<{ Params: { id: string } }>('/api/prior-auth/:id', { schema: { summary: 'One prior authorization request with its decision history and notifications', params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } } } }, async (request) => {
    const view = await getPriorAuth(deps.store.db, access(request), request.params.id, deps.clock());
    if (!view) throw new TandemError('NOT_FOUND', `Prior authorization ${request.params.id}`);
    const [events, deliveries] = await Promise.all([listPriorAuthEvents(deps.store.db, view.id), listDeliveries(deps.store.db, view.id)]);
    return { ...view, events, notifications: deliveries.map((d) => ({ at: d.at, subscription: d.subscription_id, event: d.event_number, httpStatus: d.http_status, error: d.error })) };
  });

  app.post<{ Body: FormBody }>('/api/prior-auth', {
    schema: {
      summary: 'Submit a prior authorization request from the dashboard form (the same engine as PAS $submit and X12 278)',
      body: {
        type: 'object', required: ['memberId', 'priority', 'items'], additionalProperties: false,
        properties: {
          memberId: { type: 'string', minLength: 1, maxLength: 80 }, priority: { type: 'string', enum: [...PRIORITIES] }, reference: { type: 'string', maxLength: 50 },
          diagnoses: { type: 'array', maxItems: 12, items: { type: 'string', pattern: '^[A-Za-z][0-9A-Za-z.]{2,7}$' } },
          answers: { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } },
          items: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'object', required: ['code', 'from'], additionalProperties: false, properties: {
            code: { type: 'string', pattern: '^[0-9A-Za-z]{5}$' }, units: { type: 'integer', minimum: 1, maximum: 9999 }, from: dateSchema, to: dateSchema, placeOfService: { type: 'string', pattern: '^\\d{2}$' },
          } } },
        },
      },
    },
  }, async (request, reply) => {
    const b = request.body;
    const now = deps.clock();
    const req: PriorAuthRequest = {
      action: 'submit', submitterRef: { system: 'https://tandem.health/fhir/dashboard-request', value: b.reference?.trim() || `web-${now.getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}` },
      relatedRef: null, priority: b.priority, memberId: b.memberId.trim(), patient: { firstName: null, lastName: null, birthDate: null }, requesterNpi: null,
      diagnoses: (b.diagnoses ?? []).map((d) => d.replace('.', '').toUpperCase()), answers: b.answers ?? {},
      items: b.items.map((it, i) => {
        if (it.to && it.to < it.from) throw new TandemError('INVALID_REQUEST', `items[${i}].to is before items[${i}].from`);
        return { sequence: i + 1, code: it.code.toUpperCase(), codeSystem: /^\d/.test(it.code) ? 'cpt' as const : 'hcpcs' as const, modifiers: [], placeOfService: it.placeOfService ?? null, units: it.units ?? 1, from: it.from, to: it.to ?? it.from, traceNumber: null };
      }),
    };
    const out = await submitPriorAuth(deps, access(request), req, 'dashboard', { form: b });
    if (out.kind === 'member-not-found') throw new TandemError('NOT_FOUND', `Member ${b.memberId} of ${out.payerName}`);
    return reply.status(out.created ? 201 : 200).send(out.view);
  });

  app.post<{ Params: { id: string }; Body: { decisions: ReviewerDecision[] } }>('/api/prior-auth/:id/decision', {
    schema: {
      summary: 'The reviewer approves, modifies (fewer units) or denies pended items; a denial or modification needs a specific reason',
      body: { type: 'object', required: ['decisions'], additionalProperties: false, properties: { decisions: { type: 'array', minItems: 1, items: { type: 'object', required: ['sequence', 'action'], additionalProperties: false, properties: {
        sequence: { type: 'integer', minimum: 1 }, action: { type: 'string', enum: ['approved', 'modified', 'denied'] }, unitsApproved: { type: 'integer', minimum: 1 }, reason: { type: 'string', maxLength: 1000 },
      } } } } },
    },
  }, async (request) => decidePriorAuth(deps, access(request), request.params.id, request.body.decisions, fhirBase(request)));

  app.post<{ Params: { id: string }; Body: { message: string; extend?: boolean } }>('/api/prior-auth/:id/request-info', {
    schema: {
      summary: 'The reviewer asks the submitter for more information (optionally extending a standard request\'s time frame by 14 days, once)',
      body: { type: 'object', required: ['message'], additionalProperties: false, properties: { message: { type: 'string', maxLength: 1000 }, extend: { type: 'boolean' } } },
    },
  }, async (request) => requestMoreInformation(deps, access(request), request.params.id, { message: request.body.message, extend: request.body.extend ?? false }, fhirBase(request)));

  app.post<{ Params: { id: string }; Body: { reason: string } }>('/api/prior-auth/:id/appeal', {
    schema: {
      summary: 'The requesting provider appeals a denial: the denied services return to review on the appeal clock (30 days standard, 72 hours expedited)',
      body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', maxLength: 2000 } } },
    },
  }, async (request) => appealPriorAuth(deps, access(request), request.params.id, request.body.reason));

  app.get('/api/prior-auth/rule-sets', { schema: { summary: 'The payer\'s prior authorization rule sets (all versions)' } }, async (request) => {
    const ctx = access(request);
    if (ctx.orgKind !== 'payer') throw new TandemError('FORBIDDEN', 'rule sets are the payer\'s; providers read the public list at /prior-authorization/services.json');
    return loadAuthRuleSets(deps.store.db, ctx.orgId);
  });

  app.post<{ Body: RuleSetInput }>('/api/prior-auth/rule-sets', {
    schema: {
      summary: 'Add a version of the prior authorization rules (payer administrators)',
      body: { type: 'object', required: ['effectiveFrom', 'rules'], additionalProperties: false, properties: { planIds: { type: ['array', 'null'], items: { type: 'string' } }, effectiveFrom: { type: 'string' }, effectiveTo: { type: ['string', 'null'] }, rules: { type: 'array' } } },
    },
  }, async (request, reply) => reply.status(201).send(await addAuthRuleSet(deps, access(request), request.body)));
}
