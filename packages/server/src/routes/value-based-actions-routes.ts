/**
 * The value-based actions over HTTP — the same use cases as `tandem attribute`, `tandem risk
 * run` and `tandem contract terms`: run attribution (MSSP, 42 CFR 425.402), run CMS-HCC V28
 * risk adjustment, list the runs (payer staff), and read (both parties) or add (payer
 * administrators) versions of a contract's terms. The use cases check who may, and audit.
 */
import { TandemError } from '@tandem/core';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { access } from '../http/authenticate.ts';
import { listAttributionRuns, listRiskRuns } from '../use-cases/list-value-based-runs.ts';
import { addContractTermsVersion, listContractTerms } from '../use-cases/manage-contract-terms.ts';
import { runAttribution, type WindowKind } from '../use-cases/run-attribution.ts';
import { runRiskAdjustment } from '../use-cases/run-risk.ts';
import { HCC_PARAMETERS_DEFAULT } from '../reference-data/hcc-v28.ts';

const WINDOWS: readonly WindowKind[] = ['retrospective', 'prospective'];

function yearField(body: Record<string, unknown>, name: string): number {
  const v = body[name];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 2000 || v > 2100) throw new TandemError('INVALID_REQUEST', `body.${name} must be a year from 2000 to 2100, e.g. {"${name}": 2026}`);
  return v;
}

/** A decimal parameter of the payment year, as `tandem risk run --normalization/--coding-intensity` take it. */
function decimalField(body: Record<string, unknown>, name: string, fallback: string): string {
  const v = body[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\d+(\.\d+)?$/.test(v)) throw new TandemError('INVALID_REQUEST', `body.${name} must be a decimal number as a string, e.g. "${fallback}"`);
  return v;
}

const bodyOf = (b: unknown): Record<string, unknown> => (b !== null && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {});

export function valueBasedActionsRoutes(app: FastifyInstance, deps: Deps) {
  app.post('/api/attribution-runs', { schema: { summary: 'Attribute members to provider organizations for a year (payer staff); the run summary per contract' } }, async (request) => {
    const body = bodyOf(request.body);
    const year = yearField(body, 'year');
    const window = body['window'] ?? 'retrospective';
    if (!WINDOWS.includes(window as WindowKind)) throw new TandemError('INVALID_REQUEST', "body.window must be 'retrospective' or 'prospective'");
    // The per-member changes stay out of the answer: rosters are read, and audited, per contract.
    const { changes, ...summary } = await runAttribution(deps, access(request), { year, window: window as WindowKind });
    return { ...summary, changeCount: changes.length };
  });
  app.get('/api/attribution-runs', { schema: { summary: "The payer's attribution runs, newest first (payer staff)" } }, async (request) => listAttributionRuns(deps, access(request)));
  app.post('/api/risk-runs', { schema: { summary: 'Score every Medicare Advantage member with CMS-HCC V28 for a payment year (payer staff); the run summary' } }, async (request) => {
    const body = bodyOf(request.body);
    const paymentYear = yearField(body, 'paymentYear');
    const parameters = { normalization: decimalField(body, 'normalization', HCC_PARAMETERS_DEFAULT.normalization), codingIntensity: decimalField(body, 'codingIntensity', HCC_PARAMETERS_DEFAULT.codingIntensity) };
    return runRiskAdjustment(deps, access(request), { paymentYear, parameters });
  });
  app.get('/api/risk-runs', { schema: { summary: "The payer's risk adjustment runs, newest first (payer staff)" } }, async (request) => listRiskRuns(deps, access(request)));
  app.get<{ Params: { id: string } }>('/api/contracts/:id/terms', { schema: { summary: "Every version of a contract's value-based terms, newest first (both parties)" } }, async (request) =>
    listContractTerms(deps, access(request), request.params.id));
  app.post<{ Params: { id: string } }>('/api/contracts/:id/terms', { schema: { summary: "Add a version of a contract's terms: {effective, terms} (payer administrators)" } }, async (request) => {
    const body = bodyOf(request.body);
    return addContractTermsVersion(deps, access(request), { contractId: request.params.id, effective: body['effective'], terms: body['terms'] });
  });
}
