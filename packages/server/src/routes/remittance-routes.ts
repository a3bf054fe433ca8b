import { TandemError } from '@tandem/core';
import { getRemittanceX12, listRemittances } from '@tandem/store';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { access } from '../http/authenticate.ts';
import { runRemittance } from '../use-cases/run-remittance.ts';

export function remittanceRoutes(app: FastifyInstance, deps: Deps) {
  app.post('/api/remittances', { schema: { summary: 'Run remittance: one 835 per payee for every adjudicated, unremitted claim (payer only)' } }, async (request) => {
    const runs = await runRemittance(deps, access(request));
    return { remittances: runs.map(({ x12: _x12, ...r }) => r) };
  });
  app.get('/api/remittances', { schema: { summary: '835 remittances visible to the caller' } }, async (request) => {
    const rows = await listRemittances(deps.store.db, access(request));
    return { items: rows.map((r) => ({ id: r.id, payeeNpi: r.payee_npi, payeeName: r.payee_name, traceNumber: r.trace_number, paymentDate: r.payment_date, totalPaidCents: r.total_paid_cents, claimCount: r.claim_count, createdAt: r.created_at })) };
  });
  app.get<{ Params: { id: string } }>('/api/remittances/:id/835', { schema: { summary: 'The 835 (X12 005010X221A1) of one remittance' } }, async (request, reply) => {
    const x12 = await getRemittanceX12(deps.store.db, access(request), request.params.id);
    if (!x12) throw new TandemError('NOT_FOUND', `Remittance ${request.params.id}`);
    return reply.type('application/edi-x12').send(x12);
  });
}
