import { MEMBER, PAYER } from '@tandem/core/testing';
import { insertOrganizations } from '@tandem/store';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, MEMBER_2, type TestApp } from '../../testing/index.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
/** The PDex IG's example HRex Consent (period 2023-12-01 … 2024-03-31). */
const CONSENT = JSON.parse(readFileSync(new URL('../../../test-fixtures/pdex/Consent-consent-2.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe(`HRex $member-match on ${db}`, () => {
  let t: TestApp;
  let otherPayer: string;
  let admin: string;
  const params = (patient: Record<string, unknown>, consent: Record<string, unknown> = { ...CONSENT, provision: { ...(CONSENT['provision'] as object), period: { start: '2026-01-01', end: '2027-12-31' } } }) => ({
    resourceType: 'Parameters',
    parameter: [
      { name: 'MemberPatient', resource: { resourceType: 'Patient', name: [{ family: MEMBER.lastName, given: [MEMBER.firstName] }], birthDate: MEMBER.dateOfBirth, gender: 'female', ...patient } },
      { name: 'CoverageToMatch', resource: { resourceType: 'Coverage', status: 'active', subscriberId: MEMBER.memberId, beneficiary: { reference: 'Patient/1' }, payor: [{ display: PAYER.name }] } },
      { name: 'Consent', resource: consent },
    ],
  });
  const match = (body: unknown, token = otherPayer) => t.app.inject({ method: 'POST', url: '/fhir/Patient/$member-match', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, payload: JSON.stringify(body) });

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.login('payer.admin');
    // The member's next plan, as a payer organization with a user of its own.
    await insertOrganizations(t.deps.store.db, [{ id: 'org-new-payer', kind: 'payer', name: 'New Health Plan', tin: '990000009', npi: null, providerType: null, payerCode: 'NEWHP' }]);
    await t.deps.store.db.insertInto('app_user').values({ id: 'u9', username: 'newplan.system', display_name: 'New plan', password_hash: (await t.deps.store.db.selectFrom('app_user').select('password_hash').where('username', '=', 'payer.admin').executeTakeFirstOrThrow()).password_hash, org_id: 'org-new-payer', role: 'analyst' }).execute();
    otherPayer = await t.login('newplan.system');
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
});
