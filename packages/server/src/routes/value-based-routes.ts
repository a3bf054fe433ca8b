/**
 * Value-based contracts over HTTP: the contracts a caller is party to, their settlement runs,
 * one statement — identical for the payer and the provider organization — its replay and its
 * per-member claim set; and the payer's record of members' voluntary alignment.
 */
import { TandemError } from '@tandem/core';
import { attributionYears, getSettlement, listSettlements, settlementMemberClaims, visibleContracts } from '@tandem/store';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { access } from '../http/authenticate.ts';
import { contractMember, contractOverview } from '../use-cases/contract-view.ts';
import { settleContract } from '../use-cases/settle-contract.ts';
import { verifySettlement } from '../use-cases/verify-settlement.ts';
import { recordAlignment, removeAlignment, type AlignmentRequest } from '../use-cases/member-alignment.ts';

export function valueBasedRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/api/contracts', { schema: { summary: 'Contracts the caller is a party to' } }, async (request) => {
    const rows = await visibleContracts(deps.store.db, access(request));
    const years = await attributionYears(deps.store.db, [...new Set(rows.map((c) => c.payer_org_id))]);
    return { items: rows.map((c) => ({ id: c.id, name: c.name, payerOrgId: c.payer_org_id, providerOrgId: c.provider_org_id, effectiveFrom: c.effective_from, years: years.get(c.payer_org_id) ?? [] })) };
  });
  app.get<{ Params: { id: string }; Querystring: { year?: string } }>('/api/contracts/:id/overview', { schema: { summary: 'The shared view of a contract for a year: roster, risk, recapture, PMPM, settlements (identical for both parties)' } }, async (request) =>
    contractOverview(deps, access(request), { contractId: request.params.id, year: yearParam(request.query.year) }));
  app.get<{ Params: { id: string; key: string }; Querystring: { year?: string } }>('/api/contracts/:id/members/:key', { schema: { summary: "One roster member's attribution, risk explanation and claims of the year" } }, async (request) =>
    contractMember(deps, access(request), { contractId: request.params.id, memberKey: request.params.key, year: yearParam(request.query.year) }));
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
  app.put<{ Params: { key: string }; Body: AlignmentRequest }>('/api/members/:key/alignment', { schema: { summary: "Record a member's voluntary alignment: the provider organization (and practitioner) they designated; wins over claims at the next attribution run (payer administrators)" } }, async (request) =>
    recordAlignment(deps, access(request), request.params.key, request.body));
  app.delete<{ Params: { key: string } }>('/api/members/:key/alignment', { schema: { summary: "Remove a member's voluntary alignment (payer administrators)" } }, async (request, reply) => {
    await removeAlignment(deps, access(request), request.params.key);
    return reply.status(204).send();
  });
  app.get<{ Params: { id: string } }>('/api/settlements/:id/verify', { schema: { summary: 'Replay a stored settlement from its frozen inputs and compare byte for byte (both parties)' } }, async (request) =>
    verifySettlement(deps, access(request), request.params.id));
  app.get<{ Params: { id: string; key: string } }>('/api/settlements/:id/members/:key', { schema: { summary: "One member's claims as the stored run counted them (the frozen claim set; both parties)" } }, async (request) => {
    const m = await settlementMemberClaims(deps.store.db, access(request), request.params.id, request.params.key);
    if (!m) throw new TandemError('NOT_FOUND', `member ${request.params.key} in settlement ${request.params.id}`);
    return m;
  });
}

function yearParam(v: unknown): number {
  const n = typeof v === 'string' && /^\d{4}$/.test(v) ? Number(v) : NaN;
  if (!(n >= 2000 && n <= 2100)) throw new TandemError('INVALID_REQUEST', 'query parameter year must be a year, e.g. ?year=2026');
  return n;
}
