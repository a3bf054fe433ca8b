/**
 * Throttled sign-ins over HTTP: staff, members and the SMART consent screen. Failures count per
 * username from one address (10), per username (100) and per address (100) in 15 minutes; a good
 * password is refused too while throttled, and other users and addresses are not affected.
 */
import { MEMBER } from '@tandem/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, launchMemberApp, TEST_PASSWORD, type TestApp } from '../testing/index.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const REDIRECT = 'http://app.example/callback';
const MEMBER_PASSWORD = 'ada.member password';

describe(`Sign-in throttling on ${db}`, () => {
  let t: TestApp;
  let clientId: string;
  const signIn = (url: '/auth/login' | '/auth/member-login', username: string, password: string, remoteAddress = '127.0.0.1') =>
    t.app.inject({ method: 'POST', url, payload: { username, password }, remoteAddress });

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.login('payer.admin');
    const as = { authorization: `Bearer ${admin}` };
    expect((await t.app.inject({ method: 'POST', url: '/api/smart/member-logins', headers: as, payload: { memberKey: MEMBER.key, username: 'ada.member', password: MEMBER_PASSWORD } })).statusCode).toBe(201);
    clientId = (await t.app.inject({ method: 'POST', url: '/api/smart/clients', headers: as, payload: { kind: 'member-app', name: 'My Health App', redirectUris: [REDIRECT] } })).json().clientId as string;
  });
  afterAll(async () => t?.close());

  it('answers the 11th wrong staff password with 429, Retry-After and an OperationOutcome; others sign in as usual', async () => {
    for (let i = 1; i <= 10; i++) expect([i, (await signIn('/auth/login', 'riverside.billing', `guess ${i}`)).statusCode]).toEqual([i, 401]);
    const eleventh = await signIn('/auth/login', 'riverside.billing', 'guess 11');
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.headers['retry-after']).toBe('900'); // the test clock stands still: the whole window
    expect(eleventh.json()).toEqual({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'throttled', diagnostics: 'Too many requests: too many failed sign-ins for this username or from this address; try again in 15 minutes' }] });
    // The ten refusals are in the audit trail; the throttled attempt is not (the limiter bounds what reaches it).
    const recorded = await t.deps.store.db.selectFrom('audit_event').select('id').where('actor', '=', 'riverside.billing').where('outcome', '=', 'denied').execute();
    expect(recorded).toHaveLength(10);
    // The right password is refused too while throttled: otherwise the 11th guess could still be tried.
    expect((await signIn('/auth/login', 'riverside.billing', TEST_PASSWORD)).statusCode).toBe(429);
    expect((await signIn('/auth/login', 'Riverside.Billing ', TEST_PASSWORD)).statusCode).toBe(429);
    // Another user from the same address, and the same user from another address, are not affected.
    expect((await signIn('/auth/login', 'lakeside.billing', TEST_PASSWORD)).statusCode).toBe(200);
    expect((await signIn('/auth/login', 'riverside.billing', TEST_PASSWORD, '10.0.0.7')).statusCode).toBe(200);
    // Member sign-ins are another realm: the same username there is not throttled.
    expect((await signIn('/auth/member-login', 'riverside.billing', 'x')).statusCode).toBe(401);
  });

  it('throttles member sign-ins, the dashboard and the SMART consent screen together', async () => {
    const address = '10.0.0.20';
    for (let i = 1; i <= 10; i++) expect((await signIn('/auth/member-login', 'ada.member', `guess ${i}`, address)).statusCode).toBe(401);
    const refused = await signIn('/auth/member-login', 'ada.member', MEMBER_PASSWORD, address);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('900');
    expect(refused.json().issue[0].code).toBe('throttled');
    // From her own address Ada still signs in, on the dashboard and in her app's consent screen…
    expect((await signIn('/auth/member-login', 'ada.member', MEMBER_PASSWORD)).statusCode).toBe(200);
    // …until failures there reach the limit too: the consent screen's sign-in answers 429 (launchMemberApp's inject comes from 127.0.0.1).
    for (let i = 1; i <= 10; i++) expect((await signIn('/auth/member-login', 'ada.member', `guess ${i}`)).statusCode).toBe(401);
    await expect(launchMemberApp(t.app, { clientId, redirectUri: REDIRECT, username: 'ada.member', password: MEMBER_PASSWORD })).rejects.toThrow('member sign-in failed: 429');
  });

  it('throttles one address spraying many usernames after 100 failures, not the other addresses', async () => {
    const address = '10.0.0.30';
    for (let i = 1; i <= 100; i++) expect((await signIn('/auth/login', `nobody.${i}`, 'password', address)).statusCode).toBe(401);
    const refused = await signIn('/auth/login', 'payer.admin', TEST_PASSWORD, address);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('900');
    // The address counts for members too; another address is unaffected.
    expect((await signIn('/auth/member-login', 'ada.member', MEMBER_PASSWORD, address)).statusCode).toBe(429);
    expect((await signIn('/auth/login', 'payer.admin', TEST_PASSWORD, '10.0.0.31')).statusCode).toBe(200);
  });
});
