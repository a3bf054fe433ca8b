/**
 * Settles a value-based contract for a performance year under the terms version in effect:
 * - shared savings/losses: the roster of the year's retrospective attribution run, member
 *   months, a benchmark (PMPM × member months × the roster's mean risk score when the terms
 *   say so), expenditure of claims with service in the year received by the run-out cut-off,
 *   truncated per member at a percentile, then core's waterfall;
 * - capitation: PMPM × the roster's member months, optionally × its mean risk score, less the
 *   withhold and what quality returns of it;
 * - bundled episodes: anchors billed by the contract's organization in the year open
 *   episodes; every claim of the member in the window (any provider) counts against the
 *   discounted target, reconciled with stop-gain/stop-loss.
 * The run freezes its inputs — terms version, roster with member months, the claim set (claim
 * ids with the paid cents counted), per-member risk scores, the quality score and its source,
 * the cut-off — and stores them with the outputs computed from them alone
 * (settlement-statement.ts); the database refuses to change a stored run (migration 012), and
 * `verifySettlement` recomputes it from the snapshot and compares byte for byte.
 */
import { TandemError, type AccessContext, type BundleResult, type CapitationResult, type SharedSavingsResult } from '@tandem/core';
import { claimSetByMember, episodeClaims, insertSettlementRun, latestRoster, memberMonthsByMember, recordAudit, reserveNumbers, rosterRiskScores, termsInEffect, type Db } from '@tandem/store';
import type { Deps } from '../deps.ts';
import { parseTerms, type BundleContractTerms, type CapitationContractTerms, type ContractTerms, type SharedSavingsContractTerms } from './contract-terms.ts';
import { contractQualityScore } from './contract-quality.ts';
import { computeStatement, type BundleClaim, type BundleInputs, type BundleSnapshot, type CapitationInputs, type CapitationSnapshot, type QualitySnapshot, type SettlementSnapshot, type SharedSavingsInputs, type SharedSavingsSnapshot } from './settlement-statement.ts';

export { parseTerms, type BundleContractTerms, type CapitationContractTerms, type ContractTerms, type SharedSavingsContractTerms } from './contract-terms.ts';

interface StatementBase {
  readonly id: string;
  readonly contractId: string;
  readonly period: number;
  readonly termsVersion: number;
}

/** A shared-savings statement: its inputs (the frozen snapshot and the figures derived from it) and core's waterfall. */
export interface SettlementStatement extends StatementBase {
  readonly type: 'shared-savings';
  readonly inputs: SharedSavingsInputs;
  readonly outputs: SharedSavingsResult;
}

export interface CapitationStatement extends StatementBase {
  readonly type: 'capitation';
  readonly inputs: CapitationInputs;
  readonly outputs: CapitationResult;
}

export interface BundleStatement extends StatementBase {
  readonly type: 'bundles';
  readonly inputs: BundleInputs;
  readonly outputs: BundleResult;
}

export type AnyStatement = SettlementStatement | CapitationStatement | BundleStatement;

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The roster's payment scores of the payment year's latest risk run, when the terms risk-adjust. */
async function riskSnapshot(db: Db, payerId: string, paymentYear: number, members: readonly string[], riskAdjust: boolean): Promise<{ riskRunId: string | null; riskScores: Record<string, string> }> {
  if (!riskAdjust) return { riskRunId: null, riskScores: {} };
  const risk = await rosterRiskScores(db, payerId, paymentYear, members);
  if (!risk) throw new TandemError('INVALID_REQUEST', `terms are risk-adjusted but there is no risk run for payment year ${paymentYear}: run \`tandem risk run --year ${paymentYear}\` first`);
  return { riskRunId: risk.runId, riskScores: risk.scores };
}

interface Ctx {
  readonly db: Db;
  readonly payerId: string;
  readonly providerOrgId: string;
  readonly period: number;
  readonly from: string;
  readonly to: string;
}

async function roster(c: Ctx) {
  const r = await latestRoster(c.db, c.payerId, c.providerOrgId, c.from, c.to);
  if (!r) throw new TandemError('INVALID_REQUEST', `no retrospective attribution run for ${c.period}: run \`tandem attribute --year ${c.period}\` first`);
  return r;
}

/** Every roster member with its member months in the period (0 when none). */
async function rosterMonths(c: Ctx, members: readonly string[]): Promise<Record<string, number>> {
  const byMember = await memberMonthsByMember(c.db, members, c.from, c.to);
  return Object.fromEntries(members.map((m) => [m, byMember.get(m) ?? 0]));
}

