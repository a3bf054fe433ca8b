import { MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import type { Member } from '@tandem/core';
import { insertAttributionRun, insertMembers, insertOrganizations } from '@tandem/store';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendSystem, backendToken, bulkExport, createTestApp, MEMBER_2, PROVIDER_2, type TestApp } from '../../testing/index.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../../../test-fixtures/atr/${name}`, import.meta.url), 'utf8')) as Json;
/** The ATR IG's example Patient 1 and her Coverage (member id = the Coverage's subscriberId). */
const ATR_PATIENT = fixture('patient-1.json');
const ATR_COVERAGE = fixture('coverage-1.json');
const ATR_MEMBER: Member = {
  key: 'atr-patient-1', payerOrgId: PAYER.id, memberId: ATR_COVERAGE['subscriberId'] as string, subscriberKey: 'atr-patient-1', relationship: 'self',
  firstName: ATR_PATIENT['name'][0]['given'][0], lastName: ATR_PATIENT['name'][0]['family'], dateOfBirth: ATR_PATIENT['birthDate'], gender: ATR_PATIENT['gender'] === 'female' ? 'F' : 'M',
};
/** Well above the 1,350-patient cap users report from other servers. */
const ROSTER_SIZE = 3000;
const ATR = 'http://hl7.org/fhir/us/davinci-atr/StructureDefinition';
const statusOf = (g: Json): string => g['extension'].find((e: Json) => e['url'] === `${ATR}/ext-attributionListStatus`)['valueCode'] as string;
const keysOf = (g: Json): string[] => g['member'].map((m: Json) => (m['entity']['reference'] as string).slice(8));

