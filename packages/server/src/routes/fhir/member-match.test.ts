import { BENEFIT, MEMBER, PAYER, PLAN } from '@tandem/core/testing';
import type { Member, Organization } from '@tandem/core';
import { insertMembers, insertOrganizations, insertPlans, insertUsers } from '@tandem/store';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../auth/passwords.ts';
import { backendToken, bulkExport, createTestApp, MEMBER_2, TEST_PASSWORD, type TestApp } from '../../testing/index.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
/** The PDex IG's example HRex Consent (period 2023-12-01 … 2024-03-31). */
const CONSENT = JSON.parse(readFileSync(new URL('../../../test-fixtures/pdex/Consent-consent-2.json', import.meta.url), 'utf8')) as Record<string, unknown>;
/** A second health plan with members of its own on the same server (a multi-payer Tandem). */
const OTHER_PLAN: Organization = { id: 'org-other-plan', kind: 'payer', name: 'Other Health Plan', tin: '990000019', npi: null, providerType: null, payerCode: 'OTHER' };
/** Ada under the other plan too: same name, birth date, gender and member id as ours. */
const ADA_THERE: Member = { ...MEMBER, key: 'mem-other-ada', payerOrgId: OTHER_PLAN.id, subscriberKey: 'mem-other-ada' };
/** A member of the other plan only. */
const HEDY: Member = { key: 'mem-other-hedy', payerOrgId: OTHER_PLAN.id, memberId: 'OT000001', subscriberKey: 'mem-other-hedy', relationship: 'self', firstName: 'Hedy', lastName: 'Lamarr', dateOfBirth: '1914-11-09', gender: 'F' };

