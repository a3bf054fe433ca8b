/**
 * Value-based contracts over HTTP: the contracts a caller is party to, their settlement runs,
 * and one statement — identical for the payer and the provider organization.
 */
import { TandemError } from '@tandem/core';
import { getSettlement, listSettlements, visibleContracts } from '@tandem/store';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { access } from '../http/authenticate.ts';
import { settleContract } from '../use-cases/settle-contract.ts';

export function valueBasedRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/api/contracts', { schema: { summary: 'Contracts the caller is a party to' } }, async (request) => {
    const rows = await visibleContracts(deps.store.db, access(request));
    return { items: rows.map((c) => ({ id: c.id, name: c.name, payerOrgId: c.payer_org_id, providerOrgId: c.provider_org_id, effectiveFrom: c.effective_from })) };
  });
  app.get<{ Params: { id: string } }>('/api/contracts/:id/settlements', { schema: { summary: 'Settlement runs of a contract (both parties)' } }, async (request) => {
    const rows = await listSettlements(deps.store.db, access(request), request.params.id);
    if (!rows) throw new TandemError('NOT_FOUND', `contract ${request.params.id}`);
    return { items: rows.map((r) => ({ id: r.id, period: r.period, termsVersion: r.terms_version, createdAt: r.created_at, paymentCents: Number(r.payment_cents) })) };
  });
  app.post<{ Params: { id: string }; Body: { period?: unknown } }>('/api/contracts/:id/settlements', { schema: { summary: 'Settle a contract for a performance year (payer only)' } }, async (request) => {
    const period = request.body?.period;
    if (typeof period !== 'number' || !Number.isInteger(period) || period < 2000 || period > 2100) throw new TandemError('INVALID_REQUEST', 'body.period must be a year, e.g. {"period": 2026}');
    return settleContract(deps, access(request), { contractId: request.params.id, period });
  });
  app.get<{ Params: { id: string } }>('/api/settlements/:id', { schema: { summary: 'One settlement statement: inputs, waterfall, per-member expenditure (both parties see the same)' } }, async (request) => {
    const s = await getSettlement(deps.store.db, access(request), request.params.id);
    if (!s) throw new TandemError('NOT_FOUND', `settlement ${request.params.id}`);
    return s;
  });
}