describe(`Da Vinci ATR operations on a ${ROSTER_SIZE}-member roster on ${db}`, () => {
  let t: TestApp;
  let base: string;
  let admin: string;
  let riverside: string;
  let lakeside: string;
  const generated: Member[] = Array.from({ length: ROSTER_SIZE - 2 }, (_, i) => {
    const n = String(i + 1).padStart(5, '0');
    return { key: `gen-${n}`, payerOrgId: PAYER.id, memberId: `GM${n}`, subscriberKey: `gen-${n}`, relationship: 'self', firstName: `First${n}`, lastName: `Last${n}`, dateOfBirth: '1970-01-01', gender: i % 2 ? 'F' : 'M' };
  });

  const op = async (name: string, token: string, parameter: Json[] = [], group = 'ct-1') => {
    const res = await fetch(`${base}/fhir/Group/${group}/$${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Parameters', parameter }) });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const roster = async (token: string) => (await (await fetch(`${base}/fhir/Group/ct-1`, { headers: { authorization: `Bearer ${token}` } })).json()) as Json;

  beforeAll(async () => {
    t = await createTestApp();
    await insertMembers(t.deps.store.db, [...generated, ATR_MEMBER], [...generated, ATR_MEMBER].map((m) => ({ id: `cov-${m.key}`, memberKey: m.key, subscriberKey: m.key, planId: 'plan-1', effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31' })));
    // The payer's attribution run: MEMBER, MEMBER_2 and the generated members to Riverside (ct-1); the ATR example member to nobody.
    await insertAttributionRun(t.deps.store.db, { id: 'ar-big', payerOrgId: PAYER.id, windowKind: 'performance', windowFrom: '2026-01-01', windowTo: '2026-12-31', method: 'test' },
      [MEMBER, MEMBER_2, ...generated].map((m) => ({ memberKey: m.key, orgId: PROVIDER.id, step: 'plurality', explanation: {} })));
    base = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('0.0.0.0', '127.0.0.1');
    admin = await t.login('payer.admin');
    riverside = await backendToken(t.app, { registrar: admin, orgId: PROVIDER.id });
    lakeside = await backendToken(t.app, { registrar: admin, orgId: PROVIDER_2.id });
  }, 120_000);
  afterAll(async () => t?.close());

  it(`returns and exports all ${ROSTER_SIZE} members (no roster cap)`, async () => {
    const g = await roster(riverside);
    expect(g['quantity']).toBe(ROSTER_SIZE);
    expect(g['member']).toHaveLength(ROSTER_SIZE);
    expect(new Set(keysOf(g)).size).toBe(ROSTER_SIZE);
    expect(statusOf(g)).toBe('open');
    // The Group search pages over rosters: page 1 of 1 holds ct-1 with every member.
    const page = (await (await fetch(`${base}/fhir/Group?_count=1&_offset=0`, { headers: { authorization: `Bearer ${riverside}` } })).json()) as Json;
    expect(page['total']).toBe(1);
    expect(page['entry'][0]['resource']['member']).toHaveLength(ROSTER_SIZE);
    const r = await bulkExport(`${base}/fhir/Group/ct-1/$davinci-data-export?_type=Patient,Coverage`, riverside);
    expect(r.resources.get('Patient')).toHaveLength(ROSTER_SIZE);
    expect(r.resources.get('Coverage')).toHaveLength(ROSTER_SIZE);
    // The roster is a treatment relationship for Provider Access: the provider pages through
    // every attributed member with a FHIR Patient search, 200 at a time.
    const seen: string[] = [];
    let next: string | undefined = `${base}/fhir/Patient?_count=200`;
    let pages = 0;
    while (next) {
      const bundle = (await (await fetch(next, { headers: { authorization: `Bearer ${riverside}` } })).json()) as Json;
      expect(bundle['total']).toBe(ROSTER_SIZE);
      seen.push(...(bundle['entry'] ?? []).map((e: Json) => e['resource']['id'] as string));
      next = bundle['link'].find((l: Json) => l['relation'] === 'next')?.['url'] as string | undefined;
      pages++;
    }
    expect(pages).toBe(Math.ceil(ROSTER_SIZE / 200));
    expect(new Set(seen)).toEqual(new Set(keysOf(g)));
    // Lakeside has no one on a roster (and billed no one): an empty search.
    expect(((await (await fetch(`${base}/fhir/Patient`, { headers: { authorization: `Bearer ${lakeside}` } })).json()) as Json)['total']).toBe(0);
  }, 120_000);

  it('lets the payer add and remove members with a reason and period, audited, shown on the next read and in the export', async () => {
    const add = await op('member-add', admin, [
      { name: 'memberId', valueIdentifier: { system: 'https://tandem.health/fhir/member-id', value: ATR_COVERAGE['subscriberId'] } },
      { name: 'providerNpi', valueIdentifier: { system: 'http://hl7.org/fhir/sid/us-npi', value: PROVIDER.npi } },
      { name: 'attributionPeriod', valuePeriod: { start: '2026-07-01', end: '2026-12-31' } },
      { name: 'reason', valueString: 'new PCP selection received by phone' },
    ]);
    expect(add.status).toBe(200);
    expect(add.body['quantity']).toBe(ROSTER_SIZE + 1);
    const added = add.body['member'].find((m: Json) => m['entity']['reference'] === `Patient/${ATR_MEMBER.key}`);
    expect(added['period']).toEqual({ start: '2026-07-01', end: '2026-12-31' });
    expect(added['extension']).toContainEqual({ url: `${ATR}/ext-changeType`, valueCode: 'new' });

    const remove = await op('member-remove', admin, [{ name: 'patientReference', valueReference: { reference: `Patient/${generated[0]!.key}` } }, { name: 'reason', valueString: 'moved out of the service area' }]);
    expect(remove.status).toBe(200);
    expect(remove.body['quantity']).toBe(ROSTER_SIZE);
    expect(keysOf(remove.body)).not.toContain(generated[0]!.key);

    // The provider's next read shows both changes; the attribution run itself is unchanged.
    const g = await roster(riverside);
    expect(keysOf(g)).toContain(ATR_MEMBER.key);
    expect(keysOf(g)).not.toContain(generated[0]!.key);
    expect(await t.deps.store.db.selectFrom('attribution').select('member_key').where('run_id', '=', 'ar-big').where('member_key', '=', generated[0]!.key).execute()).toHaveLength(1);
    const changes = await t.deps.store.db.selectFrom('roster_change').selectAll().orderBy('id').execute();
    expect(changes.map((c) => [c.action, c.member_key, c.reason, c.run_id, c.actor])).toEqual([
      ['add', ATR_MEMBER.key, 'new PCP selection received by phone', 'ar-big', 'payer.admin'],
      ['remove', generated[0]!.key, 'moved out of the service area', 'ar-big', 'payer.admin'],
    ]);
    const audit = await t.deps.store.db.selectFrom('audit_event').select(['member_keys', 'detail']).where('action', '=', 'update').where('resource_id', '=', 'ct-1').orderBy('id').execute();
    expect(audit.map((a) => [(a.detail as Json)['operation'], a.member_keys])).toEqual([['member-add', [ATR_MEMBER.key]], ['member-remove', [generated[0]!.key]]]);

    // …and the FHIR reads follow the list: the removed member is gone, the added one readable.
    expect((await fetch(`${base}/fhir/Patient/${generated[0]!.key}`, { headers: { authorization: `Bearer ${riverside}` } })).status).toBe(404);
    expect((await fetch(`${base}/fhir/Patient/${ATR_MEMBER.key}`, { headers: { authorization: `Bearer ${riverside}` } })).status).toBe(200);
    const r = await bulkExport(`${base}/fhir/Group/ct-1/$davinci-data-export?_type=Patient`, riverside);
    const exported = r.resources.get('Patient')!.map((p) => p['id']);
    expect(exported).toHaveLength(ROSTER_SIZE);
    expect(exported).toContain(ATR_MEMBER.key);
    expect(exported).not.toContain(generated[0]!.key);

    // A member on the roster who opts out of Provider Access leaves the provider's reads.
    const choose = (out: boolean) => fetch(`${base}/api/members/${MEMBER_2.key}/access-choices`, { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ providerAccessOptOut: out, payerToPayerOptIn: false }) });
    expect((await fetch(`${base}/fhir/Patient/${MEMBER_2.key}`, { headers: { authorization: `Bearer ${riverside}` } })).status).toBe(200);
    await choose(true);
    expect((await fetch(`${base}/fhir/Patient/${MEMBER_2.key}`, { headers: { authorization: `Bearer ${riverside}` } })).status).toBe(404);
    await choose(false);
  }, 120_000);

  it('refuses changes that do not hold, with OperationOutcomes', async () => {
    const again = await op('member-add', admin, [{ name: 'patientReference', valueReference: { reference: `Patient/${ATR_MEMBER.key}` } }]);
    expect(again.status).toBe(409);
    expect(again.body['resourceType']).toBe('OperationOutcome');
    expect((await op('member-remove', admin, [{ name: 'memberId', valueIdentifier: { value: 'NOT-A-MEMBER' } }])).status).toBe(404);
    const otherProvider = await op('member-add', admin, [{ name: 'patientReference', valueReference: { reference: `Patient/${generated[0]!.key}` } }, { name: 'providerReference', valueReference: { reference: `Organization/${PROVIDER_2.id}` } }]);
    expect(otherProvider.status).toBe(400);
    expect(otherProvider.body['issue'][0]['diagnostics']).toContain('is not the provider of this attribution list');
    const badPeriod = await op('member-add', admin, [{ name: 'patientReference', valueReference: { reference: `Patient/${generated[0]!.key}` } }, { name: 'attributionPeriod', valuePeriod: { start: '2026-12-31', end: '2026-01-01' } }]);
    expect(badPeriod.status).toBe(400);
    expect((await op('member-add', admin, [])).status).toBe(400);
    // The list is the payer's to change: the provider asks for changes, it does not make them.
    expect((await op('member-add', await t.login('riverside.billing'), [{ name: 'patientReference', valueReference: { reference: `Patient/${generated[0]!.key}` } }])).status).toBe(403);
  });

  it('answers $attribution-status for a member list: on the list, removed (with reason), not on the list', async () => {
    const before = Number((await t.deps.store.db.selectFrom('audit_event').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()).id);
    const r = await op('attribution-status', riverside, [
      { name: 'memberId', valueIdentifier: { value: MEMBER.memberId } },
      { name: 'patientReference', valueReference: { reference: `Patient/${ATR_MEMBER.key}` } },
      { name: 'patientReference', valueReference: { reference: `Patient/${generated[0]!.key}` } },
      { name: 'memberId', valueIdentifier: { value: 'NOBODY-1' } },
    ]);
    expect(r.status).toBe(200);
    expect(r.body['resourceType']).toBe('Bundle');
    const group = r.body['entry'][0]['resource'] as Json;
    expect(group['member'].map((m: Json) => [m['entity']['reference'], m['inactive']])).toEqual([
      [`Patient/${MEMBER.key}`, false], [`Patient/${ATR_MEMBER.key}`, false], [`Patient/${generated[0]!.key}`, true],
    ]);
    expect(group['member'][2]['extension'][0]['valueString']).toBe('moved out of the service area');
    expect(r.body['entry'][1]['resource']['issue'][0]['diagnostics']).toContain('NOBODY-1 is not on the attribution list');
    // Only the members asked about were read, and only they are in the audit — not the whole list.
    const audited = await t.deps.store.db.selectFrom('audit_event').select('member_keys').where('id', '>', before).execute();
    expect(audited.length).toBeGreaterThan(0);
    expect(new Set(audited.flatMap((a) => a.member_keys))).toEqual(new Set([MEMBER.key, ATR_MEMBER.key, generated[0]!.key]));
    // The GET form answers the same.
    const get = (await (await fetch(`${base}/fhir/Group/ct-1/$attribution-status?memberId=${MEMBER.memberId}`, { headers: { authorization: `Bearer ${riverside}` } })).json()) as Json;
    expect(get['entry'][0]['resource']['member'][0]['entity']['reference']).toBe(`Patient/${MEMBER.key}`);
    // Lakeside's token reaches no one on Riverside's list.
    expect((await op('attribution-status', lakeside, [{ name: 'memberId', valueIdentifier: { value: MEMBER.memberId } }])).status).toBe(404);
  });

  it('records the provider confirming the list (final, who and when) until the payer changes it again', async () => {
    expect((await op('confirm-attribution-list', admin)).status).toBe(403);
    expect((await op('confirm-attribution-list', lakeside)).status).toBe(404);
    const c = await op('confirm-attribution-list', riverside);
    expect(c.status).toBe(200);
    expect(statusOf(c.body)).toBe('final');
    const conf = c.body['extension'].find((e: Json) => e['url'] === 'https://tandem.health/fhir/StructureDefinition/attribution-list-confirmation');
    expect(conf['extension']).toContainEqual({ url: 'current', valueBoolean: true });
    const stored = await t.deps.store.db.selectFrom('roster_confirmation').selectAll().executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ contract_id: 'ct-1', run_id: 'ar-big', org_id: PROVIDER.id, members: ROSTER_SIZE });
    expect(conf['extension']).toContainEqual({ url: 'confirmedBy', valueString: stored.confirmed_by });
    // The payer sees the same status.
    expect(statusOf(await roster(admin))).toBe('final');
    // A later change reopens the list; the confirmation stays on record, no longer current.
    expect((await op('member-remove', admin, [{ name: 'patientReference', valueReference: { reference: `Patient/${ATR_MEMBER.key}` } }, { name: 'reason', valueString: 'entered in error' }])).status).toBe(200);
    const g = await roster(riverside);
    expect(statusOf(g)).toBe('open');
    expect(g['extension'].find((e: Json) => e['url'] === 'https://tandem.health/fhir/StructureDefinition/attribution-list-confirmation')['extension']).toContainEqual({ url: 'current', valueBoolean: false });
  });

  it("lets the payer's own system change the list with system/Group.u (or v1 write); not a read-only token, a provider's or another plan's system", async () => {
    const who = generated[1]!.key;
    const member = [{ name: 'patientReference', valueReference: { reference: `Patient/${who}` } }, { name: 'reason', valueString: 'PCP change from the payer system' }];
    const payerSystem = await backendSystem(t.app, { registrar: admin, orgId: PAYER.id, scope: 'system/Group.rs system/Group.u' });
    const removed = await op('member-remove', payerSystem.token, member);
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(keysOf(removed.body)).not.toContain(who);
    const v1 = await backendSystem(t.app, { registrar: admin, orgId: PAYER.id, scope: 'system/Group.write' });
    const added = await op('member-add', v1.token, [member[0]!]);
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(keysOf(added.body)).toContain(who);
    // Recorded and audited as the system that made them.
    const changes = await t.deps.store.db.selectFrom('roster_change').select(['action', 'actor']).where('member_key', '=', who).orderBy('id').execute();
    expect(changes).toEqual([{ action: 'remove', actor: `system:${payerSystem.clientId}` }, { action: 'add', actor: `system:${v1.clientId}` }]);
    const audit = await t.deps.store.db.selectFrom('audit_event').select(['actor', 'member_keys']).where('action', '=', 'update').where('resource_id', '=', 'ct-1').where('actor', 'in', [`system:${payerSystem.clientId}`, `system:${v1.clientId}`]).orderBy('id').execute();
    expect(audit).toEqual([{ actor: `system:${payerSystem.clientId}`, member_keys: [who] }, { actor: `system:${v1.clientId}`, member_keys: [who] }]);

    // Without an update scope the payer's system is refused, naming the scope.
    const readOnly = await backendToken(t.app, { registrar: admin, orgId: PAYER.id, scope: 'system/Group.rs' });
    const refused = await op('member-remove', readOnly, member);
    expect(refused.status).toBe(403);
    expect(refused.body['issue'][0]['diagnostics']).toContain('system/Group.u');
    // A provider's system and another plan's system are never granted it, even when they ask.
    await insertOrganizations(t.deps.store.db, [{ id: 'org-new-payer', kind: 'payer', name: 'New Health Plan', tin: '990000009', npi: null, providerType: null, payerCode: 'NEWHP' }]);
    for (const orgId of [PROVIDER.id, 'org-new-payer']) {
      const token = await backendToken(t.app, { registrar: admin, orgId, scope: 'system/Group.rs system/Group.u system/Group.write' });
      const r = await op('member-remove', token, member);
      expect([orgId, r.status, r.body['issue'][0]['diagnostics']]).toEqual([orgId, 403, expect.stringContaining('system/Group.u')]);
    }
    expect(keysOf(await roster(riverside))).toContain(who);
  });
});
