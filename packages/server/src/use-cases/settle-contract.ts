/**
 * Settles a value-based contract for a performance year (shared savings/losses): the terms
 * version in effect, the roster of the year's retrospective attribution run, member months,
 * a benchmark (PMPM × member months × the roster's mean risk score when the terms say so),
 * expenditure of claims with service in the year received by the run-out cut-off, truncated
 * per member at a percentile, then core's waterfall. Inputs and outputs are stored together
 * as an immutable run; the same inputs give byte-identical outputs.
 */
import { settleSharedSavings, TandemError, truncateExpenditures, type AccessContext, type SharedSavingsResult, type SharedSavingsTerms } from '@tandem/core';
import { expenditureByMember, insertSettlementRun, latestRoster, memberMonths, recordAudit, reserveNumbers, rosterRiskScores, termsInEffect, type Db } from '@tandem/store';
import type { Deps } from '../deps.ts';

export interface SharedSavingsContractTerms extends SharedSavingsTerms {
  readonly type: 'shared-savings';
  /** Benchmark per member per month at a risk score of 1.0, in cents. */
  readonly benchmarkPmpmCents: number;
  /** Scale the benchmark by the roster's mean CMS-HCC payment score (concurrent: diagnoses of the performance year). */
  readonly riskAdjust: boolean;
  /** Per-member expenditure is truncated at this percentile (bp), e.g. 9900. */
  readonly truncationPercentileBps: number;
  /** Claims received up to this many days after the year count. */
  readonly runOutDays: number;
  /** Quality score (bp) used until the quality engine supplies one. */
  readonly qualityBps: number;
}

const int = (v: unknown, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new TandemError('INVALID_REQUEST', `terms.${name} must be a whole number from ${min} to ${max}`);
  return v;
};

/** Checks terms JSON, naming the first field that is wrong. */
export function parseTerms(raw: unknown): SharedSavingsContractTerms {
  const t = (raw ?? {}) as Record<string, unknown>;
  if (t['type'] !== 'shared-savings') throw new TandemError('INVALID_REQUEST', "terms.type must be 'shared-savings' (capitation and bundles are not built yet)");
  if (t['track'] !== 'one-sided' && t['track'] !== 'two-sided') throw new TandemError('INVALID_REQUEST', "terms.track must be 'one-sided' or 'two-sided'");
  const msr = t['minimumSavingsRate'] === 'variable' ? 'variable' : int(t['minimumSavingsRate'], 'minimumSavingsRate', 0, 10000);
  return {
    type: 'shared-savings', track: t['track'], sharingRateBps: int(t['sharingRateBps'], 'sharingRateBps', 0, 10000),
    ...(t['lossSharingRateBps'] !== undefined ? { lossSharingRateBps: int(t['lossSharingRateBps'], 'lossSharingRateBps', 0, 10000) } : {}),
    minimumSavingsRate: msr, savingsCapBps: int(t['savingsCapBps'], 'savingsCapBps', 0, 10000),
    ...(t['lossCapBps'] !== undefined ? { lossCapBps: int(t['lossCapBps'], 'lossCapBps', 0, 10000) } : {}),
    qualityGateBps: int(t['qualityGateBps'], 'qualityGateBps', 0, 10000), sequestrationBps: int(t['sequestrationBps'], 'sequestrationBps', 0, 10000),
    benchmarkPmpmCents: int(t['benchmarkPmpmCents'], 'benchmarkPmpmCents'), riskAdjust: t['riskAdjust'] === true,
    truncationPercentileBps: int(t['truncationPercentileBps'], 'truncationPercentileBps', 1, 10000), runOutDays: int(t['runOutDays'], 'runOutDays', 0, 3650),
    qualityBps: int(t['qualityBps'], 'qualityBps', 0, 10000),
  };
}

