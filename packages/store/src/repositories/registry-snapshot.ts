/**
 * The registry as adjudication needs it, loaded once per batch: organizations,
 * practitioners, contracts, fee schedules with rates, plans and benefit designs.
 * Members and coverage are not here: they are fetched per batch by member id.
 */
import {
  isEffective,
  rateKey,
  type BenefitDesign,
  type Contract,
  type CoverageTerms,
  type FeeScheduleLookup,
  type FeeScheduleVersion,
  type Member,
  type Organization,
  type Plan,
  type Practitioner,
} from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';

export interface RegistrySnapshot {
  /** Payers ordered by id; the first is the default payer (same as `defaultPayerId`). */
  readonly payers: readonly Organization[];
  readonly orgById: ReadonlyMap<string, Organization>;
  readonly providerByNpi: ReadonlyMap<string, Organization>;
  readonly practitionerByNpi: ReadonlyMap<string, Practitioner>;
  readonly contractsByProvider: ReadonlyMap<string, readonly Contract[]>;
  readonly planById: ReadonlyMap<string, Plan>;
  readonly benefitsByPlan: ReadonlyMap<string, readonly BenefitDesign[]>;
  readonly feeSchedules: FeeScheduleLookup;
}

function toOrg(r: { id: string; kind: 'payer' | 'provider'; name: string; tin: string | null; npi: string | null; provider_type: string | null; payer_code: string | null }): Organization {
  return { id: r.id, kind: r.kind, name: r.name, tin: r.tin, npi: r.npi, providerType: r.provider_type as Organization['providerType'], payerCode: r.payer_code };
}

export async function loadRegistrySnapshot(db: Db): Promise<RegistrySnapshot> {
  const [orgs, practitioners, contracts, plans, designs, versions, rates] = await Promise.all([
    db.selectFrom('organization').selectAll().orderBy('id').execute(),
    db.selectFrom('practitioner').selectAll().execute(),
    db.selectFrom('contract').selectAll().execute(),
    db.selectFrom('plan').selectAll().execute(),
    db.selectFrom('benefit_design').selectAll().execute(),
    db.selectFrom('fee_schedule_version').selectAll().orderBy('version', 'desc').execute(),
    db.selectFrom('fee_schedule_rate').selectAll().execute(),
  ]);
  const orgById = new Map(orgs.map((o) => [o.id, toOrg(o)]));
  const providerByNpi = new Map([...orgById.values()].filter((o) => o.kind === 'provider' && o.npi).map((o) => [o.npi!, o]));
  const practitionerByNpi = new Map(
    practitioners.map((p) => [p.npi, { id: p.id, npi: p.npi, firstName: p.first_name, lastName: p.last_name, taxonomy: p.taxonomy, specialty: p.specialty, orgId: p.org_id }]),
  );
  const contractsByProvider = new Map<string, Contract[]>();
  for (const c of contracts) {
    const list = contractsByProvider.get(c.provider_org_id) ?? [];
    list.push({ id: c.id, payerOrgId: c.payer_org_id, providerOrgId: c.provider_org_id, name: c.name, effectiveFrom: c.effective_from, effectiveTo: c.effective_to, feeScheduleId: c.fee_schedule_id });
    contractsByProvider.set(c.provider_org_id, list);
  }
  const planById = new Map(plans.map((p) => [p.id, { id: p.id, payerOrgId: p.payer_org_id, name: p.name, lineOfBusiness: p.line_of_business as Plan['lineOfBusiness'], baseFeeScheduleId: p.base_fee_schedule_id }]));
  const benefitsByPlan = new Map<string, BenefitDesign[]>();
  for (const d of designs) {
    const design = d.design as unknown as Pick<BenefitDesign, 'inNetwork' | 'outOfNetwork' | 'outOfNetworkAllowedBp'>;
    const list = benefitsByPlan.get(d.plan_id) ?? [];
    list.push({ id: d.id, planId: d.plan_id, effectiveFrom: d.effective_from, effectiveTo: d.effective_to, ...design });
    benefitsByPlan.set(d.plan_id, list);
  }
  const ratesByVersion = new Map<string, Map<string, number>>();
  for (const r of rates) {
    const m = ratesByVersion.get(r.version_id) ?? new Map<string, number>();
    m.set(rateKey(r.code, r.modifier || null), r.amount_cents);
    ratesByVersion.set(r.version_id, m);
  }
  const versionsBySchedule = new Map<string, FeeScheduleVersion[]>();
  for (const v of versions) {
    const list = versionsBySchedule.get(v.fee_schedule_id) ?? [];
    list.push({
      id: v.id, scheduleId: v.fee_schedule_id, version: v.version, effectiveFrom: v.effective_from, effectiveTo: v.effective_to,
      method: v.method === 'fixed' ? { kind: 'fixed', rates: ratesByVersion.get(v.id) ?? new Map() } : { kind: 'percent_of_base', baseScheduleId: v.base_schedule_id!, percentBp: v.percent_bp! },
      unlistedPercentOfChargesBp: v.unlisted_percent_of_charges_bp,
    });
    versionsBySchedule.set(v.fee_schedule_id, list);
  }
  return {
    payers: [...orgById.values()].filter((o) => o.kind === 'payer'),
    orgById, providerByNpi, practitionerByNpi, contractsByProvider, planById, benefitsByPlan,
    // Highest version effective on the date wins (versions are sorted descending).
    feeSchedules: (id, date) => versionsBySchedule.get(id)?.find((v) => isEffective(v, date)) ?? null,
  };
}

export interface MemberWithCoverage {
  readonly member: Member;
  readonly coverages: readonly CoverageTerms[];
}

/** Members of a payer by card member id, with their coverage terms, for one batch. */
export async function loadMembersForBatch(db: Db, snapshot: RegistrySnapshot, payerOrgId: string, memberIds: readonly string[]): Promise<Map<string, MemberWithCoverage>> {
  const out = new Map<string, MemberWithCoverage>();
  if (memberIds.length === 0) return out;
  const ids = JSON.stringify([...new Set(memberIds)]);
  const members = await db
    .selectFrom('member')
    .selectAll()
    .where('payer_org_id', '=', payerOrgId)
    .where('member_id', 'in', sql<string>`(select jsonb_array_elements_text(${ids}::jsonb))`)
    .execute();
  if (members.length === 0) return out;
  const keys = JSON.stringify(members.map((m) => m.key));
  const covs = await db.selectFrom('coverage').selectAll().where('member_key', 'in', sql<string>`(select jsonb_array_elements_text(${keys}::jsonb))`).execute();
  const byMember = new Map<string, CoverageTerms[]>();
  for (const c of covs) {
    const plan = snapshot.planById.get(c.plan_id);
    if (!plan) continue;
    const list = byMember.get(c.member_key) ?? [];
    list.push({
      coverage: { id: c.id, memberKey: c.member_key, subscriberKey: c.subscriber_key, planId: c.plan_id, effectiveFrom: c.effective_from, effectiveTo: c.effective_to },
      plan,
      benefitDesigns: snapshot.benefitsByPlan.get(plan.id) ?? [],
    });
    byMember.set(c.member_key, list);
  }
  for (const m of members) {
    out.set(m.member_id, {
      member: { key: m.key, payerOrgId: m.payer_org_id, memberId: m.member_id, subscriberKey: m.subscriber_key, relationship: m.relationship as Member['relationship'], firstName: m.first_name, lastName: m.last_name, dateOfBirth: m.date_of_birth, gender: m.gender as Member['gender'] },
      coverages: byMember.get(m.key) ?? [],
    });
  }
  return out;
}
