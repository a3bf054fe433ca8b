/**
 * A settlement statement computed from its frozen inputs alone — no database, no clock. The
 * settlement run (settle-contract.ts) gathers the snapshot from the store and calls these; the
 * replay (verify-settlement.ts) calls the same functions on the snapshot stored with the run,
 * so a stored run can be recomputed and compared byte for byte however the live claims,
 * rosters or risk scores have changed since.
 *
 * The snapshot is compact so a 100,000-member run stays small: per member the claim ids with
 * the paid cents counted (`[id, cents]`; bundles add the service date, and for claims that may
 * anchor an episode the MS-DRG and procedure codes), member months, and the payment risk score
 * (members without one count 1.0000).
 */
import { findEpisodes, settleBundles, settleCapitation, settleSharedSavings, truncateExpenditures, type BundleResult, type CapitationResult, type EpisodeClaim, type SharedSavingsResult } from '@tandem/core';
import type { ContractQuality } from './contract-quality.ts';
import { parseTerms, type BundleContractTerms, type CapitationContractTerms, type SharedSavingsContractTerms } from './contract-terms.ts';

/** The quality score a run used and where it came from: the terms' fixed `qualityBps`, or the contract's measure results. */
export type QualitySnapshot = { readonly source: 'terms'; readonly scoreBps: number } | ({ readonly source: 'measures' } & ContractQuality);

/** A claim counted by shared savings: its id and the paid cents counted. */
export type CountedClaim = readonly [claimId: string, paidCents: number];
/** A claim read by bundles: id, service date, paid cents; for a claim that may anchor an episode also its MS-DRG and procedure codes. */
export type BundleClaim = readonly [claimId: string, serviceFrom: string, paidCents: number] | readonly [claimId: string, serviceFrom: string, paidCents: number, drg: string | null, procedureCodes: readonly string[]];

export interface SharedSavingsSnapshot {
  readonly type: 'shared-savings';
  readonly terms: SharedSavingsContractTerms;
  readonly attributionRunId: string;
  readonly riskRunId: string | null;
  readonly runOutCutoff: string;
  /** Every roster member, with its member months in the period (0 allowed). */
  readonly memberMonthsByMember: Readonly<Record<string, number>>;
  /** Payment scores (4 decimals) of the roster members the risk run scored; empty when the terms do not risk-adjust. */
  readonly riskScores: Readonly<Record<string, string>>;
  /** The claim set: per member with claims, the claims with service in the period received by the cut-off. */
  readonly claims: Readonly<Record<string, readonly CountedClaim[]>>;
  readonly quality: QualitySnapshot;
}

export interface CapitationSnapshot {
  readonly type: 'capitation';
  readonly terms: CapitationContractTerms;
  readonly attributionRunId: string;
  readonly riskRunId: string | null;
  readonly memberMonthsByMember: Readonly<Record<string, number>>;
  readonly riskScores: Readonly<Record<string, string>>;
  readonly quality: QualitySnapshot;
}

export interface BundleSnapshot {
  readonly type: 'bundles';
  readonly terms: BundleContractTerms;
  readonly runOutCutoff: string;
  /** Every claim of the members the organization treated, with service from the period's start to its last episode day, received by the cut-off. */
  readonly claims: Readonly<Record<string, readonly BundleClaim[]>>;
  readonly quality: QualitySnapshot;
}

export type SettlementSnapshot = SharedSavingsSnapshot | CapitationSnapshot | BundleSnapshot;

export type SharedSavingsInputs = SharedSavingsSnapshot & {
  members: number; memberMonths: number; meanRiskScore: string; benchmarkCents: number; expenditureCents: number; truncationCapCents: number; truncatedMembers: number; qualityBps: number;
  expenditureByMember: Record<string, number>;
};
export type CapitationInputs = CapitationSnapshot & { members: number; memberMonths: number; meanRiskScore: string; qualityBps: number };
export type BundleInputs = BundleSnapshot & { qualityBps: number; episodes: number; expenditureByMember: Record<string, number> };

export type Computed =
  | { readonly type: 'shared-savings'; readonly inputs: SharedSavingsInputs; readonly outputs: SharedSavingsResult }
  | { readonly type: 'capitation'; readonly inputs: CapitationInputs; readonly outputs: CapitationResult }
  | { readonly type: 'bundles'; readonly inputs: BundleInputs; readonly outputs: BundleResult };

/** Code-unit order: the same on every machine and every database collation. */
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The roster's mean payment score ×10000 (members without a score count 1.0000), half up, and its text. */
export function meanRiskE4(roster: readonly string[], scores: Readonly<Record<string, string>>): { meanE4: bigint; meanRiskScore: string } {
  let sumE4 = 0n;
  for (const m of roster) sumE4 += m in scores ? BigInt(scores[m]!.replace('.', '')) : 10000n; // numeric(8,4) text: always four places
  const n = BigInt(Math.max(roster.length, 1));
  const meanE4 = (2n * sumE4 + n) / (2n * n);
  return { meanE4, meanRiskScore: `${meanE4 / 10000n}.${(meanE4 % 10000n).toString().padStart(4, '0')}` };
}