describe(`HRex $member-match on ${db}`, () => {
  let t: TestApp;
  let otherPayer: string;
  let admin: string;
  const consentNow = { ...CONSENT, provision: { ...(CONSENT['provision'] as object), period: { start: '2026-01-01', end: '2027-12-31' } } };
  const parts = (patient: Record<string, unknown>, consent: Record<string, unknown> = consentNow, m: Member = MEMBER) => [
    { name: 'MemberPatient', resource: { resourceType: 'Patient', name: [{ family: m.lastName, given: [m.firstName] }], birthDate: m.dateOfBirth, gender: 'female', ...patient } },
    { name: 'CoverageToMatch', resource: { resourceType: 'Coverage', status: 'active', subscriberId: m.memberId, beneficiary: { reference: 'Patient/1' }, payor: [{ display: PAYER.name }] } },
    { name: 'Consent', resource: consent },
  ];
  const params = (patient: Record<string, unknown>, consent: Record<string, unknown> = consentNow, m: Member = MEMBER) => ({ resourceType: 'Parameters', parameter: parts(patient, consent, m) });
  const match = (body: unknown, token = otherPayer) => t.app.inject({ method: 'POST', url: '/fhir/Patient/$member-match', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, payload: JSON.stringify(body) });
  const matchedKey = (r: { statusCode: number; body: string; json: () => { parameter: Array<{ valueReference?: { reference: string } }> } }) => (r.statusCode === 200 ? r.json().parameter[1]!.valueReference!.reference : `${r.statusCode} ${r.body}`);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.login('payer.admin');
    // The member's next plan, as a payer organization whose system our administrator registered (`smart register --new-payer`).
    await insertOrganizations(t.deps.store.db, [{ id: 'org-new-payer', kind: 'payer', name: 'New Health Plan', tin: '990000009', npi: null, providerType: null, payerCode: 'NEWHP' }]);
    otherPayer = await backendToken(t.app, { registrar: admin, orgId: 'org-new-payer' });
  });
  afterAll(async () => t?.close());

  it('answers consent-constrained until the member opts in, then the member identifier', async () => {
    const before = await match(params({}));
    expect(before.statusCode).toBe(422);
    expect(before.json().issue[0].diagnostics).toMatch(/^consent-constrained: the member has not opted in/);
    await t.app.inject({ method: 'PUT', url: `/api/members/${MEMBER.key}/access-choices`, headers: { authorization: `Bearer ${admin}` }, payload: { providerAccessOptOut: false, payerToPayerOptIn: true } });
    const res = await match(params({}));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ resourceType: 'Parameters', parameter: [{ name: 'MemberIdentifier', valueIdentifier: { value: MEMBER.memberId } }, { name: 'MemberId', valueReference: { reference: `Patient/${MEMBER.key}` } }] });
    // The IG's example Consent as published ended in 2024: refused.
    const expired = await match(params({}, CONSENT));
    expect(expired.statusCode).toBe(422);
    expect(expired.json().issue[0].diagnostics).toMatch(/^consent-constrained: the Consent/);
  });

  it('never matches on partial demographics, and refuses malformed requests', async () => {
    const wrong = await match(params({ birthDate: '1900-01-01' }));
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().issue[0].diagnostics).toMatch(/^no-match/);
    expect((await match(params({ name: [{ family: MEMBER_2.lastName, given: [MEMBER.firstName] }] }))).statusCode).toBe(422);
    expect((await match({ resourceType: 'Patient' })).statusCode).toBe(400);
    expect((await match({ resourceType: 'Parameters', parameter: [] })).statusCode).toBe(400);
    const provider = await t.login('riverside.billing');
    expect((await match(params({}), provider)).statusCode).toBe(403);
    const audit = await t.deps.store.db.selectFrom('audit_event').select(['outcome', 'member_keys']).where('resource_id', '=', '$member-match').execute();
    expect(audit.filter((a) => a.outcome === 'success')).toEqual([{ outcome: 'success', member_keys: [MEMBER.key] }]);
  });

  it("answers with the members of the payer the request was addressed to, never another payer's on the same server", async () => {
    const db = t.deps.store.db;
    await insertOrganizations(db, [OTHER_PLAN]);
    await insertPlans(db, [{ ...PLAN, id: 'plan-other', payerOrgId: OTHER_PLAN.id }], [{ ...BENEFIT, id: 'bd-other', planId: 'plan-other' }]);
    await insertMembers(db, [ADA_THERE, HEDY], [ADA_THERE, HEDY].map((m) => ({ id: `cov-${m.key}`, memberKey: m.key, subscriberKey: m.key, planId: 'plan-other', effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31' })));
    const hash = await hashPassword(TEST_PASSWORD);
    await insertUsers(db, [
      { id: 'u-other', username: 'other.admin', displayName: 'Other plan admin', passwordHash: hash, orgId: OTHER_PLAN.id, role: 'admin' },
      { id: 'u-new', username: 'newplan.staff', displayName: 'New plan staff', passwordHash: hash, orgId: 'org-new-payer', role: 'analyst' },
    ]);
    const otherAdmin = await t.login('other.admin');
    // Everyone opted in with their own plan: only the payer asked decides who matches.
    for (const [key, token] of [[MEMBER.key, admin], [ADA_THERE.key, otherAdmin], [HEDY.key, otherAdmin]] as const)
      expect((await t.app.inject({ method: 'PUT', url: `/api/members/${key}/access-choices`, headers: { authorization: `Bearer ${token}` }, payload: { providerAccessOptOut: false, payerToPayerOptIn: true } })).statusCode).toBe(200);

    // The new plan's system registered by us: Hedy is not our member; our Ada matches, her twin elsewhere is not a second candidate.
    const hedy = await match(params({}, consentNow, HEDY));
    expect(hedy.statusCode).toBe(422);
    expect(hedy.json().issue[0].diagnostics).toBe('no-match: no member matches');
    expect(matchedKey(await match(params({})))).toBe(`Patient/${MEMBER.key}`);
    // The same plan's system registered by the other payer asks the other payer: its members answer.
    const viaOther = await backendToken(t.app, { registrar: otherAdmin, orgId: 'org-new-payer' });
    expect(matchedKey(await match(params({}), viaOther))).toBe(`Patient/${ADA_THERE.key}`);
    expect(matchedKey(await match(params({}, consentNow, HEDY), viaOther))).toBe(`Patient/${HEDY.key}`);
    // A staff token names no other payer: its own organization answers (the new plan holds no members here).
    const newPlanStaff = await t.login('newplan.staff');
    expect((await match(params({}), newPlanStaff)).json().issue[0].diagnostics).toBe('no-match: no member matches');
    expect(matchedKey(await match(params({}, consentNow, HEDY), otherAdmin))).toBe(`Patient/${HEDY.key}`);
    const audit = await db.selectFrom('audit_event').select(['member_keys', 'detail']).where('resource_id', '=', '$member-match').where('outcome', '=', 'success').orderBy('id').execute();
    expect(audit.slice(-4).map((a) => [a.member_keys, a.detail?.['payer']])).toEqual([[[MEMBER.key], PAYER.id], [[ADA_THERE.key], OTHER_PLAN.id], [[HEDY.key], OTHER_PLAN.id], [[HEDY.key], OTHER_PLAN.id]]);

    // $bulk-member-match decides each member the same way: Hedy not matched, our Ada matched, we manage the Groups.
    const base = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('0.0.0.0', '127.0.0.1');
    const bundle = (m: Member) => ({ name: 'MemberBundle', part: parts({ id: m.key === HEDY.key ? 'hedy' : 'ada' }, consentNow, m) });
    const r = await bulkExport(`${base}/fhir/Group/$bulk-member-match`, otherPayer, { body: { resourceType: 'Parameters', parameter: [bundle(MEMBER), bundle(HEDY)] } });
    const groups = r.resources.get('Group')!;
    const byCode = (code: string) => groups.find((g) => (g['code'] as { coding: Array<{ code: string }> }).coding[0]!.code === code)!;
    const refs = (g: Record<string, unknown>) => (g['member'] as Array<{ entity: { reference: string } }>).map((m) => m.entity.reference);
    expect(refs(byCode('match'))).toEqual([`Patient/${MEMBER.key}`]);
    expect(refs(byCode('nomatch'))).toEqual(['#hedy']);
    expect(byCode('match')['managingEntity']).toMatchObject({ display: PAYER.name });
    expect(JSON.stringify(groups)).not.toContain(ADA_THERE.key);
  });
});
