import { aClaim, aLine, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { write837 } from '@tandem/x12';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from '../exchange/claim-to-837.ts';
import { createTestApp, MEMBER_2, type TestApp } from '../testing/index.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const HOST = 'localhost:8080';
const ORIGIN = `http://${HOST}`;
const FHIR = `${ORIGIN}/fhir`;
const REDIRECT = 'http://app.example/callback';

/** The cookies a browser would keep between the authorization server's redirects. */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(setCookie: string | string[] | undefined): void {
    for (const c of [setCookie ?? []].flat()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

describe(`SMART on FHIR authorization server on ${db}`, () => {
  let t: TestApp;
  /** Left by the launch test for the connected-apps test. */
  let launched: { clientId: string; query: URLSearchParams; verifier: string } | null = null;
  let admin: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}`, host: HOST });

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.login('payer.admin');
    const riverside = await t.login('riverside.billing');
    const claims = [
      claim837From(aClaim({ patientControlNumber: 'SMART-1', lines: [aLine()] }), { payer: PAYER, provider: PROVIDER, member: MEMBER }),
      claim837From(aClaim({ patientControlNumber: 'SMART-2', memberId: MEMBER_2.memberId, lines: [aLine({ serviceDateFrom: '2026-02-01', serviceDateTo: '2026-02-01' })] }), { payer: PAYER, provider: PROVIDER, member: MEMBER_2 }),
    ];
    const x12 = write837(claims, { kind: 'professional', senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: 41, date: new Date('2026-06-01T10:00:00Z') });
    const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { ...auth(riverside), 'content-type': 'application/edi-x12' }, payload: x12 });
    expect(res.headers['x-tandem-accepted']).toBe('true');
  });
  afterAll(async () => t?.close());

  const jar = new Jar();
  const get = async (url: string) => {
    const r = await t.app.inject({ url, headers: { host: HOST, cookie: jar.header() } });
    jar.take(r.headers['set-cookie']);
    return r;
  };
  const post = async (url: string, form: Record<string, string>) => {
    const r = await t.app.inject({ method: 'POST', url, headers: { host: HOST, cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });
    jar.take(r.headers['set-cookie']);
    return r;
  };
  const path = (location: string | string[] | undefined) => {
    const u = new URL(String(location), ORIGIN);
    return u.origin === ORIGIN ? `${u.pathname}${u.search}` : u.toString();
  };

  it('publishes its SMART configuration without a token', async () => {
    for (const url of ['/.well-known/smart-configuration', '/fhir/.well-known/smart-configuration']) {
      const res = await t.app.inject({ url, headers: { host: HOST } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ issuer: `${ORIGIN}/oauth`, token_endpoint: `${ORIGIN}/oauth/token`, code_challenge_methods_supported: ['S256'] });
      expect(res.json().capabilities).toContain('context-standalone-patient');
    }
    const oidc = await t.app.inject({ url: '/oauth/.well-known/openid-configuration', headers: { host: HOST } });
    expect(oidc.json()).toMatchObject({ issuer: `${ORIGIN}/oauth`, authorization_endpoint: `${ORIGIN}/oauth/auth` });
  });

  it('lets only a payer administrator register clients, and checks their metadata', async () => {
    const provider = await t.login('riverside.billing');
    const denied = await t.app.inject({ method: 'POST', url: '/api/smart/clients', headers: auth(provider), payload: { kind: 'member-app', name: 'x', redirectUris: [REDIRECT] } });
    expect(denied.statusCode).toBe(403);
    const bad = await t.app.inject({ method: 'POST', url: '/api/smart/clients', headers: auth(admin), payload: { kind: 'member-app', name: 'x', redirectUris: ['not a url'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ resourceType: 'OperationOutcome' });
    const noKeys = await t.app.inject({ method: 'POST', url: '/api/smart/clients', headers: auth(admin), payload: { kind: 'backend', name: 'x', orgId: PROVIDER.id } });
    expect(noKeys.statusCode).toBe(400);
  });

  it('gives a provider system a token by client_credentials with private_key_jwt, scoped to its patients', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS384');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS384', use: 'sig' };
    const reg = await t.app.inject({ method: 'POST', url: '/api/smart/clients', headers: auth(admin), payload: { kind: 'backend', name: 'Riverside EHR', orgId: PROVIDER.id, jwks: { keys: [jwk] } } });
    expect(reg.statusCode, reg.body).toBe(201);
    const clientId = reg.json().clientId as string;
    const assertion = (aud = `${ORIGIN}/oauth/token`) =>
      new SignJWT({}).setProtectedHeader({ alg: 'RS384', kid: 'k1', typ: 'JWT' }).setIssuer(clientId).setSubject(clientId).setAudience(aud).setJti(randomBytes(8).toString('hex')).setExpirationTime('5m').setIssuedAt().sign(privateKey);
    const token = async (a: string, scope = 'system/*.rs') =>
      t.app.inject({ method: 'POST', url: '/oauth/token', headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ grant_type: 'client_credentials', scope, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: a }).toString() });
    const res = await token(await assertion());
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { access_token: string; token_type: string; scope: string; expires_in: number };
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'system/*.rs' });
    // A signature by some other key is refused.
    const other = await generateKeyPair('RS384');
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'RS384', kid: 'k1' }).setIssuer(clientId).setSubject(clientId).setAudience(`${ORIGIN}/oauth/token`).setJti('x1').setExpirationTime('5m').setIssuedAt().sign(other.privateKey);
    expect((await token(forged)).statusCode).toBe(401);
    const eobs = await t.app.inject({ url: '/fhir/ExplanationOfBenefit', headers: auth(body.access_token) });
    expect(eobs.statusCode).toBe(200);
    expect(eobs.json().total).toBe(2);
    // SMART tokens do not open the dashboard API.
    expect((await t.app.inject({ url: '/api/claims', headers: auth(body.access_token) })).statusCode).toBe(403);
    // Nor the FHIR routes that act with the organization's whole reach and check no scopes (DEQM, PAS, Subscription).
    for (const [method, url] of [['GET', '/fhir/Measure/$care-gaps?periodStart=2026-01-01&periodEnd=2026-12-31&status=open-gap'], ['GET', '/fhir/Subscription'], ['POST', '/fhir/Claim/$inquire']] as const) {
      const r = await t.app.inject({ method, url, headers: { ...auth(body.access_token), 'content-type': 'application/fhir+json' }, ...(method === 'POST' ? { payload: '{}' } : {}) });
      expect([url, r.statusCode, r.json().resourceType]).toEqual([url, 403, 'OperationOutcome']);
    }
    // A narrower scope reaches only its type.
    const narrow = (await token(await assertion(), 'system/Patient.rs')).json() as { access_token: string };
    expect((await t.app.inject({ url: '/fhir/Patient', headers: auth(narrow.access_token) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/fhir/ExplanationOfBenefit', headers: auth(narrow.access_token) })).statusCode).toBe(403);
    // Disabling the client revokes its tokens at once.
    expect((await t.app.inject({ method: 'DELETE', url: `/api/smart/clients/${clientId}`, headers: auth(admin) })).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/fhir/Patient', headers: auth(body.access_token) })).statusCode).toBe(401);
  });

  it("runs a standalone patient launch: sign-in, consent, PKCE, the member's data only, refresh and revocation", async () => {
    const reg = await t.app.inject({ method: 'POST', url: '/api/smart/clients', headers: auth(admin), payload: { kind: 'member-app', name: 'My Health App', redirectUris: [REDIRECT] } });
    expect(reg.statusCode, reg.body).toBe(201);
    const clientId = reg.json().clientId as string;
    const login = await t.app.inject({ method: 'POST', url: '/api/smart/member-logins', headers: auth(admin), payload: { memberKey: MEMBER.key, username: 'ada', password: 'correct horse battery' } });
    expect(login.statusCode).toBe(201);

    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, scope: 'launch/patient openid fhirUser offline_access patient/*.rs', state: 'st-1', aud: FHIR, code_challenge: challenge, code_challenge_method: 'S256' });

    // A wrong aud is refused before anything else.
    const wrongAud = await get(`/oauth/auth?${new URLSearchParams({ ...Object.fromEntries(q), aud: 'http://elsewhere/fhir' })}`);
    expect(String(wrongAud.headers.location ?? wrongAud.body)).toContain('invalid_request');

    let r = await get(`/oauth/auth?${q}`);
    expect(r.statusCode).toBe(303);
    const loginUrl = path(r.headers.location);
    r = await get(loginUrl);
    expect(r.body).toContain('My Health App');
    expect((await post(`${loginUrl}/login`, { username: 'ada', password: 'wrong' })).statusCode).toBe(401);
    r = await post(`${loginUrl}/login`, { username: 'ada', password: 'correct horse battery' });
    expect(r.statusCode).toBe(303);
    const resumeUrl = path(r.headers.location);
    r = await get(resumeUrl);
    expect(r.statusCode, `${resumeUrl} ${r.body} ${JSON.stringify(r.headers)}`).toBe(303);
    const consentUrl = path(r.headers.location);
    r = await get(consentUrl);
    expect(r.body).toContain('Allow My Health App');
    expect(r.body).toContain('Read all your health plan data');
    r = await post(`${consentUrl}/confirm`, { decision: 'allow' });
    r = await get(path(r.headers.location));
    const callback = new URL(String(r.headers.location));
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect(callback.searchParams.get('state')).toBe('st-1');
    const code = callback.searchParams.get('code')!;

    const tokenReq = (form: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/oauth/token', headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ client_id: clientId, ...form }).toString() });
    expect((await tokenReq({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: 'x'.repeat(43) })).statusCode).toBe(400);
    // The code was spent by the failed attempt (codes are one-time): start again is what a real app does; here, check the successful path with a fresh code.
    // Signed in already, the member sees the consent screen again (offline access is always asked for).
    r = await get(`/oauth/auth?${q}`);
    const consent2 = path(r.headers.location);
    expect((await get(consent2)).body).toContain('Allow My Health App');
    r = await post(`${consent2}/confirm`, { decision: 'allow' });
    const again = new URL(String((await get(path(r.headers.location))).headers.location));
    const code2 = again.searchParams.get('code') ?? '';
    const tok = await tokenReq({ grant_type: 'authorization_code', code: code2, redirect_uri: REDIRECT, code_verifier: verifier });
    expect(tok.statusCode, tok.body).toBe(200);
    const body = tok.json() as { access_token: string; refresh_token: string; patient: string; id_token: string; scope: string };
    expect(body.patient).toBe(MEMBER.key);
    expect(body.refresh_token).toBeTruthy();
    expect(body.scope.split(' ')).toEqual(expect.arrayContaining(['patient/*.rs', 'launch/patient', 'openid', 'fhirUser', 'offline_access']));
    const idClaims = JSON.parse(Buffer.from(body.id_token.split('.')[1]!, 'base64url').toString()) as { fhirUser: string };
    expect(idClaims.fhirUser).toBe(`${FHIR}/Patient/${MEMBER.key}`);

    const patients = (await t.app.inject({ url: '/fhir/Patient', headers: auth(body.access_token) })).json() as { total: number; entry: Array<{ resource: { id: string } }> };
    expect(patients.total).toBe(1);
    expect(patients.entry[0]!.resource.id).toBe(MEMBER.key);
    expect((await t.app.inject({ url: `/fhir/Patient/${MEMBER_2.key}`, headers: auth(body.access_token) })).statusCode).toBe(404);
    const eobs = (await t.app.inject({ url: '/fhir/ExplanationOfBenefit', headers: auth(body.access_token) })).json() as { total: number; entry: Array<{ resource: { patient: { reference: string } } }> };
    expect(eobs.total).toBe(1);
    expect(eobs.entry[0]!.resource.patient.reference).toBe(`Patient/${MEMBER.key}`);
    expect((await t.app.inject({ url: '/fhir/Group', headers: auth(body.access_token) })).json()).toMatchObject({ total: 0 });
    const audit = await t.deps.store.db.selectFrom('audit_event').select(['actor', 'purpose']).where('resource_type', '=', 'ExplanationOfBenefit').where('actor', 'like', 'member:%').execute();
    expect(audit).toContainEqual({ actor: `member:${MEMBER.key} via app:${clientId}`, purpose: 'member-request' });

    const refreshed = await tokenReq({ grant_type: 'refresh_token', refresh_token: body.refresh_token });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const fresh = refreshed.json() as { access_token: string; patient: string; refresh_token: string };
    launched = { clientId, query: q, verifier };
    expect(fresh.patient).toBe(MEMBER.key);
    expect((await t.app.inject({ url: '/fhir/Patient', headers: auth(fresh.access_token) })).statusCode).toBe(200);

    const revoke = await t.app.inject({ method: 'POST', url: '/oauth/token/revocation', headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ client_id: clientId, token: fresh.access_token }).toString() });
    expect(revoke.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/fhir/Patient', headers: auth(fresh.access_token) })).statusCode).toBe(401);
  });

  it("lists a member's connected apps, revokes one, and reports Patient Access usage", async () => {
    expect(launched).not.toBeNull();
    // The member authorizes the app again (signed in already: consent only).
    let r = await get(`/oauth/auth?${launched!.query}`);
    const consent = path(r.headers.location);
    r = await post(`${consent}/confirm`, { decision: 'allow' });
    const code = new URL(String((await get(path(r.headers.location))).headers.location)).searchParams.get('code')!;
    const tok = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ client_id: launched!.clientId, grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: launched!.verifier }).toString() });
    const live = tok.json() as { access_token: string; refresh_token: string };
    expect((await t.app.inject({ url: '/fhir/ExplanationOfBenefit', headers: auth(live.access_token) })).statusCode).toBe(200);

    const apps = (await t.app.inject({ url: `/api/members/${MEMBER.key}/smart-apps`, headers: auth(admin) })).json() as { items: Array<{ grantId: string; clientId: string; appName: string; scopes: string[] }> };
    const app = apps.items.find((a) => a.clientId === launched!.clientId)!;
    expect(app).toMatchObject({ appName: 'My Health App' });
    expect(app.scopes).toContain('patient/*.rs');
    const provider = await t.login('riverside.billing');
    expect((await t.app.inject({ url: `/api/members/${MEMBER.key}/smart-apps`, headers: auth(provider) })).statusCode).toBe(404);
    const metrics = (await t.app.inject({ url: '/api/smart/metrics?from=2000-01-01&to=2100-01-01', headers: auth(admin) })).json() as { uniqueMembers: number; membersMoreThanOnce: number; apps: number };
    expect(metrics).toMatchObject({ uniqueMembers: 1, membersMoreThanOnce: 1, apps: 1 });
    expect((await t.app.inject({ url: '/api/smart/metrics?from=2100-01-01&to=2000-01-01', headers: auth(admin) })).statusCode).toBe(400);

    expect((await t.app.inject({ method: 'DELETE', url: `/api/members/${MEMBER.key}/smart-apps/${app.grantId}`, headers: auth(admin) })).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/fhir/ExplanationOfBenefit', headers: auth(live.access_token) })).statusCode).toBe(401);
    const refresh = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ client_id: launched!.clientId, grant_type: 'refresh_token', refresh_token: live.refresh_token }).toString() });
    expect(refresh.statusCode).toBe(400);
    expect(refresh.json()).toMatchObject({ error: 'invalid_grant' });
    expect(((await t.app.inject({ url: `/api/members/${MEMBER.key}/smart-apps`, headers: auth(admin) })).json() as { items: unknown[] }).items).toHaveLength(0);
  });
});
