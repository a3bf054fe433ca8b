import { aClaim, aLine, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { write837 } from '@tandem/x12';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from '../../exchange/claim-to-837.ts';
import { createTestApp, MEMBER_2, type TestApp } from '../../testing/index.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

type Bundle = { total: number; link: Array<{ relation: string; url: string }>; entry?: Array<{ resource: { resourceType: string; id: string; patient?: { reference: string }; billablePeriod?: { start: string } }; search: { mode: string } }> };

describe(`Patient Access searches on ${db}`, () => {
  let t: TestApp;
  let payer: string;
  let lakeside: string;
  const get = async (url: string, token = payer) => t.app.inject({ url, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    t = await createTestApp();
    payer = await t.login('payer.admin');
    lakeside = await t.login('lakeside.billing');
    const riverside = await t.login('riverside.billing');
    const on = (pcn: string, date: string, member = MEMBER) =>
      claim837From(aClaim({ patientControlNumber: pcn, memberId: member.memberId, lines: [aLine({ serviceDateFrom: date, serviceDateTo: date })] }), { payer: PAYER, provider: PROVIDER, member });
    const x12 = write837([on('PA-1', '2026-01-15'), on('PA-2', '2026-02-10'), on('PA-3', '2026-03-20'), on('PA-4', '2026-02-11', MEMBER_2)], { kind: 'professional', senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: 77, date: new Date('2026-06-01T10:00:00Z') });
    const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { authorization: `Bearer ${riverside}`, 'content-type': 'application/edi-x12' }, payload: x12 });
    expect(res.headers['x-tandem-accepted']).toBe('true');
  });
  afterAll(async () => t?.close());

  it('filters EOBs by service date (with prefixes and partial dates), identifier and type', async () => {
    const feb = (await get(`/fhir/ExplanationOfBenefit?patient=${MEMBER.key}&service-date=ge2026-02-01&service-date=le2026-02-28`)).json() as Bundle;
    expect(feb.total).toBe(1);
    expect(feb.entry![0]!.resource.billablePeriod!.start).toBe('2026-02-10');
    expect(((await get(`/fhir/ExplanationOfBenefit?patient=${MEMBER.key}&service-date=2026-03`)).json() as Bundle).total).toBe(1);
    expect(((await get(`/fhir/ExplanationOfBenefit?patient=${MEMBER.key}&service-date=gt2026-01-15`)).json() as Bundle).total).toBe(2);
    expect(((await get('/fhir/ExplanationOfBenefit?identifier=PA-3')).json() as Bundle).total).toBe(1);
    expect(((await get(`/fhir/ExplanationOfBenefit?patient=${MEMBER.key}&type=institutional`)).json() as Bundle).total).toBe(0);
    expect(((await get(`/fhir/ExplanationOfBenefit?patient=${MEMBER.key}&type=http://terminology.hl7.org/CodeSystem/claim-type|professional`)).json() as Bundle).total).toBe(3);
    expect(((await get('/fhir/ExplanationOfBenefit?_lastUpdated=ge2020-01-01')).json() as Bundle).total).toBe(4);
    expect(((await get('/fhir/ExplanationOfBenefit?_lastUpdated=lt2020-01-01')).json() as Bundle).total).toBe(0);
    const bad = await get('/fhir/ExplanationOfBenefit?service-date=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'invalid' }] });
    // Paging is read the same way on every search: an empty or repeated _count is refused, not read as 0.
    for (const q of ['_count=', '_count=1&_count=2', '_offset=', '_count=201']) {
      for (const type of ['ExplanationOfBenefit', 'Encounter', 'Organization']) {
        const r = await get(`/fhir/${type}?${q}`);
        expect(r.statusCode, `${type}?${q}`).toBe(400);
        expect(r.json()).toMatchObject({ resourceType: 'OperationOutcome' });
      }
    }
  });

  it('pages with next links and includes the patient, coverage, insurer and provider', async () => {
    const page1 = (await get(`/fhir/ExplanationOfBenefit?patient=${MEMBER.key}&_count=2&_include=ExplanationOfBenefit:*`)).json() as Bundle;
    expect(page1.total).toBe(3);
    const matches = page1.entry!.filter((e) => e.search.mode === 'match');
    const included = page1.entry!.filter((e) => e.search.mode === 'include').map((e) => `${e.resource.resourceType}/${e.resource.id}`);
    expect(matches).toHaveLength(2);
    expect(included.sort()).toEqual([`Coverage/cov-1`, `Organization/${PAYER.id}`, `Organization/${PROVIDER.id}`, `Patient/${MEMBER.key}`].sort());
    const next = page1.link.find((l) => l.relation === 'next')!;
    const page2 = (await get(new URL(next.url).pathname + new URL(next.url).search)).json() as Bundle;
    expect(page2.entry!.filter((e) => e.search.mode === 'match')).toHaveLength(1);
    expect((await get('/fhir/ExplanationOfBenefit?_include=Patient:general-practitioner')).statusCode).toBe(400);
  });

  it("answers Patient/$everything with the member's resources only, to whoever may see them", async () => {
    const all = (await get(`/fhir/Patient/${MEMBER.key}/$everything`)).json() as Bundle;
    const types = all.entry!.map((e) => e.resource.resourceType);
    expect(types.filter((x) => x === 'Patient')).toHaveLength(1);
    expect(types.filter((x) => x === 'Coverage')).toHaveLength(1);
    expect(types.filter((x) => x === 'ExplanationOfBenefit')).toHaveLength(3);
    expect(all.entry!.filter((e) => e.resource.patient).every((e) => e.resource.patient!.reference === `Patient/${MEMBER.key}`)).toBe(true);
    const eobOnly = (await get(`/fhir/Patient/${MEMBER.key}/$everything?_type=ExplanationOfBenefit&_count=2`)).json() as Bundle;
    expect(eobOnly.entry!.map((e) => e.resource.resourceType)).toEqual(['ExplanationOfBenefit', 'ExplanationOfBenefit']);
    expect(eobOnly.link.some((l) => l.relation === 'next')).toBe(true);
    // Lakeside never treated this member: the member does not exist for it.
    expect((await get(`/fhir/Patient/${MEMBER.key}/$everything`, lakeside)).statusCode).toBe(404);
    expect((await get(`/fhir/Patient/${MEMBER.key}/$everything?_type=Claim`)).statusCode).toBe(400);
    const audit = await t.deps.store.db.selectFrom('audit_event').select('member_keys').where('resource_type', '=', 'ExplanationOfBenefit').where('actor', '=', 'payer.admin').execute();
    expect(audit.some((a) => a.member_keys.includes(MEMBER.key))).toBe(true);
  });
});
