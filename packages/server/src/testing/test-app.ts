/**
 * A ready server for tests: a fresh store (PGlite in memory, or its own PostgreSQL
 * schema when DATABASE_URL is set), the small registry from core's builders, two
 * provider organizations and their users, and helpers to sign in.
 */
import { BASE_SCHEDULE, BENEFIT, CONTRACT, CONTRACT_SCHEDULE, MEMBER, PAYER, PLAN, PROVIDER } from '@tandem/core/testing';
import { makeNpi, type Member, type Organization } from '@tandem/core';
import { insertContracts, insertFeeSchedule, insertMembers, insertOrganizations, insertPlans, insertPractitioners, insertUsers } from '@tandem/store';
import { createTestStore } from '@tandem/store/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../app.ts';
import { hashPassword } from '../auth/passwords.ts';
import { silentLogger, type Deps } from '../deps.ts';

export const PROVIDER_2: Organization = { id: 'org-prov-2', kind: 'provider', name: 'Lakeside Hospital', tin: '990000003', npi: makeNpi('234567890'), providerType: 'hospital', payerCode: null };
export const MEMBER_2: Member = { key: 'mem-2', payerOrgId: PAYER.id, memberId: 'TM000002', subscriberKey: 'mem-2', relationship: 'self', firstName: 'Grace', lastName: 'Hopper', dateOfBirth: '1956-12-09', gender: 'F' };
export const TEST_PASSWORD = 'test-password';
export const FIXED_NOW = new Date('2026-06-30T12:00:00Z');

export interface TestApp {
  readonly app: FastifyInstance;
  readonly deps: Deps;
  login(username: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * `clock` replaces the fixed FIXED_NOW, e.g. `() => now` over a variable the test moves forward
 * to give decisions real durations (tokens still expire by the real time).
 */
export async function createTestApp(opts: { registry?: boolean; beforeReady?: (app: FastifyInstance) => void; appOptions?: AppOptions; clock?: () => Date } = {}): Promise<TestApp> {
  const store = await createTestStore();
  const db = store.db;
  if (opts.registry !== false) {
    await insertOrganizations(db, [PAYER, PROVIDER, PROVIDER_2]);
    await insertFeeSchedule(db, { id: 'fs-base', ownerOrgId: PAYER.id, name: 'Base' }, [BASE_SCHEDULE]);
    await insertFeeSchedule(db, { id: 'fs-riverside', ownerOrgId: PAYER.id, name: 'Riverside' }, [CONTRACT_SCHEDULE]);
    await insertPlans(db, [PLAN], [BENEFIT]);
    await insertContracts(db, [CONTRACT, { ...CONTRACT, id: 'ct-2', providerOrgId: PROVIDER_2.id, name: 'Lakeside 2026' }]);
    await insertPractitioners(db, [{ id: 'pr-1', npi: makeNpi('112345678'), firstName: 'Ann', lastName: 'Family', taxonomy: '207Q00000X', specialty: 'Family Medicine', orgId: PROVIDER.id }]);
    await insertMembers(db, [MEMBER, MEMBER_2], [
      { id: 'cov-1', memberKey: MEMBER.key, subscriberKey: MEMBER.key, planId: PLAN.id, effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31' },
      { id: 'cov-2', memberKey: MEMBER_2.key, subscriberKey: MEMBER_2.key, planId: PLAN.id, effectiveFrom: '2026-01-01', effectiveTo: '2026-03-31' },
    ]);
    const hash = await hashPassword(TEST_PASSWORD);
    await insertUsers(db, [
      { id: 'u1', username: 'payer.admin', displayName: 'Payer Admin', passwordHash: hash, orgId: PAYER.id, role: 'admin' },
      { id: 'u2', username: 'riverside.billing', displayName: 'Riverside Billing', passwordHash: hash, orgId: PROVIDER.id, role: 'billing' },
      { id: 'u3', username: 'lakeside.billing', displayName: 'Lakeside Billing', passwordHash: hash, orgId: PROVIDER_2.id, role: 'billing' },
    ]);
  }
  const deps: Deps = { store, clock: opts.clock ?? (() => FIXED_NOW), log: silentLogger };
  const { app } = await buildApp(deps, opts.appOptions);
  // Hooks a test adds (e.g. to see which route answered) must be in place before ready.
  opts.beforeReady?.(app);
  await app.ready();
  return {
    app,
    deps,
    async login(username) {
      const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: TEST_PASSWORD } });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.body}`);
      return (res.json() as { token: string }).token;
    },
    async close() {
      await app.close();
      await store.dispose();
    },
  };
}
