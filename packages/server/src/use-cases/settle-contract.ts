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
 * Inputs and outputs are stored together as an immutable run; the same inputs give
 * byte-identical outputs.
 */
import { findEpisodes, settleBundles, settleCapitation, settleSharedSavings, TandemError, truncateExpenditures, type AccessContext, type BundleResult, type CapitationResult, type SharedSavingsResult } from '@tandem/core';
import { episodeClaims, expenditureByMember, insertSettlementRun, latestRoster, memberMonths, memberMonthsByMember, recordAudit, reserveNumbers, rosterRiskScores, termsInEffect, type Db } from '@tandem/store';
import type { Deps } from '../deps.ts';
import { parseTerms, type BundleContractTerms, type CapitationContractTerms, type ContractTerms, type SharedSavingsContractTerms } from './contract-terms.ts';
import { contractQualityScore } from './contract-quality.ts';

export { parseTerms, type BundleContractTerms, type CapitationContractTerms, type ContractTerms, type SharedSavingsContractTerms } from './contract-terms.ts';

interface StatementBase {
  readonly id: string;
  readonly contractId: string;
  readonly period: number;
  readonly termsVersion: number;
}

/** A shared-savings statement: its inputs and core's waterfall. */
export interface SettlementStatement extends StatementBase {
  readonly type: 'shared-savings';
  readonly inputs: {
    attributionRunId: string; riskRunId: string | null; members: number; memberMonths: number; meanRiskScore: string; runOutCutoff: string;
    benchmarkCents: number; expenditureCents: number; truncationCapCents: number; truncatedMembers: number; qualityBps: number;
    expenditureByMember: Record<string, number>;
  };
  readonly outputs: SharedSavingsResult;
}

export interface CapitationStatement extends StatementBase {
  readonly type: 'capitation';
  readonly inputs: { attributionRunId: string; riskRunId: string | null; members: number; memberMonths: number; meanRiskScore: string; qualityBps: number; memberMonthsByMember: Record<string, number> };
  readonly outputs: CapitationResult;
}

export interface BundleStatement extends StatementBase {
  readonly type: 'bundles';
  readonly inputs: { runOutCutoff: string; qualityBps: number; episodes: number; expenditureByMember: Record<string, number> };
  readonly outputs: BundleResult;
}

