/**
 * Value-based contract terms as data: shared savings/losses, capitation, bundled episodes.
 * Terms are versioned JSON (`tandem contract terms --file`); this checks them and names the
 * first field that is wrong. Examples: README "Value-based contract terms".
 */
import { TandemError, type BundleTerms, type BundleTrigger, type CapitationTerms, type SharedSavingsTerms } from '@tandem/core';
import { parseQualityMeasures, type QualityMeasureTerm } from './contract-quality.ts';

interface Common {
  /** Fixed quality score (bp), used when the terms name no quality measures. */
  readonly qualityBps: number;
  /** Measures whose results give the quality score at settlement (contract-quality.ts). */
  readonly qualityMeasures?: readonly QualityMeasureTerm[];
  /** Claims received up to this many days after the period count. */
  readonly runOutDays: number;
}

export interface SharedSavingsContractTerms extends SharedSavingsTerms, Common {
  readonly type: 'shared-savings';
  /** Benchmark per member per month at a risk score of 1.0, in cents. */
  readonly benchmarkPmpmCents: number;
  /** Scale the benchmark by the roster's mean CMS-HCC payment score (concurrent: diagnoses of the performance year). */
  readonly riskAdjust: boolean;
  /** Per-member expenditure is truncated at this percentile (bp), e.g. 9900. */
  readonly truncationPercentileBps: number;
}

export interface CapitationContractTerms extends CapitationTerms, Common {
  readonly type: 'capitation';
}

export interface BundleContractTerms extends BundleTerms, Common {
  readonly type: 'bundles';
}

export type ContractTerms = SharedSavingsContractTerms | CapitationContractTerms | BundleContractTerms;

const int = (v: unknown, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new TandemError('INVALID_REQUEST', `terms.${name} must be a whole number from ${min} to ${max}`);
  return v;
};
const bp = (v: unknown, name: string) => int(v, name, 0, 10000);

function common(t: Record<string, unknown>): Common {
  // Run-out defaults to 90 days (MSSP's three months of claims run-out).
  const measures = t['qualityMeasures'] === undefined ? undefined : parseQualityMeasures(t['qualityMeasures']);
  return {
    qualityBps: measures && t['qualityBps'] === undefined ? 0 : bp(t['qualityBps'], 'qualityBps'), ...(measures ? { qualityMeasures: measures } : {}),
    runOutDays: t['runOutDays'] === undefined ? 90 : int(t['runOutDays'], 'runOutDays', 0, 3650) };
}

function sharedSavings(t: Record<string, unknown>): SharedSavingsContractTerms {
  if (t['track'] !== 'one-sided' && t['track'] !== 'two-sided') throw new TandemError('INVALID_REQUEST', "terms.track must be 'one-sided' or 'two-sided'");
  const msr = t['minimumSavingsRate'] === 'variable' ? 'variable' : bp(t['minimumSavingsRate'], 'minimumSavingsRate');
  return {
    type: 'shared-savings', track: t['track'], sharingRateBps: bp(t['sharingRateBps'], 'sharingRateBps'),
    ...(t['lossSharingRateBps'] !== undefined ? { lossSharingRateBps: bp(t['lossSharingRateBps'], 'lossSharingRateBps') } : {}),
    minimumSavingsRate: msr, savingsCapBps: bp(t['savingsCapBps'], 'savingsCapBps'),
    ...(t['lossCapBps'] !== undefined ? { lossCapBps: bp(t['lossCapBps'], 'lossCapBps') } : {}),
    qualityGateBps: bp(t['qualityGateBps'], 'qualityGateBps'), sequestrationBps: bp(t['sequestrationBps'], 'sequestrationBps'),
    benchmarkPmpmCents: int(t['benchmarkPmpmCents'], 'benchmarkPmpmCents'), riskAdjust: t['riskAdjust'] === true,
    truncationPercentileBps: int(t['truncationPercentileBps'], 'truncationPercentileBps', 1, 10000), ...common(t),
  };
}

function capitation(t: Record<string, unknown>): CapitationContractTerms {
  const schedule = t['withholdReturnSchedule'];
  if (schedule !== undefined && !Array.isArray(schedule)) throw new TandemError('INVALID_REQUEST', 'terms.withholdReturnSchedule must be a list of {minQualityBps, returnBps}');
  return {
    type: 'capitation', pmpmCents: int(t['pmpmCents'], 'pmpmCents'), riskAdjust: t['riskAdjust'] === true, withholdBps: bp(t['withholdBps'], 'withholdBps'),
    withholdReturnQualityBps: bp(t['withholdReturnQualityBps'], 'withholdReturnQualityBps'),
    ...(schedule ? { withholdReturnSchedule: (schedule as Array<Record<string, unknown>>).map((s, i) => ({ minQualityBps: bp(s?.['minQualityBps'], `withholdReturnSchedule[${i}].minQualityBps`), returnBps: bp(s?.['returnBps'], `withholdReturnSchedule[${i}].returnBps`) })) } : {}),
    ...common(t),
  };
}

function bundles(t: Record<string, unknown>): BundleContractTerms {
  const triggers = t['triggers'];
  if (!Array.isArray(triggers) || triggers.length === 0) throw new TandemError('INVALID_REQUEST', 'terms.triggers must be a non-empty list of {code, kind, targetPriceCents}');
  return {
    type: 'bundles',
    triggers: (triggers as Array<Record<string, unknown>>).map((x, i): BundleTrigger => {
      const kind = x?.['kind'];
      const code = x?.['code'];
      if (kind !== 'ms-drg' && kind !== 'hcpcs') throw new TandemError('INVALID_REQUEST', `terms.triggers[${i}].kind must be 'ms-drg' or 'hcpcs'`);
      if (typeof code !== 'string' || !(kind === 'ms-drg' ? /^\d{3}$/ : /^[A-Z0-9]{5}$/).test(code)) throw new TandemError('INVALID_REQUEST', `terms.triggers[${i}].code must be ${kind === 'ms-drg' ? 'a three-digit MS-DRG' : 'a five-character HCPCS/CPT code'}`);
      return { code, kind, targetPriceCents: int(x['targetPriceCents'], `triggers[${i}].targetPriceCents`), ...(typeof x['label'] === 'string' ? { label: x['label'] } : {}) };
    }),
    windowDays: int(t['windowDays'], 'windowDays', 1, 366), discountBps: bp(t['discountBps'], 'discountBps'),
    stopGainBps: bp(t['stopGainBps'], 'stopGainBps'), stopLossBps: bp(t['stopLossBps'], 'stopLossBps'),
    ...(t['qualityGateBps'] !== undefined ? { qualityGateBps: bp(t['qualityGateBps'], 'qualityGateBps') } : {}),
    ...(t['qualityAdjustmentBps'] !== undefined ? { qualityAdjustmentBps: bp(t['qualityAdjustmentBps'], 'qualityAdjustmentBps') } : {}),
    ...common(t),
  };
}

/** Checks terms JSON of any arrangement, naming the first field that is wrong. */
export function parseTerms(raw: unknown): ContractTerms {
  const t = (raw ?? {}) as Record<string, unknown>;
  switch (t['type']) {
    case 'shared-savings':
      return sharedSavings(t);
    case 'capitation':
      return capitation(t);
    case 'bundles':
      return bundles(t);
    default:
      throw new TandemError('INVALID_REQUEST', "terms.type must be 'shared-savings', 'capitation' or 'bundles'");
  }
}
