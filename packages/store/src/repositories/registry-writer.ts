/**
 * Bulk writers for the registry (generator, fixtures, admin import). Rows are chunked
 * so one statement stays under PostgreSQL's 65,535-parameter limit.
 */
import { contractProblems, organizationProblems, periodProblems, practitionerProblems, type BenefitDesign, type Contract, type Coverage, type FeeScheduleVersion, type Member, type Organization, type Plan, type Practitioner } from '@tandem/core';
import type { Insertable } from 'kysely';
import type { Db } from '../open-database.ts';
import type { Database } from '../schema.ts';
import { insertJsonRows } from './json-insert.ts';

export async function insertChunked<T extends keyof Database & string>(
  db: Db,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  columnsPerRow: number,
): Promise<void> {
  const size = Math.max(1, Math.floor(60_000 / columnsPerRow));
  for (let i = 0; i < rows.length; i += size) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await db.insertInto(table).values(rows.slice(i, i + size) as any).execute();
  }
}

/** Bad registry data is refused whole, with every problem named. */
function refuse(problems: string[]): void {
  if (problems.length) throw new RangeError(`registry data refused: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? ` (+${problems.length - 10} more)` : ''}`);
}

export async function insertOrganizations(db: Db, orgs: readonly Organization[]): Promise<void> {
  refuse(orgs.flatMap(organizationProblems));
  await insertChunked(db, 'organization', orgs.map((o) => ({ id: o.id, kind: o.kind, name: o.name, tin: o.tin, npi: o.npi, provider_type: o.providerType, payer_code: o.payerCode })), 7);
}

export async function insertFeeSchedule(db: Db, schedule: { id: string; ownerOrgId: string; name: string }, versions: readonly FeeScheduleVersion[]): Promise<void> {
  await db.insertInto('fee_schedule').values({ id: schedule.id, owner_org_id: schedule.ownerOrgId, name: schedule.name }).execute();
  for (const v of versions) {
    await db
      .insertInto('fee_schedule_version')
      .values({
        id: v.id, fee_schedule_id: v.scheduleId, version: v.version, effective_from: v.effectiveFrom, effective_to: v.effectiveTo,
        method: v.method.kind, base_schedule_id: v.method.kind === 'percent_of_base' ? v.method.baseScheduleId : null,
        percent_bp: v.method.kind === 'percent_of_base' ? v.method.percentBp : null, unlisted_percent_of_charges_bp: v.unlistedPercentOfChargesBp,
      })
      .execute();
    if (v.method.kind === 'fixed') {
      const rows = [...v.method.rates].map(([key, amount]) => {
        const [code, modifier] = key.split(':');
        return { version_id: v.id, code: code!, modifier: modifier ?? '', amount_cents: amount };
      });
      await insertChunked(db, 'fee_schedule_rate', rows, 4);
    }
  }
}

export async function insertPlans(db: Db, plans: readonly Plan[], designs: readonly BenefitDesign[]): Promise<void> {
  await insertChunked(db, 'plan', plans.map((p) => ({ id: p.id, payer_org_id: p.payerOrgId, name: p.name, line_of_business: p.lineOfBusiness, base_fee_schedule_id: p.baseFeeScheduleId })), 5);
  await insertChunked(
    db, 'benefit_design',
    designs.map((d) => ({ id: d.id, plan_id: d.planId, effective_from: d.effectiveFrom, effective_to: d.effectiveTo, design: JSON.stringify({ inNetwork: d.inNetwork, outOfNetwork: d.outOfNetwork, outOfNetworkAllowedBp: d.outOfNetworkAllowedBp }) })),
    5,
  );
}

export async function insertPractitioners(db: Db, rows: readonly Practitioner[]): Promise<void> {
  refuse(rows.flatMap(practitionerProblems));
  await insertChunked(db, 'practitioner', rows.map((p) => ({ id: p.id, npi: p.npi, first_name: p.firstName, last_name: p.lastName, taxonomy: p.taxonomy, specialty: p.specialty, org_id: p.orgId })), 7);
}

export async function insertContracts(db: Db, rows: readonly Contract[]): Promise<void> {
  refuse(rows.flatMap(contractProblems));
  await insertChunked(db, 'contract', rows.map((c) => ({ id: c.id, payer_org_id: c.payerOrgId, provider_org_id: c.providerOrgId, name: c.name, effective_from: c.effectiveFrom, effective_to: c.effectiveTo, fee_schedule_id: c.feeScheduleId })), 7);
}

export async function insertMembers(db: Db, members: readonly Member[], coverages: readonly Coverage[]): Promise<void> {
  refuse(coverages.flatMap((c) => periodProblems(c.id, c)));
  const m = members.map((x) => ({ key: x.key, payer_org_id: x.payerOrgId, member_id: x.memberId, subscriber_key: x.subscriberKey, relationship: x.relationship, first_name: x.firstName, last_name: x.lastName, date_of_birth: x.dateOfBirth, gender: x.gender }));
  const c = coverages.map((x) => ({ id: x.id, member_key: x.memberKey, subscriber_key: x.subscriberKey, plan_id: x.planId, effective_from: x.effectiveFrom, effective_to: x.effectiveTo }));
  if (m.length) await insertJsonRows(db, 'member', Object.keys(m[0]!), m);
  if (c.length) await insertJsonRows(db, 'coverage', Object.keys(c[0]!), c);
}
