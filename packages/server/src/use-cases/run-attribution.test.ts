/**
 * Attribution over stored claims, on PGlite and on PostgreSQL: step 1 by a family physician's
 * office visit, step 2 by a visit without a known primary care practitioner, voluntary
 * alignment (recorded by the payer over the API) winning on the next run with an explanation
 * that says so, and the roster change it makes.
 */
import { aClaim, aLine, CONTRACT, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { makeNpi } from '@tandem/core';
import { addContractTerms } from '@tandem/store';
import { write837 } from '@tandem/x12';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from '../exchange/claim-to-837.ts';
import { createTestApp, MEMBER_2, PROVIDER_2, type TestApp } from '../testing/test-app.ts';
import { runAttribution } from './run-attribution.ts';
import { systemContext } from './seed-demo.ts';

describe(`attribution run on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const send = async (user: string, text: string) => {
      const token = await t.login(user);
      const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/edi-x12' }, payload: text });
      expect(res.headers['x-tandem-accepted']).toBe('true');
    };
    const opts = { kind: 'professional' as const, senderId: 'SUBMITTER', receiverId: 'TANDEM', interchangeControlNumber: 1, date: new Date('2026-06-01T10:00:00Z') };
    // Riverside: an office visit by its family physician (pr-1) for MEMBER.
    await send('riverside.billing', write837([claim837From(aClaim({ patientControlNumber: 'AT-1', renderingNpi: makeNpi('112345678'), lines: [aLine({ procedureCode: '99214', serviceDateFrom: '2026-03-02', serviceDateTo: '2026-03-02' })] }), { payer: PAYER, provider: PROVIDER, member: MEMBER })], opts));
    // Lakeside: a visit for MEMBER_2 with no known rendering practitioner (counts in step 2).
    const lakeside = aClaim({ patientControlNumber: 'AT-2', memberId: MEMBER_2.memberId, billingNpi: PROVIDER_2.npi, billingTin: PROVIDER_2.tin, billingName: PROVIDER_2.name, lines: [aLine({ procedureCode: '99213', serviceDateFrom: '2026-02-02', serviceDateTo: '2026-02-02' })] });
    await send('lakeside.billing', write837([claim837From(lakeside, { payer: PAYER, provider: PROVIDER_2, member: MEMBER_2 })], { ...opts, interchangeControlNumber: 2 }));
  });
  afterAll(async () => t?.close());

  it('assigns by step 1 and step 2, keeps the explanation, and reports roster changes on the next run', async () => {
    const first = await runAttribution(t.deps, systemContext(PAYER.id), { year: 2026 });
    expect(first).toMatchObject({ windowFrom: '2026-01-01', windowTo: '2026-12-31', members: 2, byStep: { 'primary-care-practitioner': 1, specialist: 1, voluntary: 0, none: 0 } });
    expect(first.contracts.map((c) => [c.providerOrgId, c.members, c.new])).toEqual([[PROVIDER.id, 1, 1], [PROVIDER_2.id, 1, 1]]);
    const rows = await t.deps.store.db.selectFrom('attribution').selectAll().where('run_id', '=', first.id).orderBy('member_key').execute();
    expect(rows.map((r) => [r.member_key, r.org_id, r.step])).toEqual([[MEMBER.key, PROVIDER.id, 'primary-care-practitioner'], [MEMBER_2.key, PROVIDER_2.id, 'specialist']]);
    const why = rows[0]!.explanation as { reason: string; services: Array<{ code: string; allowedCents: number }> };
    expect(why.services.map((s) => s.code)).toEqual(['99214']);
    expect(why.services[0]!.allowedCents).toBeGreaterThan(0);

    // MEMBER designates Lakeside, recorded by the payer over the API: voluntary alignment wins on the next run.
    const put = await t.app.inject({ method: 'PUT', url: `/api/members/${MEMBER.key}/alignment`, headers: { authorization: `Bearer ${await t.login('payer.admin')}` }, payload: { orgId: PROVIDER_2.id, from: '2026-05-01' } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ memberKey: MEMBER.key, orgId: PROVIDER_2.id, practitionerNpi: null, from: '2026-05-01', until: null, recordedBy: 'payer.admin' });
    const second = await runAttribution(t.deps, systemContext(PAYER.id), { year: 2026 });
    expect(second.changes).toEqual([{ memberKey: MEMBER.key, change: 'changed', from: PROVIDER.id, to: PROVIDER_2.id }]);
    expect(second.contracts.map((c) => [c.providerOrgId, c.members])).toEqual([[PROVIDER.id, 0], [PROVIDER_2.id, 2]]);
    expect(second.byStep.voluntary).toBe(1);
    // The explanation says the designation won, and over which plurality.
    const v = await t.deps.store.db.selectFrom('attribution').select(['step', 'org_id', 'explanation']).where('run_id', '=', second.id).where('member_key', '=', MEMBER.key).executeTakeFirstOrThrow();
    const allowed = why.services[0]!.allowedCents;
    expect(v).toMatchObject({ step: 'voluntary', org_id: PROVIDER_2.id });
    expect((v.explanation as { reason: string }).reason).toBe(`the member designated this organization from 2026-05-01; voluntary alignment wins over claims — the plurality of primary care allowed charges would have assigned ${PROVIDER.id} ($${(allowed / 100).toFixed(2)} over 1 service(s))`);
  });

  it('records voluntary alignment for the payer only, refuses bad input with one line, and removes it', async () => {
    const db = t.deps.store.db;
    const [payer, riverside] = await Promise.all([t.login('payer.admin'), t.login('riverside.billing')]);
    const call = (token: string, method: 'PUT' | 'DELETE', key: string, payload?: unknown) => t.app.inject({ method, url: `/api/members/${key}/alignment`, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
    const problem = async (payload: unknown) => {
      const r = await call(payer, 'PUT', MEMBER.key, payload);
      expect(r.statusCode, r.body).toBe(400);
      return (r.json() as { issue: Array<{ diagnostics: string }> }).issue.map((i) => i.diagnostics);
    };
    // A provider may not record a designation, even one naming itself.
    expect((await call(riverside, 'PUT', MEMBER.key, { orgId: PROVIDER.id })).statusCode).toBe(403);
    expect((await call(riverside, 'DELETE', MEMBER.key)).statusCode).toBe(403);
    expect((await call(payer, 'PUT', 'm-nobody', { orgId: PROVIDER.id })).statusCode).toBe(404);
    expect(await problem({ orgId: PAYER.id })).toEqual([`Invalid request: alignment.orgId: ${PAYER.id} is not a provider organization (tandem orgs --kind provider lists them)`]);
    expect(await problem({ orgId: PROVIDER.id, from: '2026-02-30' })).toEqual(['Invalid request: alignment.from must be a date YYYY-MM-DD, got "2026-02-30"']);
    expect(await problem({ orgId: PROVIDER.id, until: '2026-13-01' })).toEqual(['Invalid request: alignment.until must be a date YYYY-MM-DD, got "2026-13-01"']);
    expect(await problem({ orgId: PROVIDER.id, from: '2026-06-01', until: '2026-05-31' })).toEqual(['Invalid request: alignment.until (2026-05-31) is before alignment.from (2026-06-01)']);
    expect(await problem({ orgId: PROVIDER_2.id, practitionerNpi: makeNpi('112345678') })).toEqual([`Invalid request: alignment.practitionerNpi: ${makeNpi('112345678')} is not a practitioner of ${PROVIDER_2.id}`]);
    expect(await problem({ orgId: PROVIDER.id, practitionerNpi: '1234567890' })).toEqual(['Invalid request: alignment.practitionerNpi must be a valid 10-digit NPI, got "1234567890"']);
    expect(await problem({ org: PROVIDER.id })).toEqual(['Invalid request: alignment.org is not a field: send orgId, and optionally practitionerNpi, from, until']);
    // Nothing was changed by the refused requests.
    expect(await db.selectFrom('member_alignment').select(['org_id', 'practitioner_npi']).where('member_key', '=', MEMBER.key).execute()).toEqual([{ org_id: PROVIDER_2.id, practitioner_npi: null }]);

    // Removed: the plurality decides again. A designation that ended before the window's last day does not count.
    expect((await call(payer, 'DELETE', MEMBER.key)).statusCode).toBe(204);
    expect((await call(payer, 'DELETE', MEMBER.key)).statusCode).toBe(404);
    expect((await runAttribution(t.deps, systemContext(PAYER.id), { year: 2026 })).changes).toEqual([{ memberKey: MEMBER.key, change: 'changed', from: PROVIDER_2.id, to: PROVIDER.id }]);
    expect((await call(payer, 'PUT', MEMBER.key, { orgId: PROVIDER_2.id, from: '2026-01-01', until: '2026-06-30' })).statusCode).toBe(200);
    expect((await runAttribution(t.deps, systemContext(PAYER.id), { year: 2026 })).byStep.voluntary).toBe(0);
    // Recorded again, open-ended: Lakeside again (the runs after this test expect it).
    expect((await call(payer, 'PUT', MEMBER.key, { orgId: PROVIDER_2.id, from: '2026-05-01' })).statusCode).toBe(200);
    expect((await runAttribution(t.deps, systemContext(PAYER.id), { year: 2026 })).changes).toEqual([{ memberKey: MEMBER.key, change: 'changed', from: PROVIDER.id, to: PROVIDER_2.id }]);
    // Every write is audited with the member; refused ones wrote nothing.
    const audits = await db.selectFrom('audit_event').select(['action', 'member_keys', 'detail']).where('resource_type', '=', 'MemberAlignment').orderBy('id').execute();
    expect(audits.map((a) => [a.action, a.member_keys, (a.detail as { removed?: boolean }).removed ?? false])).toEqual([
      ['update', [MEMBER.key], false], ['update', [MEMBER.key], true], ['update', [MEMBER.key], false], ['update', [MEMBER.key], false],
    ]);
  });

  it('serves the rosters as Da Vinci ATR Groups: a provider sees only its own contract, every read is audited', async () => {
    const payer = await t.login('payer.admin');
    const riverside = await t.login('riverside.billing');
    const lakeside = await t.login('lakeside.billing');
    const get = (token: string, url: string) => t.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
    const all = (await get(payer, '/fhir/Group')).json() as { total: number; entry: Array<{ resource: { id: string; quantity: number; member?: Array<{ entity: { reference: string }; extension: Array<{ url: string; valueCode?: string }> }> } }> };
    expect(all.total).toBe(2);
    const own = (await get(lakeside, '/fhir/Group')).json() as typeof all;
    expect(own.total).toBe(1);
    const group = own.entry[0]!.resource;
    expect(group.member!.map((m) => m.entity.reference).sort()).toEqual([`Patient/${MEMBER.key}`, `Patient/${MEMBER_2.key}`]);
    const change = (key: string) => group.member!.find((m) => m.entity.reference === `Patient/${key}`)!.extension.find((e) => e.url.endsWith('ext-changeType'))!.valueCode;
    expect([change(MEMBER.key), change(MEMBER_2.key)]).toEqual(['change', 'nochange']);
    expect((await get(riverside, `/fhir/Group/${group.id}`)).statusCode).toBe(404);
    expect((await get(riverside, '/fhir/Group?_count=x')).statusCode).toBe(400);
    const audit = await t.deps.store.db.selectFrom('audit_event').select(['resource_type', 'member_keys']).where('resource_type', '=', 'Group').execute();
    expect(audit.length).toBeGreaterThanOrEqual(3);
  });

  it('takes its parameters from the contracts\' terms, names them on the run, and refuses contracts that disagree', async () => {
    const db = t.deps.store.db;
    // Only 99215 counts as primary care under these terms: the 99214 and 99213 visits no longer qualify.
    await addContractTerms(db, CONTRACT.id, '2026-01-01', { type: 'shared-savings', attribution: { primaryCareCodes: ['99215'] } });
    const run = await runAttribution(t.deps, systemContext(PAYER.id), { year: 2026 });
    expect(run.byStep).toEqual({ voluntary: 1, 'primary-care-practitioner': 0, specialist: 0, none: 1 });
    const stored = await db.selectFrom('attribution_run').select('method').where('id', '=', run.id).executeTakeFirstOrThrow();
    expect(stored.method).toBe(`MSSP 42 CFR 425.402; parameters from ${CONTRACT.id} terms v1`);
    await addContractTerms(db, 'ct-2', '2026-01-01', { type: 'shared-savings', attribution: { primaryCareCodes: ['99213'] } });
    await expect(runAttribution(t.deps, systemContext(PAYER.id), { year: 2026 })).rejects.toThrow(/different attribution parameters \(ct-1 terms v1, ct-2 terms v1\)/);
    await addContractTerms(db, 'ct-2', '2026-01-01', { type: 'shared-savings', attribution: { primaryCareCodes: ['9921'] } });
    await expect(runAttribution(t.deps, systemContext(PAYER.id), { year: 2026 })).rejects.toThrow(/ct-2 terms v2: attribution.primaryCareCodes must be/);
  });
});
