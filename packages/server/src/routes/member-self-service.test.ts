/**
 * Member self-service end to end: a member signs in with the consent screen's credentials,
 * changes their Provider Access and Payer-to-Payer choices, revokes an app, and reads who
 * received their data and why; a member session reaches nothing else. Every disclosure — to
 * the member's app, a provider, another plan — is audited with its purpose.
 */
import { aClaim, aLine, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { insertOrganizations } from '@tandem/store';
import { write837 } from '@tandem/x12';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from '../exchange/claim-to-837.ts';
import { backendSystem, createTestApp, launchMemberApp, MEMBER_2, type TestApp } from '../testing/index.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const REDIRECT = 'http://app.example/callback';
const CONSENT = JSON.parse(readFileSync(new URL('../../test-fixtures/pdex/Consent-consent-2.json', import.meta.url), 'utf8')) as Record<string, unknown>;

type Disclosure = { at: string; recipient: { kind: string; name: string; actor: string }; action: string; resourceType: string; purpose: string };

describe(`Member self-service on ${db}`, () => {
  let t: TestApp;
  let admin: string;
  let riverside: string;
  let newPlan: string;
  let newPlanActor: string;
  let appToken: string;
  let ada: string;
  let grace: string;
  const as = (token: string) => ({ authorization: `Bearer ${token}`, host: 'localhost:8080' });
  const get = (url: string, token: string) => t.app.inject({ url, headers: as(token) });
  const memberMatch = () => t.app.inject({
    method: 'POST', url: '/fhir/Patient/$member-match', headers: { ...as(newPlan), 'content-type': 'application/fhir+json' },
    payload: JSON.stringify({ resourceType: 'Parameters', parameter: [
      { name: 'MemberPatient', resource: { resourceType: 'Patient', name: [{ family: MEMBER.lastName, given: [MEMBER.firstName] }], birthDate: MEMBER.dateOfBirth } },
      { name: 'CoverageToMatch', resource: { resourceType: 'Coverage', status: 'active', subscriberId: MEMBER.memberId, beneficiary: { reference: 'Patient/1' }, payor: [{ display: PAYER.name }] } },
      { name: 'Consent', resource: { ...CONSENT, provision: { ...(CONSENT['provision'] as object), period: { start: '2026-01-01', end: '2027-12-31' } } } },
    ] }),
  });
  const memberLogin = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/auth/member-login', payload: { username, password } });

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.login('payer.admin');
    riverside = await t.login('riverside.billing');
    const claims = [MEMBER, MEMBER, MEMBER_2].map((m, i) => claim837From(aClaim({ patientControlNumber: `SELF-${i}`, memberId: m.memberId, lines: [aLine({ serviceDateFrom: '2026-02-0' + (i + 1), serviceDateTo: '2026-02-0' + (i + 1) })] }), { payer: PAYER, provider: PROVIDER, member: m }));
    const x12 = write837(claims, { kind: 'professional', senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: 57, date: new Date('2026-06-01T10:00:00Z') });
    expect((await t.app.inject({ method: 'POST', url: '/x12', headers: { ...as(riverside), 'content-type': 'application/edi-x12' }, payload: x12 })).headers['x-tandem-accepted']).toBe('true');
    // The member's next health plan, whose system the payer registered for Payer-to-Payer.
    await insertOrganizations(t.deps.store.db, [{ id: 'org-new-payer', kind: 'payer', name: 'New Health Plan', tin: '990000009', npi: null, providerType: null, payerCode: 'NEWHP' }]);
    const newPlanSystem = await backendSystem(t.app, { registrar: admin, orgId: 'org-new-payer' });
    newPlan = newPlanSystem.token;
    newPlanActor = `system:${newPlanSystem.clientId}`;
    // Sign-ins for both members, an app Ada authorizes, and disclosures of her data to the app and to her provider.
    for (const [memberKey, username] of [[MEMBER.key, 'ada.member'], [MEMBER_2.key, 'grace.member']] as const)
      expect((await t.app.inject({ method: 'POST', url: '/api/smart/member-logins', headers: as(admin), payload: { memberKey, username, password: `${username} password` } })).statusCode).toBe(201);
    const reg = await t.app.inject({ method: 'POST', url: '/api/smart/clients', headers: as(admin), payload: { kind: 'member-app', name: 'My Health App', redirectUris: [REDIRECT] } });
    appToken = (await launchMemberApp(t.app, { clientId: reg.json().clientId as string, redirectUri: REDIRECT, username: 'ada.member', password: 'ada.member password' })).access_token;
    expect((await get('/fhir/ExplanationOfBenefit', appToken)).json()).toMatchObject({ total: 2 });
    expect((await get(`/fhir/Patient/${MEMBER.key}`, riverside)).statusCode).toBe(200);
    expect((await get('/api/claims', riverside)).statusCode).toBe(200);
    // The plan's own staff reading its member is not a disclosure.
    expect((await get(`/fhir/Patient/${MEMBER.key}`, admin)).statusCode).toBe(200);
    // Before Ada opts in, the new plan gets nothing.
    expect((await memberMatch()).statusCode).toBe(422);
  });
  afterAll(async () => t?.close());

  it('signs a member in with the consent-screen credentials, to their own pages only', async () => {
    expect((await memberLogin('ada.member', 'wrong password')).statusCode).toBe(401);
    expect((await memberLogin('payer.admin', 'test-password')).statusCode).toBe(401);
    const res = await memberLogin('ada.member', 'ada.member password');
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ role: 'member', memberKey: MEMBER.key, displayName: `${MEMBER.firstName} ${MEMBER.lastName}`, org: { id: PAYER.id, type: 'payer' } });
    ada = res.json().token as string;
    grace = (await memberLogin('grace.member', 'grace.member password')).json().token as string;
    expect((await get('/api/me', ada)).json()).toMatchObject({ role: 'member', memberKey: MEMBER.key });
  });

  it('never lets a member session reach another member, the payer and provider APIs or FHIR', async () => {
    for (const url of ['/api/claims', `/api/members/${MEMBER_2.key}/access-choices`, `/api/members/${MEMBER.key}/access-choices`, `/api/members/${MEMBER.key}/smart-apps`, '/api/smart/metrics', '/api/smart/clients', '/api/contracts', `/fhir/Patient/${MEMBER.key}`, '/fhir/ExplanationOfBenefit', `/fhir/Patient/${MEMBER.key}/$everything`]) {
      const r = await get(url, ada);
      expect([url, r.statusCode]).toEqual([url, 403]);
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/smart/member-logins', headers: as(ada), payload: { memberKey: MEMBER_2.key, username: 'x'.repeat(5), password: 'y'.repeat(12) } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/tokens', headers: as(ada), payload: { username: 'payer.admin' } })).statusCode).toBe(403);
    // The member's pages are the member's own: no key to choose, and staff and apps are turned away.
    expect((await t.app.inject({ method: 'PUT', url: '/api/me/access-choices', headers: as(ada), payload: { memberKey: MEMBER_2.key, providerAccessOptOut: true, payerToPayerOptIn: false } })).statusCode).toBe(400);
    expect((await get('/api/me/access-choices', admin)).statusCode).toBe(403);
    expect((await get('/api/me/disclosures', riverside)).statusCode).toBe(403);
    expect((await get('/api/me/apps', appToken)).statusCode).toBe(403);
    // A tampered token is no session at all.
    expect((await get('/api/me/apps', `${ada.slice(0, -4)}AAAA`)).statusCode).toBe(401);
  });

  it("changes the member's own choices, recorded as the member's, and the Payer-to-Payer opt-in takes effect", async () => {
    expect((await get('/api/me/access-choices', ada)).json()).toMatchObject({ memberKey: MEMBER.key, providerAccessOptOut: false, payerToPayerOptIn: false, updatedAt: null });
    const put = await t.app.inject({ method: 'PUT', url: '/api/me/access-choices', headers: as(ada), payload: { providerAccessOptOut: true, payerToPayerOptIn: true } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ providerAccessOptOut: true, payerToPayerOptIn: true });
    const row = await t.deps.store.db.selectFrom('member_access_choice').selectAll().where('member_key', '=', MEMBER.key).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ provider_access_opt_out: true, payer_to_payer_opt_in: true, recorded_by: `member:${MEMBER.key}` });
    // The payer sees the member's choice; the other member's are untouched.
    expect((await get(`/api/members/${MEMBER.key}/access-choices`, admin)).json()).toMatchObject({ providerAccessOptOut: true, payerToPayerOptIn: true });
    expect((await get('/api/me/access-choices', grace)).json()).toMatchObject({ memberKey: MEMBER_2.key, providerAccessOptOut: false, payerToPayerOptIn: false });
    expect((await get('/api/smart/provider-access-opt-outs', admin)).json().items.map((i: { memberKey: string }) => i.memberKey)).toEqual([MEMBER.key]);
    const match = await memberMatch();
    expect(match.statusCode, match.body).toBe(200);
    // The opt-out takes effect on Provider Access at once: the provider's FHIR reads no longer find Ada; Grace is unaffected.
    expect((await get(`/fhir/Patient/${MEMBER.key}`, riverside)).statusCode).toBe(404);
    expect((await get(`/fhir/ExplanationOfBenefit?patient=${MEMBER.key}`, riverside)).json()).toMatchObject({ total: 0 });
    expect((await get(`/fhir/Patient/${MEMBER.key}/$everything`, riverside)).statusCode).toBe(404);
    expect((await get(`/fhir/ExplanationOfBenefit?patient=${MEMBER_2.key}`, riverside)).json()).toMatchObject({ total: 1 });
    // Ada's app (Patient Access) and the plan itself still read her data.
    expect((await get('/fhir/ExplanationOfBenefit', appToken)).json()).toMatchObject({ total: 2 });
    expect((await get(`/fhir/Patient/${MEMBER.key}`, admin)).statusCode).toBe(200);
  });

  it('audits every disclosure with its purpose and shows the member who received their data', async () => {
    const events = await t.deps.store.db.selectFrom('audit_event').select(['actor', 'resource_type', 'detail', 'member_keys']).where('outcome', '=', 'success').where('action', 'in', ['read', 'search', 'export']).orderBy('id').execute();
    const purposeOf = (pred: (e: (typeof events)[number]) => boolean) => [...new Set(events.filter(pred).map((e) => e.detail?.['purpose']))];
    expect(purposeOf((e) => e.actor.includes(' via app:') && e.resource_type === 'ExplanationOfBenefit')).toEqual(['patient-access']);
    expect(purposeOf((e) => e.actor === 'riverside.billing' && e.resource_type === 'Patient')).toEqual(['provider-access']);
    expect(purposeOf((e) => e.actor === 'riverside.billing' && e.resource_type === 'Claim')).toEqual(['treatment']);
    expect(purposeOf((e) => e.actor === newPlanActor && e.resource_type === 'Patient')).toEqual(['payer-to-payer']);
    expect(purposeOf((e) => e.actor === 'payer.admin' && e.resource_type === 'Patient')).toEqual(['payment']);

    const log = (await get('/api/me/disclosures', ada)).json().items as Disclosure[];
    const seen = log.map((d) => `${d.recipient.kind} ${d.recipient.name} ${d.resourceType} ${d.purpose}`);
    expect(seen).toEqual(expect.arrayContaining([
      'app My Health App ExplanationOfBenefit patient-access',
      `provider ${PROVIDER.name} Patient provider-access`,
      `provider ${PROVIDER.name} Claim treatment`,
      'payer New Health Plan Patient payer-to-payer',
    ]));
    // Neither the plan's own staff nor the member's own look at their page is a disclosure; newest first.
    expect(log.some((d) => d.recipient.actor === 'payer.admin' || d.recipient.actor === `member:${MEMBER.key}`)).toBe(false);
    expect(log.map((d) => d.at)).toEqual([...log.map((d) => d.at)].sort().reverse());
    // Grace's log has her provider's reads and nothing of Ada's app or new plan.
    const graceLog = (await get('/api/me/disclosures', grace)).json().items as Disclosure[];
    expect(graceLog.length).toBeGreaterThan(0);
    expect(graceLog.every((d) => d.recipient.kind === 'provider')).toBe(true);
  });

  it("audits a system's reads as Payer-to-Payer when the payer registered it for another plan, and as its own use otherwise", async () => {
    const systemToken = (orgId: string) => backendSystem(t.app, { registrar: admin, orgId });
    const otherPlan = await systemToken('org-new-payer');
    const ownSystem = await systemToken(PAYER.id);
    for (const s of [otherPlan, ownSystem]) expect((await get('/fhir/Patient', s.token)).statusCode).toBe(200);
    const purposeOf = async (clientId: string) => (await t.deps.store.db.selectFrom('audit_event').select('detail').where('actor', '=', `system:${clientId}`).where('resource_type', '=', 'Patient').executeTakeFirstOrThrow()).detail?.['purpose'];
    expect(await purposeOf(otherPlan.clientId)).toBe('payer-to-payer');
    expect(await purposeOf(ownSystem.clientId)).toBe('payment');
  });

  it("lists the member's connected apps and revokes one, for that member only", async () => {
    const apps = (await get('/api/me/apps', ada)).json().items as Array<{ grantId: string; appName: string }>;
    expect(apps.map((a) => a.appName)).toEqual(['My Health App']);
    expect((await get('/api/me/apps', grace)).json().items).toEqual([]);
    // Grace cannot revoke Ada's app: to her the grant does not exist.
    expect((await t.app.inject({ method: 'DELETE', url: `/api/me/apps/${apps[0]!.grantId}`, headers: as(grace) })).statusCode).toBe(404);
    expect((await get('/fhir/Patient', appToken)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/me/apps/${apps[0]!.grantId}`, headers: as(ada) })).statusCode).toBe(204);
    expect((await get('/fhir/Patient', appToken)).statusCode).toBe(401);
    expect((await get('/api/me/apps', ada)).json().items).toEqual([]);
  });
});