export type AnyStatement = SettlementStatement | CapitationStatement | BundleStatement;

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The roster's mean payment score ×10000 (members without a score count 1.0000), half up. */
async function meanRisk(db: Db, payerId: string, paymentYear: number, members: readonly string[], riskAdjust: boolean): Promise<{ riskRunId: string | null; meanE4: bigint; meanRiskScore: string }> {
  let riskRunId: string | null = null;
  let scoreSumE4 = BigInt(members.length) * 10000n;
  if (riskAdjust) {
    const risk = await rosterRiskScores(db, payerId, paymentYear, members);
    if (!risk) throw new TandemError('INVALID_REQUEST', `terms are risk-adjusted but there is no risk run for payment year ${paymentYear}: run \`tandem risk run --year ${paymentYear}\` first`);
    riskRunId = risk.runId;
    scoreSumE4 = BigInt(members.length - risk.scores.length) * 10000n + risk.scores.reduce((s, x) => s + BigInt(x.replace('.', '')), 0n); // numeric(8,4): always four places
  }
  const n = BigInt(Math.max(members.length, 1));
  const meanE4 = (2n * scoreSumE4 + n) / (2n * n);
  return { riskRunId, meanE4, meanRiskScore: `${meanE4 / 10000n}.${(meanE4 % 10000n).toString().padStart(4, '0')}` };
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

async function sharedSavingsStatement(c: Ctx, terms: SharedSavingsContractTerms): Promise<Pick<SettlementStatement, 'inputs' | 'outputs'>> {
  const r = await roster(c);
  const months = await memberMonths(c.db, r.members, c.from, c.to);
  // Concurrent risk: the scores of payment year period+1 come from the performance year's diagnoses.
  const risk = await meanRisk(c.db, c.payerId, c.period + 1, r.members, terms.riskAdjust);
  // benchmark = PMPM × member months × mean score, half up to the cent.
  const num = BigInt(terms.benchmarkPmpmCents) * BigInt(months) * risk.meanE4;
  const benchmarkCents = Number((2n * num + 10000n) / 20000n);
  const cutoff = addDays(c.to, terms.runOutDays);
  const byMember = await expenditureByMember(c.db, c.payerId, r.members, c.from, c.to, cutoff);
  const perMember = r.members.map((m) => byMember.get(m) ?? 0);
  const trunc = truncateExpenditures(perMember, terms.truncationPercentileBps);
  const outputs = settleSharedSavings(terms, { benchmarkCents, expenditureCents: trunc.totalCents, assigned: r.members.length, qualityBps: terms.qualityBps });
  return {
    inputs: {
      attributionRunId: r.runId, riskRunId: risk.riskRunId, members: r.members.length, memberMonths: months, meanRiskScore: risk.meanRiskScore, runOutCutoff: cutoff,
      benchmarkCents, expenditureCents: trunc.totalCents, truncationCapCents: trunc.capCents, truncatedMembers: trunc.truncated, qualityBps: terms.qualityBps,
      expenditureByMember: Object.fromEntries(r.members.map((m, i) => [m, perMember[i]!])),
    },
    outputs,
  };
}

async function capitationStatement(c: Ctx, terms: CapitationContractTerms): Promise<Pick<CapitationStatement, 'inputs' | 'outputs'>> {
  const r = await roster(c);
  const byMember = await memberMonthsByMember(c.db, r.members, c.from, c.to);
  const months = r.members.reduce((s, m) => s + (byMember.get(m) ?? 0), 0);
  const risk = await meanRisk(c.db, c.payerId, c.period + 1, r.members, terms.riskAdjust);
  const outputs = settleCapitation(terms, { memberMonths: months, ...(terms.riskAdjust ? { riskScoreE4: Number(risk.meanE4) } : {}), qualityBps: terms.qualityBps });
  return {
    inputs: { attributionRunId: r.runId, riskRunId: risk.riskRunId, members: r.members.length, memberMonths: months, meanRiskScore: risk.meanRiskScore, qualityBps: terms.qualityBps, memberMonthsByMember: Object.fromEntries(r.members.map((m) => [m, byMember.get(m) ?? 0])) },
    outputs,
  };
}

async function bundleStatement(c: Ctx, terms: BundleContractTerms): Promise<Pick<BundleStatement, 'inputs' | 'outputs'>> {
  // Episodes may run past the year's end: read claims up to the last window's end, received by the cut-off.
  const last = addDays(c.to, terms.windowDays - 1);
  const cutoff = addDays(last, terms.runOutDays);
  const claims = await episodeClaims(c.db, c.payerId, c.providerOrgId, c.from, c.to, last, cutoff);
  // Only the contract's organization anchors episodes; other providers' claims count as spend only.
  const episodes = findEpisodes(claims.map((x) => (x.anchorable && x.serviceFrom <= c.to ? x : { ...x, drg: null, procedureCodes: [] })), terms);
  const outputs = settleBundles(terms, episodes, terms.qualityBps);
  const byMember: Record<string, number> = {};
  for (const e of episodes) byMember[e.memberKey] = (byMember[e.memberKey] ?? 0) + e.actualCents;
  return { inputs: { runOutCutoff: cutoff, qualityBps: terms.qualityBps, episodes: episodes.length, expenditureByMember: byMember }, outputs };
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
  // Measured quality replaces the fixed qualityBps when the terms name measures.
  const quality = parsed.qualityMeasures ? await contractQualityScore(db, ctx, contract.provider_org_id, opts.period, parsed.qualityMeasures) : null;
  const terms: ContractTerms = quality ? { ...parsed, qualityBps: quality.scoreBps } : parsed;
  const c: Ctx = { db, payerId: ctx.orgId, providerOrgId: contract.provider_org_id, period: opts.period, from, to };
  const { inputs, outputs } = terms.type === 'shared-savings' ? await sharedSavingsStatement(c, terms) : terms.type === 'capitation' ? await capitationStatement(c, terms) : await bundleStatement(c, terms);
  const members = 'members' in inputs ? inputs.members : Object.keys(inputs.expenditureByMember).length;
  const id = await db.transaction().execute(async (trx) => {
    const k = await reserveNumbers(trx as Db, 'settlement-run', 1);
    const runId = `settle-${String(k).padStart(6, '0')}`;
    await insertSettlementRun(trx as Db, { id: runId, contractId: contract.id, termsVersion: termsRow.version, period: opts.period, inputs: { type: terms.type, ...inputs, terms: parsed, ...(quality ? { quality } : {}) }, outputs: { ...outputs } });
    await recordAudit(trx as Db, ctx, { action: 'create', resourceType: 'SettlementRun', resourceId: runId, detail: { contractId: contract.id, period: opts.period, type: terms.type, members } });
    return runId;
  });
  return { id, contractId: contract.id, period: opts.period, termsVersion: termsRow.version, type: terms.type, inputs, outputs } as AnyStatement;
}
