import { TandemError } from '@tandem/core';
import { claimsSummary, getClaim, listClaims } from '@tandem/store';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { access } from '../http/authenticate.ts';

export function claimsRoutes(app: FastifyInstance, deps: Deps) {
  app.get<{ Querystring: { limit?: number; offset?: number; status?: string; q?: string } }>(
    '/api/claims',
    {
      schema: {
        summary: 'Claims visible to the caller (payer: its members; provider: its own), newest first',
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 500 }, offset: { type: 'integer', minimum: 0 }, status: { type: 'string', enum: ['paid', 'partial', 'denied', 'duplicate'] }, q: { type: 'string', maxLength: 100 } } },
      },
    },
    async (request) => listClaims(deps.store.db, access(request), request.query),
  );
  app.get('/api/claims/summary', { schema: { summary: 'Totals, monthly series and top denial reasons for the caller\'s claims' } }, async (request) =>
    claimsSummary(deps.store.db, access(request)),
  );
  app.get<{ Params: { id: string } }>(
    '/api/claims/:id',
    { schema: { summary: 'One claim with its lines and adjustments', params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } } } },
    async (request) => {
      const claim = await getClaim(deps.store.db, access(request), request.params.id);
      // A claim outside the caller's scope is indistinguishable from a missing one.
      if (!claim) throw new TandemError('NOT_FOUND', `Claim ${request.params.id}`);
      return claim;
    },
  );
}
