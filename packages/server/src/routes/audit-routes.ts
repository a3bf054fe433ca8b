/**
 * The audit trail, readable: `GET /api/audit` for an organization's administrators (their
 * organization's events) and the system role (every event, with refused sign-ins of unknown
 * usernames, which belong to no organization). Reading it is itself audited: the events name members.
 */
import { TandemError } from '@tandem/core';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '@tandem/store';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { access } from '../http/authenticate.ts';
import { auditEvents, type AuditFilter } from '../use-cases/audit-trail.ts';

export function auditRoutes(app: FastifyInstance, deps: Deps) {
  app.get<{ Querystring: AuditFilter }>(
    '/api/audit',
    {
      schema: {
        summary: "Audit events, newest first: who read or changed which member's data, sign-ins and refused sign-ins (administrators: their organization's; system: all)",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            member: { type: 'string', maxLength: 200 },
            actor: { type: 'string', maxLength: 200 },
            action: { type: 'string', enum: AUDIT_ACTIONS },
            outcome: { type: 'string', enum: AUDIT_OUTCOMES },
            since: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+(Z|[+-]\\d{2}:\\d{2}))?$' },
            before: { type: 'integer', minimum: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        },
      },
    },
    async (request) => {
      const ctx = access(request);
      if (ctx.role !== 'admin' && ctx.role !== 'system') throw new TandemError('FORBIDDEN', 'the audit trail is for administrators');
      const events = await auditEvents(deps.store.db, ctx, ctx.role === 'system', request.query);
      return { items: events, ...(events.length ? { next: events[events.length - 1]!.id } : {}) };
    },
  );
}