async function sharedSavingsSnapshot(c: Ctx, terms: SharedSavingsContractTerms, quality: QualitySnapshot): Promise<SharedSavingsSnapshot> {
  const r = await roster(c);
  const cutoff = addDays(c.to, terms.runOutDays);
  // Concurrent risk: the scores of payment year period+1 come from the performance year's diagnoses.
  const risk = await riskSnapshot(c.db, c.payerId, c.period + 1, r.members, terms.riskAdjust);
  const claims = await claimSetByMember(c.db, c.payerId, r.members, c.from, c.to, cutoff);
  return { type: 'shared-savings', terms, attributionRunId: r.runId, ...risk, runOutCutoff: cutoff, memberMonthsByMember: await rosterMonths(c, r.members), claims: Object.fromEntries(claims), quality };
}

async function capitationSnapshot(c: Ctx, terms: CapitationContractTerms, quality: QualitySnapshot): Promise<CapitationSnapshot> {
  const r = await roster(c);
  const risk = await riskSnapshot(c.db, c.payerId, c.period + 1, r.members, terms.riskAdjust);
  return { type: 'capitation', terms, attributionRunId: r.runId, ...risk, memberMonthsByMember: await rosterMonths(c, r.members), quality };
}

async function bundleSnapshot(c: Ctx, terms: BundleContractTerms, quality: QualitySnapshot): Promise<BundleSnapshot> {
  // Episodes may run past the year's end: read claims up to the last window's end, received by the cut-off.
  const last = addDays(c.to, terms.windowDays - 1);
  const cutoff = addDays(last, terms.runOutDays);
  const rows = await episodeClaims(c.db, c.payerId, c.providerOrgId, c.from, c.to, last, cutoff);
  const claims: Record<string, BundleClaim[]> = {};
  for (const x of rows) {
    // Only the contract's organization anchors episodes, in the period; other claims count as spend only, so their codes are not frozen.
    const anchor = x.anchorable && x.serviceFrom <= c.to;
    (claims[x.memberKey] ??= []).push(anchor ? [x.claimId, x.serviceFrom, x.paidCents, x.drg, x.procedureCodes] : [x.claimId, x.serviceFrom, x.paidCents]);
  }
  return { type: 'bundles', terms, runOutCutoff: cutoff, claims, quality };
}

export async function settleContract(deps: Deps, ctx: AccessContext, opts: { contractId: string; period: number }): Promise<AnyStatement> {
  if (ctx.orgKind !== 'payer' || !(ctx.role === 'admin' || ctx.role === 'analyst' || ctx.role === 'system')) throw new TandemError('FORBIDDEN', 'only payer administrators and analysts settle contracts');
  const db = deps.store.db;
  const contract = await db.selectFrom('contract').selectAll().where('id', '=', opts.contractId).where('payer_org_id', '=', ctx.orgId).executeTakeFirst();
  if (!contract) throw new TandemError('NOT_FOUND', `contract ${opts.contractId}`);
  const from = `${opts.period}-01-01`;
  const to = `${opts.period}-12-31`;
  const termsRow = await termsInEffect(db, contract.id, to);
  if (!termsRow) throw new TandemError('INVALID_REQUEST', `contract ${contract.id} has no value-based terms in effect in ${opts.period}: add them with \`tandem contract terms --contract ${contract.id} --file terms.json\``);
  const parsed: ContractTerms = parseTerms(termsRow.terms);
  // Measured quality replaces the fixed qualityBps when the terms name measures; either way the run keeps the score and its source.
  const quality: QualitySnapshot = parsed.qualityMeasures ? { source: 'measures', ...(await contractQualityScore(db, ctx, contract.provider_org_id, opts.period, parsed.qualityMeasures)) } : { source: 'terms', scoreBps: parsed.qualityBps };
  const c: Ctx = { db, payerId: ctx.orgId, providerOrgId: contract.provider_org_id, period: opts.period, from, to };
  const snapshot: SettlementSnapshot = parsed.type === 'shared-savings' ? await sharedSavingsSnapshot(c, parsed, quality) : parsed.type === 'capitation' ? await capitationSnapshot(c, parsed, quality) : await bundleSnapshot(c, parsed, quality);
  // The same pure computation the replay runs on the stored snapshot (verify-settlement.ts).
  const { type, inputs, outputs } = computeStatement(snapshot);
  const members = 'members' in inputs ? inputs.members : Object.keys(inputs.expenditureByMember).length;
  const id = await db.transaction().execute(async (trx) => {
    const k = await reserveNumbers(trx as Db, 'settlement-run', 1);
    const runId = `settle-${String(k).padStart(6, '0')}`;
    await insertSettlementRun(trx as Db, { id: runId, contractId: contract.id, termsVersion: termsRow.version, period: opts.period, inputs: { ...inputs }, outputs: { ...outputs } });
    await recordAudit(trx as Db, ctx, { action: 'create', resourceType: 'SettlementRun', resourceId: runId, detail: { contractId: contract.id, period: opts.period, type, members } });
    return runId;
  });
  return { id, contractId: contract.id, period: opts.period, termsVersion: termsRow.version, type, inputs, outputs } as AnyStatement;
}
