import { aClaim, aLine, BENEFIT, PAYER, PLAN, PROVIDER } from '@tandem/core/testing';
import { makeNpi, type Member, type Organization } from '@tandem/core';
import { insertContracts, insertMembers, insertOrganizations, insertPlans, insertUsers } from '@tandem/store';
import { write837 } from '@tandem/x12';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../auth/passwords.ts';
import { claim837From } from '../../exchange/claim-to-837.ts';
import { backendToken, bulkExport, createTestApp, PROVIDER_2, TEST_PASSWORD, type TestApp } from '../../testing/index.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../../../test-fixtures/pdex/${name}`, import.meta.url), 'utf8')) as Json;
/** The PDex example request: Robert Johnson attested by Springfield Medical Center, Sarah Williams by Columbus Clinic. */
const REQUEST = fixture('Parameters-provider-member-match-request-001.json');
const EXAMPLE_RESPONSE = fixture('Parameters-provider-member-match-response-001.json');
const ATTESTATION_1 = fixture('Consent-provider-treatment-attestation-1.json');
const ATTESTATION_EX2 = fixture('Consent-treatment-attestation-ex2.json');
const OPT_OUT_EXAMPLE = fixture('Group-member-opt-out-group-001.json');

// The organizations the example Consents name (their NPIs are valid), in network with the payer.
const SPRINGFIELD: Organization = { id: 'org-springfield', kind: 'provider', name: 'Springfield Medical Center', tin: '990000011', npi: makeNpi('198294723'), providerType: 'hospital', payerCode: null };
const COLUMBUS: Organization = { id: 'org-columbus', kind: 'provider', name: 'Columbus Clinic', tin: '990000012', npi: makeNpi('112233445'), providerType: 'physician_group', payerCode: null };
// The example's members as the payer holds them (member ids = the Coverage subscriberIds).
const ROBERT: Member = { key: 'mem-robert', payerOrgId: PAYER.id, memberId: '12345678', subscriberKey: 'mem-robert', relationship: 'self', firstName: 'Robert', lastName: 'Johnson', dateOfBirth: '1965-08-15', gender: 'M' };
const SARAH: Member = { key: 'mem-sarah', payerOrgId: PAYER.id, memberId: '87654321', subscriberKey: 'mem-sarah', relationship: 'self', firstName: 'Sarah', lastName: 'Williams', dateOfBirth: '1978-03-22', gender: 'F' };
// Same name as Robert, born a day later: a near miss that must never match Robert's request.
const ROBERT_TWIN_DAY: Member = { ...ROBERT, key: 'mem-robert-2', memberId: '12345679', subscriberKey: 'mem-robert-2', dateOfBirth: '1965-08-16' };
// Two members with identical demographics: without a member id, neither may match.
const ALEX_A: Member = { key: 'mem-alex-a', payerOrgId: PAYER.id, memberId: 'AX000001', subscriberKey: 'mem-alex-a', relationship: 'self', firstName: 'Alex', lastName: 'Kim', dateOfBirth: '1990-01-01', gender: 'U' };
const ALEX_B: Member = { ...ALEX_A, key: 'mem-alex-b', memberId: 'AX000002', subscriberKey: 'mem-alex-b' };

const bundleOf = (i: number): Json => structuredClone(REQUEST['parameter'][i]) as Json;
const partOf = (b: Json, name: string): Json => b['part'].find((p: Json) => p['name'] === name)['resource'] as Json;
const request = (...bundles: Json[]): Json => ({ resourceType: 'Parameters', parameter: bundles });
const groupOf = (r: Json, name: string): Json | undefined => r['parameter'].find((p: Json) => p['name'] === name)?.['resource'] as Json | undefined;
const refs = (g: Json | undefined): string[] => (g?.['member'] ?? []).map((m: Json) => m['entity']['reference'] as string);

