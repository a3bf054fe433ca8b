/**
 * The payer–provider registry: who pays, who treats, who is covered, on what terms.
 * Everything with terms (benefit designs, fee schedules, contracts, coverage) carries
 * effective dates, so an adjudication can record exactly which version it used.
 * Dates are ISO `YYYY-MM-DD` strings; an `effectiveTo` of null means open-ended.
 */
import type { BasisPoints, Cents } from '../money/index.ts';

export const LINES_OF_BUSINESS = ['medicare_advantage', 'medicaid', 'commercial'] as const;
export type LineOfBusiness = (typeof LINES_OF_BUSINESS)[number];

/** X12 claim filing indicator (835 CLP06 / 837 SBR09) for each line of business. */
export const FILING_INDICATOR: Readonly<Record<LineOfBusiness, string>> = {
  medicare_advantage: '16', // Health Maintenance Organization (HMO) Medicare Risk
  medicaid: 'MC',
  commercial: 'CI',
};

export const SERVICE_CATEGORIES = [
  'preventive',
  'primary_care',
  'specialist',
  'urgent_care',
  'emergency',
  'inpatient',
  'outpatient',
  'lab',
  'imaging',
  'dme',
  'other',
] as const;
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number];

export const ORG_KINDS = ['payer', 'provider'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
export const PROVIDER_TYPES = ['hospital', 'physician_group', 'aco', 'clinic'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export interface Organization {
  readonly id: string;
  readonly kind: OrgKind;
  readonly name: string;
  /** Federal tax id (EIN), 9 digits. */
  readonly tin: string | null;
  /** Type-2 (organization) NPI for providers. */
  readonly npi: string | null;
  readonly providerType: ProviderType | null;
  /** Payer id as providers put it in 837 NM1*PR (2010BB NM109). */
  readonly payerCode: string | null;
}

export interface Practitioner {
  readonly id: string;
  /** Type-1 (individual) NPI. */
  readonly npi: string;
  readonly firstName: string;
  readonly lastName: string;
  /** NUCC health care provider taxonomy code, e.g. 207Q00000X family medicine. */
  readonly taxonomy: string;
  readonly specialty: string;
  readonly orgId: string;
}

/** Cost sharing for one service category in one network tier. */
export interface CostShareRule {
  readonly copayCents: Cents;
  readonly coinsuranceBp: BasisPoints;
  readonly deductibleApplies: boolean;
}

export interface NetworkTier {
  readonly deductibleIndividualCents: Cents;
  readonly deductibleFamilyCents: Cents;
  readonly oopMaxIndividualCents: Cents;
  readonly oopMaxFamilyCents: Cents;
  readonly categories: Readonly<Record<ServiceCategory, CostShareRule>>;
}

export interface BenefitDesign {
  readonly id: string;
  readonly planId: string;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
  readonly inNetwork: NetworkTier;
  /** null: no out-of-network benefit (HMO / Medicaid managed care), except emergencies. */
  readonly outOfNetwork: NetworkTier | null;
  /** Out-of-network allowed amount as a share of the payer's base schedule. */
  readonly outOfNetworkAllowedBp: BasisPoints;
}

export interface Plan {
  readonly id: string;
  readonly payerOrgId: string;
  readonly name: string;
  readonly lineOfBusiness: LineOfBusiness;
  /** Payer's base fee schedule (a Medicare-like schedule) used for percent-of-base and out-of-network pricing. */
  readonly baseFeeScheduleId: string;
}

export interface Member {
  readonly key: string;
  readonly payerOrgId: string;
  /** The member id printed on the card and sent in 837 NM1*IL NM109. */
  readonly memberId: string;
  /** Key of the subscriber (self for subscribers). */
  readonly subscriberKey: string;
  readonly relationship: 'self' | 'spouse' | 'child' | 'other';
  readonly firstName: string;
  readonly lastName: string;
  readonly dateOfBirth: string;
  readonly gender: 'M' | 'F' | 'U';
}

export interface Coverage {
  readonly id: string;
  readonly memberKey: string;
  readonly subscriberKey: string;
  readonly planId: string;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
}

/** A fee schedule version: fixed amounts per code(+modifier), or a percentage of a base schedule. */
export type FeeScheduleMethod =
  | { readonly kind: 'fixed'; readonly rates: ReadonlyMap<string, Cents> }
  | { readonly kind: 'percent_of_base'; readonly baseScheduleId: string; readonly percentBp: BasisPoints };

export interface FeeScheduleVersion {
  readonly id: string;
  readonly scheduleId: string;
  readonly version: number;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
  readonly method: FeeScheduleMethod;
  /** Codes the schedule does not list are allowed at this share of billed charges. */
  readonly unlistedPercentOfChargesBp: BasisPoints;
}

export interface Contract {
  readonly id: string;
  readonly payerOrgId: string;
  readonly providerOrgId: string;
  readonly name: string;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
  readonly feeScheduleId: string;
}

/** Key into a fixed fee schedule: `CODE` or `CODE:MOD`. */
export function rateKey(code: string, modifier?: string | null): string {
  return modifier ? `${code}:${modifier}` : code;
}

/** True when `date` lies in [from, to] (inclusive; `to` null = open). ISO dates compare as strings. */
export function isEffective(period: { effectiveFrom: string; effectiveTo: string | null }, date: string): boolean {
  return period.effectiveFrom <= date && (period.effectiveTo === null || date <= period.effectiveTo);
}