export interface SettlementStatement {
  readonly id: string;
  readonly contractId: string;
  readonly period: number;
  readonly termsVersion: number;
  readonly inputs: {
    attributionRunId: string; riskRunId: string | null; members: number; memberMonths: number; meanRiskScore: string; runOutCutoff: string;
    benchmarkCents: number; expenditureCents: number; truncationCapCents: number; truncatedMembers: number; qualityBps: number;
    expenditureByMember: Record<string, number>;
  };
  readonly outputs: SharedSavingsResult;
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export async function settleContract(deps: Deps, ctx: AccessContext, opts: { contractId: string; period: number }): Promise<SettlementStatement> {
  if (ctx.orgKind !== 'payer' || !(ctx.role === 'admin' || ctx.role === 'analyst' || ctx.role === 'system')) throw new TandemError('FORBIDDEN', 'only payer administrators and analysts settle contracts');
  const db = deps.store.db;
  const contract = await db.selectFrom('contract').selectAll().where('id', '=', opts.contractId).where('payer_org_id', '=', ctx.orgId).executeTakeFirst();
  if (!contract) throw new TandemError('NOT_FOUND', `contract ${opts.contractId}`);
  const from = `${opts.period}-01-01`;
  const to = `${opts.period}-12-31`;
  const termsRow = await termsInEffect(db, contract.id, to);
  if (!termsRow) throw new TandemError('INVALID_REQUEST', `contract ${contract.id} has no value-based terms in effect in ${opts.period}: add them with \`tandem contract terms --contract ${contract.id} --file terms.json\``);
  const terms = parseTerms(termsRow.terms);
  const roster = await latestRoster(db, ctx.orgId, contract.provider_org_id, from, to);
  if (!roster) throw new TandemError('INVALID_REQUEST', `no retrospective attribution run for ${opts.period}: run \`tandem attribute --year ${opts.period}\` first`);
  const months = await memberMonths(db, roster.members, from, to);
  // Concurrent risk: the scores of payment year period+1 come from the performance year's diagnoses.
  // Members without a score (not Medicare Advantage) count at 1.0000.
  let riskRunId: string | null = null;
  let scoreSumE4 = BigInt(roster.members.length) * 10000n;
  if (terms.riskAdjust) {
    const risk = await rosterRiskScores(db, ctx.orgId, opts.period + 1, roster.members);
    if (!risk) throw new TandemError('INVALID_REQUEST', `terms are risk-adjusted but there is no risk run for payment year ${opts.period + 1}: run \`tandem risk run --year ${opts.period + 1}\` first`);
    riskRunId = risk.runId;
    scoreSumE4 = BigInt(roster.members.length - risk.scores.length) * 10000n + risk.scores.reduce((s, x) => s + BigInt(x.replace('.', '')), 0n); // numeric(8,4): always four places
  }
  const n = BigInt(Math.max(roster.members.length, 1));
  const meanE4 = (2n * scoreSumE4 + n) / (2n * n);
  const meanRiskScore = `${meanE4 / 10000n}.${(meanE4 % 10000n).toString().padStart(4, '0')}`;
  // benchmark = PMPM × member months × mean score, half up to the cent.
  const num = BigInt(terms.benchmarkPmpmCents) * BigInt(months) * meanE4;
  const benchmarkCents = Number((2n * num + 10000n) / 20000n);
  const cutoff = addDays(to, terms.runOutDays);
  const byMember = await expenditureByMember(db, ctx.orgId, roster.members, from, to, cutoff);
  const perMember = roster.members.map((m) => byMember.get(m) ?? 0);
  const trunc = truncateExpenditures(perMember, terms.truncationPercentileBps);
  const outputs = settleSharedSavings(terms, { benchmarkCents, expenditureCents: trunc.totalCents, assigned: roster.members.length, qualityBps: terms.qualityBps });
  const inputs: SettlementStatement['inputs'] = {
    attributionRunId: roster.runId, riskRunId, members: roster.members.length, memberMonths: months, meanRiskScore, runOutCutoff: cutoff,
    benchmarkCents, expenditureCents: trunc.totalCents, truncationCapCents: trunc.capCents, truncatedMembers: trunc.truncated, qualityBps: terms.qualityBps,
    expenditureByMember: Object.fromEntries(roster.members.map((m, i) => [m, perMember[i]!])),
  };
  const id = await db.transaction().execute(async (trx) => {
    const k = await reserveNumbers(trx as Db, 'settlement-run', 1);
    const runId = `settle-${String(k).padStart(6, '0')}`;
    await insertSettlementRun(trx as Db, { id: runId, contractId: contract.id, termsVersion: termsRow.version, period: opts.period, inputs: { ...inputs, terms }, outputs: { ...outputs } });
    await recordAudit(trx as Db, ctx, { action: 'create', resourceType: 'SettlementRun', resourceId: runId, detail: { contractId: contract.id, period: opts.period, members: roster.members.length } });
    return runId;
  });
  return { id, contractId: contract.id, period: opts.period, termsVersion: termsRow.version, inputs, outputs };
}
