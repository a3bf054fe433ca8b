/**
 * The synthetic payer's registry: one payer, four plans with realistic benefit designs,
 * provider organizations (hospitals, groups, clinics) with valid type-2 NPIs, practitioners
 * with type-1 NPIs and NUCC taxonomies, a base fee schedule and per-contract schedules
 * (percent of base or fixed, one with two versions), and contracts for ~85 % of providers.
 */
import { makeNpi } from '../ids/index.ts';
import {
  SERVICE_CATEGORIES,
  type BenefitDesign,
  type Contract,
  type CostShareRule,
  type FeeScheduleVersion,
  type NetworkTier,
  type Organization,
  type Plan,
  type Practitioner,
  type ServiceCategory,
} from '../registry/index.ts';
import { CITY_WORDS, FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES, PROCEDURES, SPECIALTIES } from './code-tables.ts';
import { createPrng, deriveSeed, type Prng } from './prng.ts';

export interface GeneratorOptions {
  readonly seed: number;
  readonly members: number;
  /** Service year of the claims, e.g. 2026. */
  readonly year: number;
}

export interface FeeScheduleData {
  readonly id: string;
  readonly ownerOrgId: string;
  readonly name: string;
  readonly versions: FeeScheduleVersion[];
}

export interface RegistryData {
  readonly payer: Organization;
  readonly providers: Organization[];
  readonly practitioners: Practitioner[];
  readonly feeSchedules: FeeScheduleData[];
  readonly plans: Plan[];
  readonly benefitDesigns: BenefitDesign[];
  readonly contracts: Contract[];
}

const rule = (copayCents: number, coinsuranceBp: number, deductibleApplies: boolean): CostShareRule => ({ copayCents, coinsuranceBp, deductibleApplies });

function tier(ded: [number, number], oop: [number, number], base: CostShareRule, over: Partial<Record<ServiceCategory, CostShareRule>>): NetworkTier {
  return {
    deductibleIndividualCents: ded[0], deductibleFamilyCents: ded[1], oopMaxIndividualCents: oop[0], oopMaxFamilyCents: oop[1],
    categories: Object.fromEntries(SERVICE_CATEGORIES.map((c) => [c, over[c] ?? base])) as Record<ServiceCategory, CostShareRule>,
  };
}

function plansAndDesigns(payerId: string, year: number): { plans: Plan[]; designs: BenefitDesign[] } {
  const from = `${year - 1}-01-01`;
  const plans: Plan[] = [
    { id: 'plan-ma-hmo', payerOrgId: payerId, name: 'Tandem Medicare Advantage HMO', lineOfBusiness: 'medicare_advantage', baseFeeScheduleId: 'fs-base' },
    { id: 'plan-medicaid', payerOrgId: payerId, name: 'Tandem Community Medicaid', lineOfBusiness: 'medicaid', baseFeeScheduleId: 'fs-base' },
    { id: 'plan-ppo', payerOrgId: payerId, name: 'Tandem Choice PPO', lineOfBusiness: 'commercial', baseFeeScheduleId: 'fs-base' },
    { id: 'plan-hmo', payerOrgId: payerId, name: 'Tandem Select HMO', lineOfBusiness: 'commercial', baseFeeScheduleId: 'fs-base' },
  ];
  const designs: BenefitDesign[] = [
    {
      id: 'bd-ma-hmo-1', planId: 'plan-ma-hmo', effectiveFrom: from, effectiveTo: null, outOfNetwork: null, outOfNetworkAllowedBp: 10000,
      inNetwork: tier([25_000, 25_000], [590_000, 590_000], rule(0, 2000, true), {
        preventive: rule(0, 0, false), primary_care: rule(0, 0, false), specialist: rule(4_000, 0, false), urgent_care: rule(4_000, 0, false),
        emergency: rule(12_000, 0, false), lab: rule(0, 0, false), inpatient: rule(35_000, 0, false), dme: rule(0, 2000, false),
      }),
    },
    {
      id: 'bd-medicaid-1', planId: 'plan-medicaid', effectiveFrom: from, effectiveTo: null, outOfNetwork: null, outOfNetworkAllowedBp: 10000,
      inNetwork: tier([0, 0], [0, 0], rule(0, 0, false), { primary_care: rule(200, 0, false), specialist: rule(300, 0, false), emergency: rule(800, 0, false) }),
    },
    {
      id: 'bd-ppo-1', planId: 'plan-ppo', effectiveFrom: from, effectiveTo: null, outOfNetworkAllowedBp: 9000,
      inNetwork: tier([150_000, 300_000], [600_000, 1_200_000], rule(0, 2000, true), {
        preventive: rule(0, 0, false), primary_care: rule(3_000, 0, false), specialist: rule(6_000, 0, false), urgent_care: rule(7_500, 0, false),
        emergency: rule(30_000, 2000, true),
      }),
      outOfNetwork: tier([300_000, 600_000], [1_200_000, 2_400_000], rule(0, 4000, true), {}),
    },
    {
      id: 'bd-hmo-1', planId: 'plan-hmo', effectiveFrom: from, effectiveTo: null, outOfNetwork: null, outOfNetworkAllowedBp: 10000,
      inNetwork: tier([50_000, 100_000], [450_000, 900_000], rule(0, 1000, true), {
        preventive: rule(0, 0, false), primary_care: rule(2_000, 0, false), specialist: rule(4_500, 0, false), urgent_care: rule(5_000, 0, false), emergency: rule(25_000, 0, false),
      }),
    },
  ];
  return { plans, designs };
}