describe(`PDex $provider-member-match on ${db}`, () => {
  let t: TestApp;
  let base: string;
  let admin: string;
  let springfield: string;
  let columbus: string;
  let lakeside: string;
  let matchId = '';

  const match = async (token: string, body: unknown) => {
    const res = await fetch(`${base}/fhir/Group/$provider-member-match`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const get = (path: string, token: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const optOut = (key: string, out: boolean) => fetch(`${base}/api/members/${key}/access-choices`, { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ providerAccessOptOut: out, payerToPayerOptIn: false }) });

  beforeAll(async () => {
    t = await createTestApp();
    const store = t.deps.store.db;
    await insertOrganizations(store, [SPRINGFIELD, COLUMBUS]);
    await insertContracts(store, [
      { id: 'ct-springfield', payerOrgId: PAYER.id, providerOrgId: SPRINGFIELD.id, name: 'Springfield 2026', effectiveFrom: '2026-01-01', effectiveTo: null, feeScheduleId: 'fs-riverside' },
      { id: 'ct-columbus', payerOrgId: PAYER.id, providerOrgId: COLUMBUS.id, name: 'Columbus 2026', effectiveFrom: '2026-01-01', effectiveTo: null, feeScheduleId: 'fs-riverside' },
    ]);
    const members = [ROBERT, SARAH, ROBERT_TWIN_DAY, ALEX_A, ALEX_B];
    await insertMembers(store, members, members.map((m) => ({ id: `cov-${m.key}`, memberKey: m.key, subscriberKey: m.key, planId: 'plan-1', effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31' })));
    await insertUsers(store, [{ id: 'u-spring', username: 'springfield.billing', displayName: 'Springfield Billing', passwordHash: await hashPassword(TEST_PASSWORD), orgId: SPRINGFIELD.id, role: 'billing' }]);
    base = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('0.0.0.0', '127.0.0.1');
    admin = await t.login('payer.admin');
    // Riverside billed a claim for Robert: the export to Springfield carries it without amounts.
    const riverside = await t.login('riverside.billing');
    const x12 = write837([claim837From(aClaim({ patientControlNumber: 'PM-1', memberId: ROBERT.memberId, billingNpi: PROVIDER.npi, billingTin: PROVIDER.tin, billingName: PROVIDER.name, lines: [aLine()] }), { payer: PAYER, provider: PROVIDER, member: ROBERT })], { kind: 'professional', senderId: 'S', receiverId: 'TANDEM', interchangeControlNumber: 71, date: new Date('2026-06-01T10:00:00Z') });
    expect((await fetch(`${base}/x12`, { method: 'POST', headers: { authorization: `Bearer ${riverside}`, 'content-type': 'application/edi-x12' }, body: x12 })).headers.get('x-tandem-accepted')).toBe('true');
    springfield = await backendToken(t.app, { registrar: admin, orgId: SPRINGFIELD.id });
    columbus = await backendToken(t.app, { registrar: admin, orgId: COLUMBUS.id });
    lakeside = await backendToken(t.app, { registrar: admin, orgId: PROVIDER_2.id });
  });
  afterAll(async () => t?.close());

  it('answers the PDex example request: Robert matched with a stored treatment relationship, Sarah not (her attestation names another organization)', async () => {
    const r = await match(springfield, REQUEST);
    expect(r.status).toBe(200);
    expect(r.body['resourceType']).toBe('Parameters');
    // The same three parameter names and Group codes as the IG's example response.
    const matched = groupOf(r.body, 'MatchedMembers')!;
    expect(matched['code']).toEqual({ coding: [expect.objectContaining({ system: groupOf(EXAMPLE_RESPONSE, 'MatchedMembers')!['code']['coding'][0]['system'], code: 'match' })] });
    expect(refs(matched)).toEqual([`Patient/${ROBERT.key}`]);
    expect(matched['characteristic'][0]['valueReference']).toMatchObject({ reference: `Organization/${SPRINGFIELD.id}`, identifier: { value: '1982947230' } });
    const nomatch = groupOf(r.body, 'NonMatchedMembers')!;
    expect(nomatch['code']['coding'][0]['code']).toBe(groupOf(EXAMPLE_RESPONSE, 'NonMatchedMembers')!['code']['coding'][0]['code']);
    // The requester's own reference comes back; nothing of Sarah's record on our side.
    expect(refs(nomatch)).toEqual(['Patient/patient-prov-002']);
    expect(nomatch['member'][0]['entity']['display']).toContain('does not name the requesting organization');
    expect(JSON.stringify(r.body)).not.toContain(SARAH.key);
    expect(groupOf(r.body, 'ConsentConstrainedMembers')).toBeUndefined();
    matchId = matched['id'] as string;

    const rel = await t.deps.store.db.selectFrom('treatment_relationship').selectAll().execute();
    expect(rel).toHaveLength(1);
    expect(rel[0]).toMatchObject({ member_key: ROBERT.key, provider_org_id: SPRINGFIELD.id, source: 'attestation', match_id: matchId, attested_by: 'Dr. Susan Smith, MD / NPI 1234567893', period_start: '2024-01-15', period_end: '2027-06-30' });
    expect(Date.parse(rel[0]!.attested_at!)).toBe(Date.parse('2024-12-10T14:30:00Z'));
    expect((rel[0]!.consent as Json)['id']).toBe('treatment-attestation-001');
    const audit = await t.deps.store.db.selectFrom('audit_event').selectAll().where('resource_id', '=', matchId).where('action', '=', 'create').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ member_keys: [ROBERT.key], purpose: 'treatment', detail: expect.objectContaining({ operation: 'provider-member-match', submitted: 2, matched: 1, notMatched: 1 }) });
  });

  it('lets the matched provider read and export the member; another provider gets nothing', async () => {
    expect((await get(`/fhir/Patient/${ROBERT.key}`, springfield)).status).toBe(200);
    expect((await get(`/fhir/Patient/${SARAH.key}`, springfield)).status).toBe(404);
    const group = (await (await get(`/fhir/Group/${matchId}`, springfield)).json()) as Json;
    expect(refs(group)).toEqual([`Patient/${ROBERT.key}`]);
    expect(group['member'][0]['period']).toEqual({ start: '2024-01-15', end: '2027-06-30' });
    const r = await bulkExport(`${base}/fhir/Group/${matchId}/$davinci-data-export?exportType=hl7.fhir.us.davinci-pdex%23provider-download`, springfield);
    expect(r.resources.get('Patient')!.map((p) => p['id'])).toEqual([ROBERT.key]);
    const eobs = r.resources.get('ExplanationOfBenefit')!;
    expect(eobs).toHaveLength(1);
    expect(JSON.stringify(eobs[0])).not.toContain('"amount"');
    // Lakeside has no relationship: the member, the Group and its export do not exist for it.
    expect((await get(`/fhir/Patient/${ROBERT.key}`, lakeside)).status).toBe(404);
    const search = (await (await get(`/fhir/Patient?identifier=${ROBERT.memberId}`, lakeside)).json()) as Json;
    expect(search['total']).toBe(0);
    expect((await get(`/fhir/Group/${matchId}`, lakeside)).status).toBe(404);
    expect((await fetch(`${base}/fhir/Group/${matchId}/$davinci-data-export`, { headers: { authorization: `Bearer ${lakeside}`, prefer: 'respond-async' } })).status).toBe(404);
    // …and neither does the payer's export by this Group (the payer has $export).
    expect((await fetch(`${base}/fhir/Group/${matchId}/$davinci-data-export`, { headers: { authorization: `Bearer ${admin}`, prefer: 'respond-async' } })).status).toBe(404);
  });

  it('finds the provider\'s match Groups by code and characteristic-value-reference (PDex Provider Access), its own only', async () => {
    type Found = { total: number; entry?: Array<{ resource: Json }> };
    const search = async (query: string, token = springfield) => {
      const r = await get(`/fhir/Group${query}`, token);
      expect(r.status, query).toBe(200);
      const b = (await r.json()) as Found;
      return (b.entry ?? []).map((e) => e.resource['id'] as string);
    };
    const CS = 'http://hl7.org/fhir/us/davinci-pdex/CodeSystem/PdexMultiMemberMatchResultCS';
    // Without criteria: the roster of Springfield's contract, then its match Group.
    expect(await search('')).toEqual(['ct-springfield', matchId]);
    // Rosters carry no code and no characteristic, so criteria find match Groups only.
    for (const q of ['?code=match', `?code=${encodeURIComponent(`${CS}|match`)}`, '?code=nomatch,match', `?characteristic-value-reference=Organization/${SPRINGFIELD.id}`,
      `?characteristic-value-reference=${SPRINGFIELD.id}`, `?characteristic-value-reference:identifier=${encodeURIComponent(`http://hl7.org/fhir/sid/us-npi|${SPRINGFIELD.npi}`)}`,
      `?code=match&characteristic-value-reference=Organization/${SPRINGFIELD.id}&_id=${matchId}`]) expect(await search(q), q).toEqual([matchId]);
    for (const q of ['?code=nomatch', '?code=match&code=nomatch', `?code=${encodeURIComponent('http://other.example|match')}`, `?characteristic-value-reference=Organization/${COLUMBUS.id}`,
      `?characteristic-value-reference=Patient/${ROBERT.key}`, '?code=match&_id=ct-springfield']) expect(await search(q), q).toEqual([]);
    expect((await (await get(`/fhir/Group?code=match&_count=0`, springfield)).json() as Found).total).toBe(1);
    // Another provider, and the payer, find none of Springfield's.
    expect(await search('?code=match', lakeside)).toEqual([]);
    expect(await search(`?characteristic-value-reference=Organization/${SPRINGFIELD.id}`, admin)).toEqual([]);
    for (const q of ['?code=', '?code=a|b|c', '?characteristic-value-reference=not%20a%20reference', '?code:text=match', '?characteristic-value-reference.name=x']) {
      const r = await get(`/fhir/Group${q}`, springfield);
      expect(r.status, q).toBe(400);
      expect(((await r.json()) as Json)['resourceType']).toBe('OperationOutcome');
    }
  });

  it("lists the provider's match Groups in its Group search after its rosters, and nobody else's", async () => {
    const search = async (token: string, query = '') => (await (await get(`/fhir/Group${query}`, token)).json()) as Json;
    const ids = (b: Json): string[] => (b['entry'] ?? []).map((e: Json) => e['resource']['id'] as string);
    const mine = await search(springfield);
    const rosters = ids(mine).filter((id) => !id.startsWith('pm-'));
    expect(rosters).toEqual(['ct-springfield']);
    expect(ids(mine)).toEqual([...rosters, matchId]);
    expect(mine['total']).toBe(2);
    // Each as its read by id shows it; the provider's staff on the dashboard see the same.
    const listed = mine['entry'].find((e: Json) => e['resource']['id'] === matchId)['resource'] as Json;
    expect(listed).toEqual(await (await get(`/fhir/Group/${matchId}`, springfield)).json());
    expect(refs(listed)).toEqual([`Patient/${ROBERT.key}`]);
    expect(ids(await search(await t.login('springfield.billing')))).toEqual([...rosters, matchId]);
    // The search parameters the match Groups carry; paging runs on from the rosters into them.
    expect(ids(await search(springfield, '?code=match'))).toEqual([matchId]);
    expect(ids(await search(springfield, `?identifier=${encodeURIComponent(`https://tandem.health/fhir/provider-match|${matchId}`)}`))).toEqual([matchId]);
    expect(ids(await search(springfield, '?identifier=pm-0000'))).toEqual([]);
    expect(ids(await search(springfield, `?_id=${matchId}&code=match`))).toEqual([matchId]);
    expect(ids(await search(springfield, '?_id=p2p-match-0000'))).toEqual([]);
    const second = await search(springfield, '?_count=1&_offset=1');
    expect([ids(second), second['total']]).toEqual([[matchId], 2]);
    // Another provider (backend or dashboard) and the payer list their own Groups, never this one.
    for (const token of [lakeside, columbus, await t.login('riverside.billing'), admin]) expect(ids(await search(token))).not.toContain(matchId);
    expect(ids(await search(admin))).toEqual(['ct-1', 'ct-2', 'ct-columbus', 'ct-springfield']);
    // Listing discloses the members shown: each listed match Group is audited with them.
    const audits = () => t.deps.store.db.selectFrom('audit_event').select(['member_keys', 'detail', 'org_id']).where('resource_type', '=', 'Group').where('resource_id', '=', matchId).orderBy('id').execute();
    const before = (await audits()).length;
    await search(springfield);
    const after = await audits();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ org_id: SPRINGFIELD.id, member_keys: [ROBERT.key], detail: { kind: 'provider-match' } });
  });

  it('never matches a near miss, an ambiguous pair or a wrong member id', async () => {
    const nearMiss = bundleOf(0);
    partOf(nearMiss, 'MemberPatient')['birthDate'] = '1965-08-14'; // no member born that day
    const twinDay = bundleOf(0);
    partOf(twinDay, 'MemberPatient')['birthDate'] = '1965-08-16'; // the other Robert, but the member id is Robert's
    const wrongId = bundleOf(0);
    partOf(wrongId, 'CoverageToMatch')['subscriberId'] = '99999999';
    const ambiguous = bundleOf(0);
    Object.assign(partOf(ambiguous, 'MemberPatient'), { name: [{ family: 'Kim', given: ['Alex'] }], birthDate: '1990-01-01', gender: 'unknown' });
    delete partOf(ambiguous, 'CoverageToMatch')['subscriberId'];
    const r = await match(springfield, request(nearMiss, twinDay, wrongId, ambiguous));
    expect(r.status).toBe(200);
    expect(refs(groupOf(r.body, 'MatchedMembers'))).toEqual([]);
    expect(groupOf(r.body, 'MatchedMembers')!['quantity']).toBe(0);
    const no = groupOf(r.body, 'NonMatchedMembers')!;
    expect(no['member'].map((m: Json) => m['entity']['display'])).toEqual([
      'Robert Michael Johnson: no member matches', 'Robert Michael Johnson: no member matches', 'Robert Michael Johnson: no member matches', 'Alex Kim: more than one member matches',
    ]);
    for (const key of [ROBERT_TWIN_DAY.key, ALEX_A.key, ALEX_B.key]) expect(JSON.stringify(r.body)).not.toContain(key);
    expect(await t.deps.store.db.selectFrom('treatment_relationship').select('member_key').where('member_key', 'in', [ROBERT_TWIN_DAY.key, ALEX_A.key, ALEX_B.key]).execute()).toEqual([]);
  });

  it('refuses attestations that do not hold: another patient, not active, not treatment, ended', async () => {
    // The IG's other attestation (Consent/provider-treatment-attestation-1) is about Patient/1 and names Springfield.
    const forPatient1 = bundleOf(0);
    forPatient1['part'] = forPatient1['part'].map((p: Json) => (p['name'] === 'Consent' ? { ...p, resource: ATTESTATION_1 } : p));
    const ok = structuredClone(forPatient1);
    partOf(ok, 'MemberPatient')['id'] = '1';
    const variants: Array<[string, (c: Json) => void]> = [
      ['not active', (c) => (c['status'] = 'inactive')],
      ['not for treatment', (c) => (c['provision']['purpose'] = [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HPAYMT' }])],
      ['ended', (c) => (c['provision']['period']['end'] = '2025-12-31')],
      ['no performer', (c) => delete c['performer']],
      ['no attestation time', (c) => (c['dateTime'] = 'yesterday')],
    ];
    const bad = variants.map(([, f]) => {
      const b = structuredClone(ok);
      f(partOf(b, 'Consent'));
      return b;
    });
    const r = await match(springfield, request(forPatient1, ...bad, ok));
    const displays = groupOf(r.body, 'NonMatchedMembers')!['member'].map((m: Json) => m['entity']['display'] as string);
    expect(displays[0]).toContain('not about the MemberPatient');
    expect(displays[1]).toContain('not active');
    expect(displays[2]).toContain('not for treatment');
    expect(displays[3]).toContain('ended on 2025-12-31');
    expect(displays[4]).toContain('who attested');
    expect(displays[5]).toContain('when it was attested');
    // The unchanged IG Consent with its own Patient id matches, and HPAYMT/HOPERAT beside TREAT do no harm.
    expect(refs(groupOf(r.body, 'MatchedMembers'))).toEqual([`Patient/${ROBERT.key}`]);
  });

  it('puts an opted-out member in ConsentConstrainedMembers, stores no relationship, and leaves opted-out members out of reads and exports', async () => {
    expect((await optOut(SARAH.key, true)).status).toBe(200);
    // Columbus Clinic, named by Sarah's attestation (Consent/treatment-attestation-ex2 of the IG).
    const sarah = bundleOf(1);
    sarah['part'] = sarah['part'].map((p: Json) => (p['name'] === 'Consent' ? { ...p, resource: { ...ATTESTATION_EX2, id: 'treatment-attestation-002' } } : p));
    const r = await match(columbus, request(sarah));
    expect(refs(groupOf(r.body, 'MatchedMembers'))).toEqual([]);
    const constrained = groupOf(r.body, 'ConsentConstrainedMembers')!;
    expect(constrained['code']['coding'][0]['code']).toBe('consentconstraint');
    expect(constrained['meta']['profile']).toEqual(OPT_OUT_EXAMPLE['meta']['profile']);
    expect(refs(constrained)).toEqual(['Patient/patient-prov-002']);
    expect(JSON.stringify(r.body)).not.toContain(SARAH.key);
    expect(await t.deps.store.db.selectFrom('treatment_relationship').select('id').where('member_key', '=', SARAH.key).execute()).toEqual([]);
    const audit = await t.deps.store.db.selectFrom('audit_event').select(['member_keys', 'detail']).where('resource_id', '=', groupOf(r.body, 'MatchedMembers')!['id']).executeTakeFirstOrThrow();
    expect(audit.member_keys).toEqual([SARAH.key]);

    // Once Sarah opts back in, the same request matches.
    await optOut(SARAH.key, false);
    expect(refs(groupOf((await match(columbus, request(sarah))).body, 'MatchedMembers'))).toEqual([`Patient/${SARAH.key}`]);

    // Robert opts out after his match: his data leaves Springfield's reads and exports.
    await optOut(ROBERT.key, true);
    expect((await get(`/fhir/Patient/${ROBERT.key}`, springfield)).status).toBe(404);
    expect(refs((await (await get(`/fhir/Group/${matchId}`, springfield)).json()) as Json)).toEqual([]);
    const r2 = await bulkExport(`${base}/fhir/Group/${matchId}/$davinci-data-export`, springfield);
    expect(r2.manifest.output).toEqual([]);
    await optOut(ROBERT.key, false);
  });

  it("serves the payer's opt-out list as a PDex member opt-out Group, to the payer only", async () => {
    await optOut(SARAH.key, true);
    const res = await get('/fhir/Group/member-opt-out', admin);
    expect(res.status).toBe(200);
    const g = (await res.json()) as Json;
    expect(g['meta']['profile']).toEqual(OPT_OUT_EXAMPLE['meta']['profile']);
    expect(g['code']).toEqual(OPT_OUT_EXAMPLE['code']);
    expect(g['managingEntity']).toMatchObject({ reference: `Organization/${PAYER.id}` });
    expect(refs(g)).toEqual([`Patient/${SARAH.key}`]);
    expect(g['quantity']).toBe(1);
    const audit = await t.deps.store.db.selectFrom('audit_event').select('member_keys').where('resource_id', '=', 'member-opt-out').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.member_keys).toEqual([SARAH.key]);
    // Providers never see it, with a dashboard token or a backend token.
    for (const token of [springfield, columbus, await t.login('riverside.billing')]) {
      const denied = await get('/fhir/Group/member-opt-out', token);
      expect(denied.status).toBe(403);
      expect(JSON.stringify(await denied.json())).not.toContain(SARAH.key);
    }
    await optOut(SARAH.key, false);
  });

  it('answers malformed requests and the wrong caller with OperationOutcomes', async () => {
    const notParams = await match(springfield, { resourceType: 'Bundle' });
    expect(notParams.status).toBe(400);
    expect(notParams.body).toMatchObject({ resourceType: 'OperationOutcome' });
    const noConsent = bundleOf(0);
    noConsent['part'] = noConsent['part'].filter((p: Json) => p['name'] !== 'Consent');
    const r = await match(springfield, request(bundleOf(0), noConsent));
    expect(r.status).toBe(400);
    expect(r.body['issue'][0]['diagnostics']).toContain('MemberBundle 2: needs the part Consent');
    // A malformed request stores nothing, not even for its valid members.
    expect(await t.deps.store.db.selectFrom('provider_match').select('id').where('submitted', '=', 2).where('matched', '=', 0).execute()).toEqual([]);
    const noBirth = bundleOf(0);
    delete partOf(noBirth, 'MemberPatient')['birthDate'];
    expect((await match(springfield, request(noBirth))).body['issue'][0]['diagnostics']).toContain('full birthDate');
    expect((await match(springfield, { resourceType: 'Parameters', parameter: [] })).status).toBe(400);
    // The payer is not a provider.
    expect((await match(admin, REQUEST)).status).toBe(403);
    // The CapabilityStatement announces the operation.
    const cs = (await (await fetch(`${base}/fhir/metadata`)).json()) as Json;
    const group = cs['rest'][0]['resource'].find((r: Json) => r['type'] === 'Group');
    expect(group['operation']).toContainEqual({ name: 'provider-member-match', definition: 'http://hl7.org/fhir/us/davinci-pdex/OperationDefinition/ProviderMemberMatch' });
  });

  it("matches only members of the payers the provider is in network with, on a server holding another payer's members", async () => {
    const store = t.deps.store.db;
    const OTHER: Organization = { id: 'org-other-plan', kind: 'payer', name: 'Other Health Plan', tin: '990000019', npi: null, providerType: null, payerCode: 'OTHER' };
    // Dana is a member of the other plan only; Robert is enrolled there too, under the same member id.
    const DANA: Member = { ...ROBERT, key: 'mem-other-dana', payerOrgId: OTHER.id, memberId: 'OT000002', subscriberKey: 'mem-other-dana', firstName: 'Dana', lastName: 'Scully', dateOfBirth: '1964-02-23', gender: 'F' };
    const ROBERT_THERE: Member = { ...ROBERT, key: 'mem-other-robert', payerOrgId: OTHER.id, subscriberKey: 'mem-other-robert' };
    await insertOrganizations(store, [OTHER]);
    await insertPlans(store, [{ ...PLAN, id: 'plan-other', payerOrgId: OTHER.id }], [{ ...BENEFIT, id: 'bd-other', planId: 'plan-other' }]);
    await insertMembers(store, [DANA, ROBERT_THERE], [DANA, ROBERT_THERE].map((m) => ({ id: `cov-${m.key}`, memberKey: m.key, subscriberKey: m.key, planId: 'plan-other', effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31' })));
    const dana = bundleOf(0);
    Object.assign(partOf(dana, 'MemberPatient'), { name: [{ family: DANA.lastName, given: [DANA.firstName] }], birthDate: DANA.dateOfBirth, gender: 'female' });
    partOf(dana, 'CoverageToMatch')['subscriberId'] = DANA.memberId;

    // Springfield has no contract with the other plan: Dana is no member to it, and Robert's twin there is no second candidate.
    const r = await match(springfield, request(bundleOf(0), dana));
    expect(r.status).toBe(200);
    expect(refs(groupOf(r.body, 'MatchedMembers'))).toEqual([`Patient/${ROBERT.key}`]);
    expect(groupOf(r.body, 'NonMatchedMembers')!['member'].map((m: Json) => m['entity']['display'])).toEqual(['Dana Scully: no member matches']);
    for (const key of [DANA.key, ROBERT_THERE.key]) expect(JSON.stringify(r.body)).not.toContain(key);
    expect(await store.selectFrom('treatment_relationship').select('member_key').where('member_key', 'in', [DANA.key, ROBERT_THERE.key]).execute()).toEqual([]);
    expect((await get(`/fhir/Patient/${DANA.key}`, springfield)).status).toBe(404);

    // Once the other plan contracts with Springfield, its member is a candidate like ours.
    await insertContracts(store, [{ id: 'ct-other-springfield', payerOrgId: OTHER.id, providerOrgId: SPRINGFIELD.id, name: 'Other plan × Springfield 2026', effectiveFrom: '2026-01-01', effectiveTo: null, feeScheduleId: 'fs-riverside' }]);
    expect(refs(groupOf((await match(springfield, request(dana))).body, 'MatchedMembers'))).toEqual([`Patient/${DANA.key}`]);
  });
});
