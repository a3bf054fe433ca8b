/** Test builders: small, valid registry objects to start each test from. */
import { AccumulatorLedger, type AdjudicationContext, type ClaimInput, type ClaimLineInput } from '../adjudication/index.ts';
import { makeNpi } from '../ids/index.ts';
import {
  SERVICE_CATEGORIES,
  type BenefitDesign,
  type Contract,
  type CostShareRule,
  type FeeScheduleVersion,
  type Member,
  type NetworkTier,
  type Organization,
  type Plan,
  type ServiceCategory,
} from '../registry/index.ts';

export function costShareTable(
  base: CostShareRule,
  overrides: Partial<Record<ServiceCategory, CostShareRule>> = {},
): Record<ServiceCategory, CostShareRule> {
  return Object.fromEntries(SERVICE_CATEGORIES.map((c) => [c, overrides[c] ?? base])) as Record<ServiceCategory, CostShareRule>;
}

export function aTier(over: Partial<NetworkTier> = {}): NetworkTier {
  return {
    deductibleIndividualCents: 50_000,
    deductibleFamilyCents: 100_000,
    oopMaxIndividualCents: 300_000,
    oopMaxFamilyCents: 600_000,
    categories: costShareTable(
      { copayCents: 0, coinsuranceBp: 2000, deductibleApplies: true },
      {
        preventive: { copayCents: 0, coinsuranceBp: 0, deductibleApplies: false },
        primary_care: { copayCents: 2_500, coinsuranceBp: 0, deductibleApplies: false },
      },
    ),
    ...over,
  };
}

export const PAYER: Organization = { id: 'org-payer', kind: 'payer', name: 'Tandem Health Plan', tin: '990000001', npi: null, providerType: null, payerCode: 'TANDEM' };
export const PROVIDER: Organization = {
  id: 'org-prov-1', kind: 'provider', name: 'Riverside Medical Group', tin: '990000002', npi: makeNpi('123456780'), providerType: 'physician_group', payerCode: null,
};
export const PLAN: Plan = { id: 'plan-1', payerOrgId: PAYER.id, name: 'Tandem Gold PPO', lineOfBusiness: 'commercial', baseFeeScheduleId: 'fs-base' };
export const BENEFIT: BenefitDesign = {
  id: 'bd-1', planId: PLAN.id, effectiveFrom: '2026-01-01', effectiveTo: null, inNetwork: aTier(),
  outOfNetwork: aTier({ deductibleIndividualCents: 100_000, deductibleFamilyCents: 200_000, categories: costShareTable({ copayCents: 0, coinsuranceBp: 4000, deductibleApplies: true }) }),
  outOfNetworkAllowedBp: 10000,
};
export const MEMBER: Member = {
  key: 'mem-1', payerOrgId: PAYER.id, memberId: 'TM000001', subscriberKey: 'mem-1', relationship: 'self', firstName: 'Ada', lastName: 'Lovelace', dateOfBirth: '1980-12-10', gender: 'F',
};
export const CONTRACT: Contract = { id: 'ct-1', payerOrgId: PAYER.id, providerOrgId: PROVIDER.id, name: 'Riverside 2026', effectiveFrom: '2026-01-01', effectiveTo: null, feeScheduleId: 'fs-riverside' };

export const BASE_SCHEDULE: FeeScheduleVersion = {
  id: 'fsv-base-1', scheduleId: 'fs-base', version: 1, effectiveFrom: '2026-01-01', effectiveTo: null,
  method: { kind: 'fixed', rates: new Map([['99213', 9_000], ['99214', 13_000], ['80053', 1_500], ['71046', 3_000], ['99284', 20_000]]) },
  unlistedPercentOfChargesBp: 5000,
};
export const CONTRACT_SCHEDULE: FeeScheduleVersion = {
  id: 'fsv-riverside-1', scheduleId: 'fs-riverside', version: 1, effectiveFrom: '2026-01-01', effectiveTo: null,
  method: { kind: 'percent_of_base', baseScheduleId: 'fs-base', percentBp: 12000 },
  unlistedPercentOfChargesBp: 6000,
};

export function aLine(over: Partial<ClaimLineInput> = {}): ClaimLineInput {
  return { lineNumber: 1, procedureCode: '99213', modifiers: [], revenueCode: null, units: '1', chargeCents: 20_000, serviceDateFrom: '2026-03-02', serviceDateTo: '2026-03-02', placeOfService: null, ...over };
}

export function aClaim(over: Partial<ClaimInput> = {}): ClaimInput {
  const lines = over.lines ?? [aLine()];
  return {
    kind: 'professional', billingNpi: PROVIDER.npi, billingTin: PROVIDER.tin, billingName: PROVIDER.name, patientControlNumber: 'PCN-1', frequencyCode: '1',
    memberId: MEMBER.memberId, patientFirstName: 'Ada', patientLastName: 'Lovelace', patientDateOfBirth: MEMBER.dateOfBirth, placeOfService: '11', typeOfBill: null,
    diagnoses: [{ qualifier: 'ABK', code: 'E119' }], renderingNpi: null,
    totalChargeCents: lines.reduce((s, l) => s + l.chargeCents, 0),
    ...over,
    lines,
  };
}

export function aContext(over: Partial<AdjudicationContext> = {}): AdjudicationContext {
  const schedules = [BASE_SCHEDULE, CONTRACT_SCHEDULE];
  return {
    payerOrgId: PAYER.id,
    member: MEMBER,
    coverages: [{ coverage: { id: 'cov-1', memberKey: MEMBER.key, subscriberKey: MEMBER.key, planId: PLAN.id, effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31' }, plan: PLAN, benefitDesigns: [BENEFIT] }],
    provider: PROVIDER,
    billingNpiValid: true,
    contracts: [CONTRACT],
    feeSchedules: (id, date) => schedules.find((s) => s.scheduleId === id && s.effectiveFrom <= date && (s.effectiveTo === null || date <= s.effectiveTo)) ?? null,
    renderingTaxonomy: '207Q00000X',
    duplicateOf: null,
    ledger: new AccumulatorLedger(),
    ...over,
  };
}