function orgName(p: Prng, type: Organization['providerType']): string {
  const place = `${p.pick(CITY_WORDS)}${p.pick(['side', 'view', 'brook', 'field', 'wood', 'ton', ' Park', ' Ridge'])}`;
  if (type === 'hospital') return `${place} ${p.pick(['General Hospital', 'Medical Center', 'Regional Hospital', 'Community Hospital'])}`;
  if (type === 'clinic') return `${place} ${p.pick(['Urgent Care', 'Community Clinic', 'Health Center'])}`;
  return `${place} ${p.pick(['Medical Group', 'Family Physicians', 'Primary Care', 'Specialty Associates', 'Physicians Group'])}`;
}

/** A 9-digit NPI base unique for each index: prefix + 7 digits, shifted by the seed. */
function npiBase(prefix: '15' | '18', i: number, seed: number): string {
  return `${prefix}${String((i + (seed % 1_000) * 7_919) % 10_000_000).padStart(7, '0')}`;
}

export function generateRegistry(opts: GeneratorOptions): RegistryData {
  const p = createPrng(deriveSeed(opts.seed, 'registry'));
  const payer: Organization = { id: 'org-payer', kind: 'payer', name: 'Tandem Health Plan', tin: '870000001', npi: null, providerType: null, payerCode: 'TANDEM' };
  const { plans, designs } = plansAndDesigns(payer.id, opts.year);
  const nOrgs = Math.min(400, Math.max(6, Math.ceil(opts.members / 2000)));
  const providers: Organization[] = [];
  const practitioners: Practitioner[] = [];
  let pracIndex = 0;
  for (let i = 0; i < nOrgs; i++) {
    const type: Organization['providerType'] = i % 6 === 1 ? 'hospital' : i % 6 === 4 ? 'clinic' : 'physician_group';
    const org: Organization = {
      id: `org-prov-${String(i + 1).padStart(4, '0')}`, kind: 'provider', name: orgName(p, type), tin: `${88}${String(1_000_000 + i).padStart(7, '0')}`,
      npi: makeNpi(npiBase('15', i, opts.seed)), providerType: type, payerCode: null,
    };
    providers.push(org);
    const staff = type === 'hospital' ? p.int(5, 20) : p.int(3, 12);
    for (let k = 0; k < staff; k++) {
      // Groups and clinics are mostly primary care; hospitals mostly specialists.
      const spec = type === 'hospital' ? p.pick(SPECIALTIES.filter((s) => !s.primaryCare)) : k < Math.ceil(staff * 0.6) ? p.pick(SPECIALTIES.filter((s) => s.primaryCare)) : p.pick(SPECIALTIES);
      const female = p.chance(0.5);
      practitioners.push({
        id: `pr-${String(pracIndex + 1).padStart(6, '0')}`, npi: makeNpi(npiBase('18', pracIndex, opts.seed)), firstName: p.pick(female ? FIRST_NAMES_F : FIRST_NAMES_M),
        lastName: p.pick(LAST_NAMES), taxonomy: spec.taxonomy, specialty: spec.specialty, orgId: org.id,
      });
      pracIndex++;
    }
  }

  const baseRates = new Map<string, number>();
  for (const proc of PROCEDURES) {
    baseRates.set(proc.code, proc.rateCents);
    if (proc.modifiers?.includes('26')) baseRates.set(`${proc.code}:26`, Math.round(proc.rateCents * 0.4));
    if (proc.modifiers?.includes('TC')) baseRates.set(`${proc.code}:TC`, proc.rateCents - Math.round(proc.rateCents * 0.4));
  }
  const from = `${opts.year - 1}-01-01`;
  const feeSchedules: FeeScheduleData[] = [
    { id: 'fs-base', ownerOrgId: payer.id, name: 'Tandem base schedule', versions: [{ id: 'fsv-base-1', scheduleId: 'fs-base', version: 1, effectiveFrom: from, effectiveTo: null, method: { kind: 'fixed', rates: baseRates }, unlistedPercentOfChargesBp: 4000 }] },
  ];
  const contracts: Contract[] = [];
  providers.forEach((org, i) => {
    // Every seventh organization (never the first two) stays out of network.
    if (i > 1 && (i % 7 === 3 || p.chance(0.05))) return;
    const scheduleId = `fs-${org.id}`;
    const unlisted = p.int(40, 70) * 100;
    const versions: FeeScheduleVersion[] = [];
    if (i % 3 === 2) {
      const rates = new Map([...baseRates].map(([k, v]) => [k, Math.round((v * p.int(90, 130)) / 100)]));
      versions.push({ id: `fsv-${org.id}-1`, scheduleId, version: 1, effectiveFrom: from, effectiveTo: null, method: { kind: 'fixed', rates }, unlistedPercentOfChargesBp: unlisted });
    } else if (i === 0) {
      // Versioned terms: the percentage steps up mid-year.
      versions.push(
        { id: `fsv-${org.id}-1`, scheduleId, version: 1, effectiveFrom: from, effectiveTo: `${opts.year}-06-30`, method: { kind: 'percent_of_base', baseScheduleId: 'fs-base', percentBp: 11000 }, unlistedPercentOfChargesBp: unlisted },
        { id: `fsv-${org.id}-2`, scheduleId, version: 2, effectiveFrom: `${opts.year}-07-01`, effectiveTo: null, method: { kind: 'percent_of_base', baseScheduleId: 'fs-base', percentBp: 11500 }, unlistedPercentOfChargesBp: unlisted },
      );
    } else {
      versions.push({ id: `fsv-${org.id}-1`, scheduleId, version: 1, effectiveFrom: from, effectiveTo: null, method: { kind: 'percent_of_base', baseScheduleId: 'fs-base', percentBp: p.int(105, 140) * 100 }, unlistedPercentOfChargesBp: unlisted });
    }
    feeSchedules.push({ id: scheduleId, ownerOrgId: payer.id, name: `${org.name} ${opts.year}`, versions });
    contracts.push({ id: `ct-${org.id}`, payerOrgId: payer.id, providerOrgId: org.id, name: `${org.name} — Tandem network agreement`, effectiveFrom: p.chance(0.3) ? `${opts.year - 1}-01-01` : `${opts.year}-01-01`, effectiveTo: null, feeScheduleId: scheduleId });
  });
  return { payer, providers, practitioners, feeSchedules, plans, benefitDesigns: designs, contracts };
}