function sharedSavings(s: SharedSavingsSnapshot): Computed {
  const terms = { ...(parseTerms(s.terms) as SharedSavingsContractTerms), qualityBps: s.quality.scoreBps };
  const roster = Object.keys(s.memberMonthsByMember).sort(byCodeUnit);
  const months = roster.reduce((t, m) => t + s.memberMonthsByMember[m]!, 0);
  const risk = meanRiskE4(roster, terms.riskAdjust ? s.riskScores : {});
  // benchmark = PMPM × member months × mean score, half up to the cent.
  const num = BigInt(terms.benchmarkPmpmCents) * BigInt(months) * risk.meanE4;
  const benchmarkCents = Number((2n * num + 10000n) / 20000n);
  const perMember = roster.map((m) => (s.claims[m] ?? []).reduce((t, c) => t + c[1], 0));
  const trunc = truncateExpenditures(perMember, terms.truncationPercentileBps);
  const outputs = settleSharedSavings(terms, { benchmarkCents, expenditureCents: trunc.totalCents, assigned: roster.length, qualityBps: terms.qualityBps });
  return {
    type: 'shared-savings',
    inputs: {
      ...s, members: roster.length, memberMonths: months, meanRiskScore: risk.meanRiskScore, benchmarkCents, expenditureCents: trunc.totalCents,
      truncationCapCents: trunc.capCents, truncatedMembers: trunc.truncated, qualityBps: terms.qualityBps, expenditureByMember: Object.fromEntries(roster.map((m, i) => [m, perMember[i]!])),
    },
    outputs,
  };
}

function capitation(s: CapitationSnapshot): Computed {
  const terms = { ...(parseTerms(s.terms) as CapitationContractTerms), qualityBps: s.quality.scoreBps };
  const roster = Object.keys(s.memberMonthsByMember).sort(byCodeUnit);
  const months = roster.reduce((t, m) => t + s.memberMonthsByMember[m]!, 0);
  const risk = meanRiskE4(roster, terms.riskAdjust ? s.riskScores : {});
  const outputs = settleCapitation(terms, { memberMonths: months, ...(terms.riskAdjust ? { riskScoreE4: Number(risk.meanE4) } : {}), qualityBps: terms.qualityBps });
  return { type: 'capitation', inputs: { ...s, members: roster.length, memberMonths: months, meanRiskScore: risk.meanRiskScore, qualityBps: terms.qualityBps }, outputs };
}

function bundles(s: BundleSnapshot): Computed {
  const terms = { ...(parseTerms(s.terms) as BundleContractTerms), qualityBps: s.quality.scoreBps };
  const claims: EpisodeClaim[] = Object.keys(s.claims).sort(byCodeUnit).flatMap((memberKey) =>
    s.claims[memberKey]!.map((c) => ({ claimId: c[0], memberKey, serviceFrom: c[1], paidCents: c[2], drg: c.length === 5 ? c[3] : null, procedureCodes: c.length === 5 ? c[4] : [] })));
  const episodes = findEpisodes(claims, terms);
  const outputs = settleBundles(terms, episodes, terms.qualityBps);
  const byMember: Record<string, number> = {};
  for (const e of episodes) byMember[e.memberKey] = (byMember[e.memberKey] ?? 0) + e.actualCents;
  return { type: 'bundles', inputs: { ...s, qualityBps: terms.qualityBps, episodes: episodes.length, expenditureByMember: byMember }, outputs };
}

/** The statement's inputs (snapshot plus the figures derived from it) and outputs. */
export function computeStatement(s: SettlementSnapshot): Computed {
  switch (s.type) {
    case 'shared-savings':
      return sharedSavings(s);
    case 'capitation':
      return capitation(s);
    case 'bundles':
      return bundles(s);
  }
}

const SHARED_SAVINGS_KEYS = ['type', 'terms', 'attributionRunId', 'riskRunId', 'runOutCutoff', 'memberMonthsByMember', 'riskScores', 'claims', 'quality'] as const satisfies ReadonlyArray<keyof SharedSavingsSnapshot>;
const CAPITATION_KEYS = ['type', 'terms', 'attributionRunId', 'riskRunId', 'memberMonthsByMember', 'riskScores', 'quality'] as const satisfies ReadonlyArray<keyof CapitationSnapshot>;
const BUNDLE_KEYS = ['type', 'terms', 'runOutCutoff', 'claims', 'quality'] as const satisfies ReadonlyArray<keyof BundleSnapshot>;

/**
 * The frozen part of stored inputs — exactly the fields a snapshot has, nothing derived — or
 * the name of what is missing (runs stored before the claim set and risk scores were frozen).
 */
export function snapshotOf(inputs: Record<string, unknown>): SettlementSnapshot | { missing: string } {
  const need = (keys: readonly string[]) => keys.find((k) => inputs[k] === undefined);
  const pick = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, inputs[k]]));
  const keys = inputs['type'] === 'shared-savings' ? SHARED_SAVINGS_KEYS : inputs['type'] === 'capitation' ? CAPITATION_KEYS : inputs['type'] === 'bundles' ? BUNDLE_KEYS : null;
  if (!keys) return { missing: 'type' };
  const missing = need(keys);
  return missing ? { missing } : (pick(keys) as unknown as SettlementSnapshot);
}
