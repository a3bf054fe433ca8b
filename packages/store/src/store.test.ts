import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeNpi } from '@tandem/core';
import { BASE_SCHEDULE, BENEFIT, CONTRACT, CONTRACT_SCHEDULE, MEMBER, PAYER, PLAN, PROVIDER } from '@tandem/core/testing';
import { createTestStore } from './testing/test-store.ts';
import { insertContracts, insertFeeSchedule, insertMembers, insertOrganizations, insertPlans } from './repositories/registry-writer.ts';
import { loadMembersForBatch, loadRegistrySnapshot } from './repositories/registry-snapshot.ts';
import { lockAccumulators, reserveNumbers, writeAccumulators } from './repositories/accumulator-repo.ts';

describe(`store on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let store: Awaited<ReturnType<typeof createTestStore>>;
  beforeAll(async () => {
    store = await createTestStore();
    const db = store.db;
    await insertOrganizations(db, [PAYER, PROVIDER]);
    await insertFeeSchedule(db, { id: 'fs-base', ownerOrgId: PAYER.id, name: 'Base' }, [BASE_SCHEDULE]);
    await insertFeeSchedule(db, { id: 'fs-riverside', ownerOrgId: PAYER.id, name: 'Riverside' }, [CONTRACT_SCHEDULE]);
    await insertPlans(db, [PLAN], [BENEFIT]);
    await insertContracts(db, [CONTRACT]);
    await insertMembers(db, [MEMBER], [{ id: 'cov-1', memberKey: MEMBER.key, subscriberKey: MEMBER.key, planId: PLAN.id, effectiveFrom: '2026-01-01', effectiveTo: null }]);
  });
  afterAll(async () => store?.dispose());

  it('round-trips the registry into an adjudication snapshot', async () => {
    const snap = await loadRegistrySnapshot(store.db);
    expect(snap.providerByNpi.get(PROVIDER.npi!)?.id).toBe(PROVIDER.id);
    expect(snap.feeSchedules('fs-base', '2026-05-01')?.method).toEqual(BASE_SCHEDULE.method);
    expect(snap.feeSchedules('fs-base', '2025-05-01')).toBeNull();
    expect(snap.benefitsByPlan.get(PLAN.id)?.[0]?.inNetwork).toEqual(BENEFIT.inNetwork);
    const members = await loadMembersForBatch(store.db, snap, PAYER.id, [MEMBER.memberId, 'nobody']);
    expect(members.get(MEMBER.memberId)?.member).toEqual(MEMBER);
    expect(members.get(MEMBER.memberId)?.coverages[0]?.plan.id).toBe(PLAN.id);
    expect(members.has('nobody')).toBe(false);
  });

  it('locks, updates accumulators and reserves counters in a transaction', async () => {
    await store.db.transaction().execute(async (trx) => {
      const rows = await lockAccumulators(trx, ['b', 'a']);
      expect(rows).toEqual([['a', { deductibleCents: 0, oopCents: 0 }], ['b', { deductibleCents: 0, oopCents: 0 }]]);
      await writeAccumulators(trx, [['a', { deductibleCents: 5, oopCents: 7 }]]);
    });
    const a = await store.db.selectFrom('accumulator').selectAll().where('key', '=', 'a').executeTakeFirstOrThrow();
    expect(a).toEqual({ key: 'a', deductible_cents: 5, oop_cents: 7 });
    expect(await reserveNumbers(store.db, 'claim', 10)).toBe(1);
    expect(await reserveNumbers(store.db, 'claim', 5)).toBe(11);
  });

  it('rolls back everything when a transaction fails', async () => {
    await expect(
      store.db.transaction().execute(async (trx) => {
        await insertOrganizations(trx, [{ ...PROVIDER, id: 'org-x', npi: makeNpi('199999999') }]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.db.selectFrom('organization').select('id').where('id', '=', 'org-x').executeTakeFirst()).toBeUndefined();
  });

  it('refuses provider organizations whose NPI fails the check digit', async () => {
    await expect(insertOrganizations(store.db, [{ ...PROVIDER, id: 'org-y', npi: '1234567890' }])).rejects.toThrow(/check digit/);
  });
});
