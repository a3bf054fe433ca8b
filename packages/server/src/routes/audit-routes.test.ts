/**
 * The audit trail over HTTP: refused sign-ins are recorded (staff and members, with the account's
 * organization when the username exists), and `GET /api/audit` shows administrators their own
 * organization's events, the system role everyone's, and audits its own reads.
 */
import { MEMBER, PAYER } from '@tandem/core/testing';
import { insertUsers } from '@tandem/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/passwords.ts';
import { createTestApp, PROVIDER_2, TEST_PASSWORD, type TestApp } from '../testing/index.ts';

type Event = { id: number; actor: string; orgId: string | null; action: string; resourceType: string; outcome: string; memberKeys: string[]; detail: Record<string, unknown> | null };

describe(`audit trail on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestApp;
  let payerAdmin: string;
  let lakesideAdmin: string;
  let system: string;
  const audit = async (token: string, query = '') => {
    const r = await t.app.inject({ url: `/api/audit${query}`, headers: { authorization: `Bearer ${token}` } });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { items: Event[]; next?: number };
  };

  beforeAll(async () => {
    t = await createTestApp();
    const hash = await hashPassword(TEST_PASSWORD);
    await insertUsers(t.deps.store.db, [
      { id: 'u-la', username: 'lakeside.admin', displayName: 'Lakeside Admin', passwordHash: hash, orgId: PROVIDER_2.id, role: 'admin' },
      { id: 'u-sys', username: 'plan.system', displayName: 'Plan operations', passwordHash: hash, orgId: PAYER.id, role: 'system' },
    ]);
    [payerAdmin, lakesideAdmin, system] = await Promise.all([t.login('payer.admin'), t.login('lakeside.admin'), t.login('plan.system')]);
    const as = { authorization: `Bearer ${payerAdmin}` };
    expect((await t.app.inject({ method: 'POST', url: '/api/smart/member-logins', headers: as, payload: { memberKey: MEMBER.key, username: 'ada.member', password: 'ada password' } })).statusCode).toBe(201);
  });
  afterAll(async () => t?.close());

  it('records refused sign-ins with the reason and address, never telling the caller which it was', async () => {
    const wrong = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'riverside.billing', password: 'guess' }, remoteAddress: '10.1.2.3' });
    const unknown = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'no.such.user', password: 'guess' }, remoteAddress: '10.1.2.3' });
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(wrong.json().issue[0].diagnostics).toBe(unknown.json().issue[0].diagnostics);
    expect((await t.app.inject({ method: 'POST', url: '/auth/member-login', payload: { username: 'ada.member', password: 'guess' } })).statusCode).toBe(401);

    const denied = (await audit(system, '?outcome=denied&action=login')).items;
    expect(denied.map((e) => [e.actor, e.orgId, e.detail?.['reason'], e.detail?.['realm']])).toEqual([
      ['ada.member', PAYER.id, 'wrong-password', 'member'],
      ['no.such.user', null, 'unknown-username', 'staff'],
      ['riverside.billing', 'org-prov-1', 'wrong-password', 'staff'],
    ]);
    expect(denied[0]!.memberKeys).toEqual([MEMBER.key]);
    expect(denied[2]!.detail?.['address']).toBe('10.1.2.3');
  });

  it("shows administrators their own organization's events only, the system role everyone's; others are refused", async () => {
    const payers = (await audit(payerAdmin, '?limit=1000')).items;
    expect(payers.length).toBeGreaterThan(0);
    expect(new Set(payers.map((e) => e.orgId))).toEqual(new Set([PAYER.id]));
    expect(payers.some((e) => e.actor === 'no.such.user')).toBe(false);
    const lakeside = (await audit(lakesideAdmin, '?limit=1000')).items;
    expect(new Set(lakeside.map((e) => e.orgId))).toEqual(new Set([PROVIDER_2.id]));
    const all = (await audit(system, '?limit=1000')).items;
    expect(all.some((e) => e.orgId === null) && all.some((e) => e.orgId === PROVIDER_2.id)).toBe(true);

    const billing = await t.login('riverside.billing');
    const refused = await t.app.inject({ url: '/api/audit', headers: { authorization: `Bearer ${billing}` } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ resourceType: 'OperationOutcome' });
    const bad = await t.app.inject({ url: '/api/audit?action=delete', headers: { authorization: `Bearer ${payerAdmin}` } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ resourceType: 'OperationOutcome' });
  });

  it('filters by member and pages newest first; each read of the trail is itself audited', async () => {
    const ada = (await audit(payerAdmin, `?member=${MEMBER.key}`)).items;
    expect(ada.length).toBeGreaterThan(0);
    expect(ada.every((e) => e.memberKeys.includes(MEMBER.key))).toBe(true);
    // The read just made is recorded, naming the member it asked about.
    const reads = (await audit(payerAdmin, '?action=search&limit=1000')).items.filter((e) => e.resourceType === 'AuditEvent');
    expect(reads.some((e) => e.actor === 'payer.admin' && e.memberKeys.includes(MEMBER.key))).toBe(true);

    const first = await audit(payerAdmin, '?limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.items[0]!.id).toBeGreaterThan(first.items[1]!.id);
    const second = await audit(payerAdmin, `?limit=2&before=${first.next}`);
    expect(second.items[0]!.id).toBeLessThan(first.items[1]!.id);
    expect((await audit(payerAdmin, '?since=2000-01-01')).items.length).toBeGreaterThan(0);
    expect((await audit(payerAdmin, '?since=2999-01-01T00:00:00Z')).items).toEqual([]);
  });
});
