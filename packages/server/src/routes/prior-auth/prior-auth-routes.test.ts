import { aClaim, aLine, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { insertMembers, insertUsers } from '@tandem/store';
import { readX12, typedView, write278, write837, type ServiceReview } from '@tandem/x12';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../auth/passwords.ts';
import { claim837From } from '../../exchange/claim-to-837.ts';
import { createTestApp, TEST_PASSWORD, restHookListener, type RestHookListener, type TestApp } from '../../testing/index.ts';
import { pasBundle } from '../../testing/pas-bundle.ts';
import { demoAuthRules } from '../../use-cases/prior-auth/seed-prior-auth.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const FIXTURES = new URL('../../../test-fixtures/pas/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;
const PAS = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The X12 306 code and reason of each ClaimResponse item. */
function reviewActions(bundle: Json): Array<{ code: string; reason: string; number?: string }> {
  const cr = bundle['entry'][0].resource;
  return cr.item.map((it: Json) => {
    const ra = it.adjudication[0].extension.find((e: Json) => e.url === `${PAS}/extension-reviewAction`);
    const code = ra.extension.find((e: Json) => e.url === `${PAS}/extension-reviewActionCode`).valueCodeableConcept.coding[0].code;
    const number = ra.extension.find((e: Json) => e.url === 'number')?.valueString;
    return { code, reason: ra.extension.find((e: Json) => e.url === 'reasonCode').valueCodeableConcept.text, ...(number ? { number } : {}) };
  });
}

describe(`prior authorization (PAS, queue, claims, metrics, CRD) on ${db}`, () => {
  let t: TestApp;
  let payer: string;
  let riverside: string;
  let lakeside: string;
  let joe: string;
  let hook: RestHookListener;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const submit = (token: string, body: unknown) => t.app.inject({ method: 'POST', url: '/fhir/Claim/$submit', headers: { ...auth(token), 'content-type': 'application/fhir+json' }, payload: JSON.stringify(body) });

  beforeAll(async () => {
    t = await createTestApp();
    // The IG's example requester and member, so its Bundle is accepted unchanged.
    // (Its NPI fails the check digit, so the registry writer would refuse it: inserted as a row.)
    await t.deps.store.db.insertInto('organization').values({ id: 'org-joe-smith', kind: 'provider', name: 'DR. JOE SMITH CORPORATION', tin: '990000009', npi: '8189991234', provider_type: 'physician_group', payer_code: null }).execute();
    await insertMembers(t.deps.store.db, [{ key: 'mem-joe', payerOrgId: PAYER.id, memberId: '12345678901', subscriberKey: 'mem-joe', relationship: 'self', firstName: 'JOE', lastName: 'SMITH', dateOfBirth: '1970-01-01', gender: 'M' }],
      [{ id: 'cov-joe', memberKey: 'mem-joe', subscriberKey: 'mem-joe', planId: 'plan-1', effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31' }]);
    await insertUsers(t.deps.store.db, [{ id: 'u9', username: 'joe.billing', displayName: 'Joe', passwordHash: await hashPassword(TEST_PASSWORD), orgId: 'org-joe-smith', role: 'billing' }]);
    [payer, riverside, lakeside, joe] = await Promise.all([t.login('payer.admin'), t.login('riverside.billing'), t.login('lakeside.billing'), t.login('joe.billing')]);
    hook = await restHookListener();
    const rules = await t.app.inject({ method: 'POST', url: '/api/prior-auth/rule-sets', headers: auth(payer), payload: { effectiveFrom: '2026-01-01', rules: demoAuthRules() } });
    expect(rules.statusCode).toBe(201);
  });
  afterAll(async () => {
    hook?.close();
    await t?.close();
  });

  it('publishes the services that need authorization without sign-in, and refuses bad rules', async () => {
    const meta = (await t.app.inject('/fhir/metadata')).json();
    expect(meta.rest[0].resource.find((r: Json) => r.type === 'Claim').operation.map((o: Json) => o.name)).toEqual(['submit', 'inquire']);
    const json = (await t.app.inject('/prior-authorization/services.json')).json();
    expect(json.services.find((s: Json) => s.ruleId === 'mri-lumbar-spine')).toMatchObject({ codes: ['72148', '72149', '72158'], payer: 'Tandem Health Plan', plans: 'all plans' });
    const html = await t.app.inject('/prior-authorization/services');
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('Total knee arthroplasty');
    const bad = await t.app.inject({ method: 'POST', url: '/api/prior-auth/rule-sets', headers: auth(payer), payload: { effectiveFrom: '2026-01-01', rules: [{ id: 'x', codes: ['123'], description: 'd' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issue[0].diagnostics).toContain('rules[0].codes: must be an array of valid codes');
    expect((await t.app.inject({ method: 'POST', url: '/api/prior-auth/rule-sets', headers: auth(riverside), payload: { effectiveFrom: '2026-01-01', rules: [] } })).statusCode).toBe(403);
  });

  it('accepts the IG\'s conformant PAS Bundle and answers a response Bundle with the ClaimResponse first; a resubmission is the same request', async () => {
    const res = await submit(joe, fixture('conformant_pas_bundle_v110.json'));
    expect(res.statusCode).toBe(200);
    const b = res.json();
    expect(b).toMatchObject({ resourceType: 'Bundle', type: 'collection', meta: { profile: [`${PAS}/profile-pas-response-bundle`] } });
    const cr = b.entry[0].resource;
    expect(cr).toMatchObject({ resourceType: 'ClaimResponse', use: 'preauthorization', status: 'active', outcome: 'complete', identifier: [{ value: '111099' }] });
    // X12 service type 3 (consultation) is on no rule: no action required.
    expect(reviewActions(b)).toEqual([{ code: 'NA', reason: '3 needs no prior authorization under the plan\'s rules on 2026-06-30' }]);
    expect(b.entry.map((e: Json) => e.resource.resourceType)).toEqual(['ClaimResponse', 'Patient', 'Organization', 'Organization']);
    const again = (await submit(joe, fixture('conformant_pas_bundle_v110.json'))).json();
    expect(again.entry[0].resource.id).toBe(cr.id);
  });

  it('answers malformed submissions with an OperationOutcome naming each defect', async () => {
    const claimOnly = await submit(joe, fixture('pas_claim.json'));
    expect(claimOnly.statusCode).toBe(400);
    expect(claimOnly.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'invalid', expression: ['Bundle'] }] });
    const broken = fixture('conformant_pas_bundle_v110.json') as Json;
    broken['entry'][0].resource.use = 'claim';
    delete broken['entry'][0].resource.patient;
    const r = await submit(joe, broken);
    expect(r.statusCode).toBe(400);
    expect(r.json().issue[0].expression).toEqual(['Bundle.entry[0].resource.use', 'Bundle.entry[0].resource.patient']);
    expect(r.json().issue[0].diagnostics).toContain('must be "preauthorization", not "claim"');
    const notJson = await t.app.inject({ method: 'POST', url: '/fhir/Claim/$submit', headers: { ...auth(joe), 'content-type': 'application/fhir+json' }, payload: '{"resourceType":' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().resourceType).toBe('OperationOutcome');
    const unknownMember = (await submit(riverside, pasBundle({ id: 'R-404', memberId: 'NOPE', requesterNpi: PROVIDER.npi!, items: [{ code: '72148', from: '2026-07-01' }] }))).json();
    expect(unknownMember.entry[0].resource).toMatchObject({ outcome: 'error', error: [{ code: { coding: [{ code: '75' }] } }] });
    // A provider cannot submit in another organization's name.
    expect((await submit(lakeside, pasBundle({ id: 'L-1', memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi!, items: [{ code: '72148', from: '2026-07-01' }] }))).statusCode).toBe(403);
  });

  let pendedId = '';
  it('approves automatically when the criteria hold, and pends the rest with a 7-day or 72-hour clock', async () => {
    const ok = (await submit(riverside, pasBundle({ id: 'R-MRI-1', memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi!, diagnoses: ['M54.16'], answers: { 'conservative-therapy-weeks': 8 }, items: [{ code: '72148', from: '2026-07-01' }] }))).json();
    expect(reviewActions(ok)).toEqual([{ code: 'A1', reason: 'meets the automatic approval criteria of rule mri-lumbar-spine', number: ok.entry[0].resource.id }]);
    expect(ok.entry[0].resource.preAuthRef).toBe(ok.entry[0].resource.id);
    const itemExt = ok.entry[0].resource.item[0].extension;
    expect(itemExt.find((e: Json) => e.url === `${PAS}/extension-itemPreAuthPeriod`).valuePeriod).toEqual({ start: '2026-07-01', end: '2026-08-29' });

    const short = (await submit(riverside, pasBundle({ id: 'R-MRI-2', memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi!, diagnoses: ['M54.16'], answers: { 'conservative-therapy-weeks': 2 }, items: [{ code: '72148', from: '2026-07-01' }] }))).json();
    expect(reviewActions(short)[0]).toMatchObject({ code: 'A4', reason: 'clinical review: Weeks of conservative therapy: answered 2, needs at least 6' });

    const tka = (await submit(riverside, pasBundle({ id: 'R-TKA-1', memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi!, diagnoses: ['M17.11'], items: [{ code: '27447', from: '2026-07-10' }] }))).json();
    const cr = tka.entry[0].resource;
    expect(cr.outcome).toBe('queued');
    expect(reviewActions(tka)[0]!.code).toBe('A4');
    expect(cr.extension[0].valueDateTime).toBe('2026-07-07T12:00:00.000Z');
    pendedId = cr.id;
    const stat = (await submit(riverside, pasBundle({ id: 'R-TKA-2', priority: 'stat', memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi!, items: [{ code: '27447', from: '2026-07-02' }] }))).json();
    expect(stat.entry[0].resource.extension[0].valueDateTime).toBe('2026-07-03T12:00:00.000Z');

    // The payer's queue is ordered by due time: the expedited request first.
    const queue = (await t.app.inject({ url: '/api/prior-auth', headers: auth(payer) })).json();
    expect(queue.requests.map((r: Json) => r.submitterRef.value)).toEqual(['R-TKA-2', 'R-MRI-2', 'R-TKA-1']);
    expect(queue.requests[0]).toMatchObject({ priority: 'expedited', clock: 'on-time', status: 'pended', items: [{ documentation: expect.arrayContaining(['Weight-bearing X-rays of the knee']) }] });
    // A provider sees only its own requests; another provider's is a 404.
    expect((await t.app.inject({ url: '/api/prior-auth', headers: auth(lakeside) })).json().total).toBe(0);
    expect((await t.app.inject({ url: `/api/prior-auth/${pendedId}`, headers: auth(lakeside) })).statusCode).toBe(404);
  });

  it('lets the reviewer decide with a required reason, notifies the submitter\'s subscription, and shows the same status to both sides', async () => {
    const sub = fixture('PAS_Subscription_example_full_resource.json') as Json;
    sub['channel'].endpoint = hook.url('/hook');
    sub['channel'].header = ['Authorization: Bearer ehr-secret'];
    const created = await t.app.inject({ method: 'POST', url: '/fhir/Subscription', headers: { ...auth(riverside), 'content-type': 'application/fhir+json' }, payload: JSON.stringify(sub) });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ resourceType: 'Subscription', status: 'active' });
    const badSub = await t.app.inject({ method: 'POST', url: '/fhir/Subscription', headers: auth(riverside), payload: { ...sub, criteria: 'Claim?', channel: { type: 'email' } } });
    expect(badSub.json().issue[0].expression).toEqual(['Subscription.criteria', 'Subscription.channel.type', 'Subscription.channel.endpoint']);

    const decide = (token: string, decisions: unknown[]) => t.app.inject({ method: 'POST', url: `/api/prior-auth/${pendedId}/decision`, headers: auth(token), payload: { decisions } });
    expect((await decide(riverside, [{ sequence: 1, action: 'approved' }])).statusCode).toBe(403);
    const noReason = await decide(payer, [{ sequence: 1, action: 'denied', reason: 'no' }]);
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().issue[0].diagnostics).toContain('a denial needs a specific reason');
    const denied = await decide(payer, [{ sequence: 1, action: 'denied', reason: 'No weight-bearing X-rays showing joint-space narrowing were provided.' }]);
    expect(denied.statusCode).toBe(200);
    expect(denied.json().view).toMatchObject({ status: 'denied', decidedAt: '2026-06-30T12:00:00.000Z', clock: 'decided-on-time' });
    expect(denied.json().deliveries).toEqual([{ subscriptionId: created.json().id, httpStatus: 200, error: null }]);
    expect((await decide(payer, [{ sequence: 1, action: 'approved' }])).statusCode).toBe(409);

    expect(hook.received).toHaveLength(1);
    const n = hook.received[0]!;
    expect(n['headers'].authorization).toBe('Bearer ehr-secret');
    expect(n['body']).toMatchObject({ resourceType: 'Bundle', type: 'history' });
    const params = n['body'].entry[0].resource;
    expect(params.parameter.find((p: Json) => p.name === 'type').valueCode).toBe('event-notification');
    expect(n['body'].entry[1].resource).toMatchObject({ resourceType: 'ClaimResponse', id: pendedId, outcome: 'complete' });
    expect(reviewActions({ entry: [n['body'].entry[1]] })).toEqual([{ code: 'A3', reason: 'No weight-bearing X-rays showing joint-space narrowing were provided.' }]);

    // The provider sees the same decision through $inquire and its dashboard API.
    const inquiry = await t.app.inject({ method: 'POST', url: '/fhir/Claim/$inquire', headers: auth(riverside), payload: pasBundle({ id: 'R-TKA-1', memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi!, items: [{ code: '27447', from: '2026-07-10' }] }) });
    expect(reviewActions(inquiry.json())[0]!.code).toBe('A3');
    const mine = (await t.app.inject({ url: `/api/prior-auth/${pendedId}`, headers: auth(riverside) })).json();
    const theirs = (await t.app.inject({ url: `/api/prior-auth/${pendedId}`, headers: auth(payer) })).json();
    expect(mine).toEqual(theirs);
    expect(mine.events.map((e: Json) => e.action)).toEqual(['submitted', 'decided']);
    const audits = await t.deps.store.db.selectFrom('audit_event').select(['actor', 'action']).where('resource_id', '=', pendedId).where('action', '=', 'update').execute();
    expect(audits).toEqual([{ actor: 'payer.admin', action: 'update' }]);
  });

  it('asks for more information (extending a standard clock once), modifies units, updates and cancels', async () => {
    const pt = (await submit(riverside, pasBundle({ id: 'R-PT-1', memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi!, diagnoses: ['M25.561'], items: [{ code: '97110', units: 30, from: '2026-07-01', to: '2026-09-30' }] }))).json();
    const id = pt.entry[0].resource.id;
    const info = await t.app.inject({ method: 'POST', url: `/api/prior-auth/${id}/request-info`, headers: auth(payer), payload: { message: 'Send the plan of care and the last progress note.', extend: true } });
    expect(info.json().view).toMatchObject({ status: 'info-requested', extended: true, dueAt: '2026-07-21T12:00:00.000Z' });
    expect((await t.app.inject({ method: 'POST', url: `/api/prior-auth/${id}/request-info`, headers: auth(payer), payload: { message: 'Again, and extend again please.', extend: true } })).statusCode).toBe(409);
    const inquiry = (await t.app.inject({ method: 'POST', url: '/fhir/Claim/$inquire', headers: auth(riverside), payload: pasBundle({ id: 'R-PT-1', memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi!, items: [{ code: '97110', from: '2026-07-01' }] }) })).json();
    expect(inquiry.entry[0].resource.disposition).toBe('More information requested; a decision is due by 2026-07-21T12:00:00.000Z (standard)');
    const modified = await t.app.inject({ method: 'POST', url: `/api/prior-auth/${id}/decision`, headers: auth(payer), payload: { decisions: [{ sequence: 1, action: 'modified', unitsApproved: 24, reason: 'Plan of care supports 24 units over the period.' }] } });
    expect(modified.json().view.items[0]).toMatchObject({ action: 'modified', unitsApproved: 24, approvedFrom: '2026-07-01', approvedTo: '2026-09-30' });

    // An update re-evaluates the request; a cancel closes it.
    const upd = (await submit(riverside, pasBundle({ id: 'R-MRI-2b', related: 'R-MRI-2', memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi!, diagnoses: ['M54.16'], answers: { 'conservative-therapy-weeks': 7 }, items: [{ code: '72148', from: '2026-07-01' }] }))).json();
    expect(reviewActions(upd)[0]!.code).toBe('A1');
    expect(upd.entry[0].resource.identifier[0].value).toBe('R-MRI-2');
    const cancel = (await submit(riverside, pasBundle({ id: 'R-TKA-2', status: 'cancelled', memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi!, items: [{ code: '27447', from: '2026-07-02' }] }))).json();
    expect(cancel.entry[0].resource.status).toBe('cancelled');
    expect(reviewActions(cancel)[0]!.code).toBe('C');
  });

  it('pays a claim under an approved authorization and consumes it; denies CO-197 without one and CO-198 past its units', async () => {
    const file = (pcn: string, code: string, date: string, control: number) => write837([claim837From(aClaim({ patientControlNumber: pcn, lines: [aLine({ procedureCode: code, chargeCents: 150_000, serviceDateFrom: date, serviceDateTo: date })] }), { payer: PAYER, provider: PROVIDER, member: MEMBER })],
      { kind: 'professional', senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: control, date: new Date('2026-07-20T10:00:00Z') });
    const send = async (text: string) => (await t.app.inject({ method: 'POST', url: '/x12', headers: { ...auth(riverside), 'content-type': 'application/edi-x12', accept: 'application/json' }, payload: text })).json();
    const paid = await send(file('PCN-MRI-1', '72148', '2026-07-15', 501));
    expect(paid.claims[0].status).toBe('paid');
    const claim = (await t.app.inject({ url: `/api/claims/${paid.claims[0].claimId}`, headers: auth(riverside) })).json();
    expect(claim.provenance.authorizationNumbers).toHaveLength(1);
    const second = await send(file('PCN-MRI-2', '72148', '2026-07-16', 502));
    // R-MRI-1 and the updated R-MRI-2 each approved 1 unit: the second claim draws on the other one.
    expect(second.claims[0].status).toBe('paid');
    const third = (await send(file('PCN-MRI-3', '72148', '2026-07-17', 503))).claims[0];
    expect(third.status).toBe('denied');
    const denied = (await t.app.inject({ url: `/api/claims/${third.claimId}`, headers: auth(riverside) })).json();
    expect(denied.lines[0].adjustments).toMatchObject([{ group: 'CO', carc: '198', amountCents: 150_000 }]);
    const tka = (await send(file('PCN-TKA-1', '27447', '2026-07-10', 504))).claims[0];
    const tkaClaim = (await t.app.inject({ url: `/api/claims/${tka.claimId}`, headers: auth(riverside) })).json();
    expect(tkaClaim.lines[0].adjustments).toMatchObject([{ group: 'CO', carc: '197', amountCents: 150_000 }]);
    expect(JSON.stringify(tkaClaim.lines[0].remarks)).toContain('M62');
    const used = await t.deps.store.db.selectFrom('prior_auth_item').innerJoin('prior_auth', 'prior_auth.id', 'prior_auth_item.auth_id').select(['submitter_value', 'units_used']).where('code', '=', '72148').orderBy('submitter_value').execute();
    expect(used).toEqual([{ submitter_value: 'R-MRI-1', units_used: 1 }, { submitter_value: 'R-MRI-2', units_used: 1 }]);
  });

  it('takes an X12 278 request through POST /x12 into the same engine and answers a 278 response', async () => {
    const x12 = (token: string, text: string) => t.app.inject({ method: 'POST', url: '/x12', headers: { ...auth(token), 'content-type': 'application/edi-x12' }, payload: text });
    const readBack = (text: string) => {
      const doc = readX12(text);
      const set = doc.interchanges[0]!.groups[0]!.sets[0]!;
      expect(set.findings.filter((f) => f.severity === 'error')).toEqual([]);
      const v = typedView(set, doc.delimiters!);
      if (v.type !== 'service-review-response') throw new Error(`not a 278 response: ${v.type}`);
      return v.reviews[0]!;
    };
    // The X12 guide's home health example (the same member and insurer as the PAS example).
    const sample = readFileSync(new URL('../../../../x12/test-fixtures/278/stupidedi__X217-HI278-Health-Care-Services-Review---Request-for-Review-and-Response_pass_request-for-home-health-care.edi', import.meta.url), 'latin1');
    const res = await x12(joe, sample);
    expect(res.headers['content-type']).toContain('application/edi-x12');
    const review = readBack(res.body);
    expect(review.services.map((s) => [s.procedure?.code, s.decision?.action])).toEqual([['G0154', 'NA'], ['B4184', 'NA']]);

    const request: ServiceReview = {
      kind: 'request', umo: { entity: 'X3', name: 'TANDEM HEALTH PLAN', idQualifier: 'PI', id: 'TANDEM' }, requester: { entity: '1P', name: 'RIVERSIDE MEDICAL GROUP', idQualifier: 'XX', id: PROVIDER.npi! },
      subscriber: { entity: 'IL', name: 'LOVELACE', firstName: 'ADA', idQualifier: 'MI', id: MEMBER.memberId }, traceNumbers: ['X12-TKA-1'], requestCategory: 'HS', certificationType: 'I', serviceType: '2', levelOfService: 'U',
      facility: { code: '22', qualifier: 'B' }, diagnoses: [{ qualifier: 'ABK', code: 'M1711' }], providers: [], rejections: [],
      services: [{ traceNumbers: [], providers: [], procedure: { qualifier: 'HC', code: '27447', modifiers: [] }, quantity: '1', serviceDates: { from: '2026-07-20', to: '2026-07-20' } }],
    };
    const text = write278([request], { senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: 901, date: new Date('2026-06-30T12:00:00Z'), reference: 'R901' });
    const answered = readBack((await x12(riverside, text)).body);
    expect(answered.decision).toMatchObject({ action: 'A4' });
    expect(answered.services[0]!.decision?.action).toBe('A4');
    const id = answered.services[0]!.decision!.reference!;
    const queued = (await t.app.inject({ url: `/api/prior-auth/${id}`, headers: auth(payer) })).json();
    expect(queued).toMatchObject({ channel: 'x12', priority: 'expedited', status: 'pended', dueAt: '2026-07-03T12:00:00.000Z', submitterRef: { value: 'X12-TKA-1' } });
    // An unknown member is answered in the 278 itself: AAA 75 (subscriber not found) in 2010C.
    const stranger = write278([{ ...request, traceNumbers: ['X12-NOBODY'], subscriber: { ...request.subscriber, id: 'NOBODY' } }], { senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: 902, date: new Date('2026-06-30T12:00:00Z'), reference: 'R902' });
    const notFound = (await x12(riverside, stranger)).body;
    expect(notFound).toContain('AAA*N**75*C~');
    expect(readBack(notFound).rejections).toEqual([{ reason: '75', followUp: 'C', loop: '2010C' }]);
    // Garbage in a 278 envelope gets a 999 rejecting the set.
    const broken = (await x12(riverside, text.replace(/NM1\*IL\*1\*LOVELACE[^~]*~/, ''))).body;
    expect(broken).toContain('ST*999');
    expect(broken).toMatch(/AK9\*R/);
  });

  it('lets the provider appeal a denial once, on the reconsideration clock, and the reviewer approve it', async () => {
    const b = (await submit(riverside, pasBundle({ id: 'R-BAR-1', memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi!, diagnoses: ['E66.01'], items: [{ code: '43644', from: '2026-08-01' }] }))).json();
    const id = b.entry[0].resource.id;
    await t.app.inject({ method: 'POST', url: `/api/prior-auth/${id}/decision`, headers: auth(payer), payload: { decisions: [{ sequence: 1, action: 'denied', reason: 'No record of a supervised weight-loss program.' }] } });
    expect((await t.app.inject({ method: 'POST', url: `/api/prior-auth/${id}/appeal`, headers: auth(payer), payload: { reason: 'payer cannot appeal its own decision' } })).statusCode).toBe(403);
    const appeal = await t.app.inject({ method: 'POST', url: `/api/prior-auth/${id}/appeal`, headers: auth(riverside), payload: { reason: 'Enclosed: 6 months of the supervised program, attached to the chart.' } });
    expect(appeal.json()).toMatchObject({ status: 'pended', appealed: true, dueAt: '2026-07-30T12:00:00.000Z', decidedAt: null, items: [{ action: 'pended', reason: 'appeal: Enclosed: 6 months of the supervised program, attached to the chart.' }] });
    expect((await t.app.inject({ method: 'POST', url: `/api/prior-auth/${id}/appeal`, headers: auth(riverside), payload: { reason: 'and once more, please reconsider' } })).statusCode).toBe(409);
    const approved = await t.app.inject({ method: 'POST', url: `/api/prior-auth/${id}/decision`, headers: auth(payer), payload: { decisions: [{ sequence: 1, action: 'approved' }] } });
    expect(approved.json().view).toMatchObject({ status: 'approved', appealed: true });
    const history = (await t.app.inject({ url: `/api/prior-auth/${id}`, headers: auth(riverside) })).json().events.map((e: Json) => e.action);
    expect(history).toEqual(['submitted', 'decided', 'appealed', 'decided']);
  });

  it('publishes the year\'s CMS-0057-F metrics as JSON and a page without sign-in', async () => {
    const m = (await t.app.inject('/prior-authorization/metrics.json?year=2026')).json();
    // Initial determinations: R-MRI-1 approved, R-MRI-2 approved (after update), R-TKA-1 denied, R-PT-1 modified after an extension,
    // R-BAR-1 denied (then approved on appeal: counted once as denied, and as approved after appeal); R-TKA-2 cancelled is not counted.
    expect(m).toMatchObject({ year: 2026, requests: 5, years: [2026], extendedAndApprovedPct: 20 });
    expect(m.standard).toMatchObject({ requests: 5, approved: 3, denied: 2, appealed: 1, approvedAfterAppeal: 1, approvedPct: 60, deniedPct: 40, approvedAfterAppealPct: 20, averageDecisionHours: 0, medianDecisionHours: 0 });
    expect(m.expedited.requests).toBe(0);
    const page = await t.app.inject('/prior-authorization/metrics?year=2026');
    expect(page.body).toContain('Prior authorization metrics 2026');
  });

  it('answers CDS Hooks (CRD) with prior-auth cards and coverage-information actions', async () => {
    const discovery = (await t.app.inject('/cds-services')).json();
    expect(discovery.services.map((s: Json) => s.hook)).toEqual(['order-sign', 'order-select', 'appointment-book']);
    const order = (id: string, code: string) => ({ resource: { resourceType: 'ServiceRequest', id, status: 'draft', intent: 'order', code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code }] }, occurrenceDateTime: '2026-07-20' } });
    const r = await t.app.inject({ method: 'POST', url: '/cds-services/tandem-crd-order-sign', headers: auth(riverside), payload: { hook: 'order-sign', hookInstance: 'h1', context: { patientId: MEMBER.key, draftOrders: { resourceType: 'Bundle', entry: [order('sr1', '72148'), order('sr2', '99213')] } } } });
    expect(r.statusCode).toBe(200);
    const { cards, systemActions } = r.json();
    expect(cards.map((c: Json) => [c.indicator, c.summary])).toEqual([['warning', 'Prior authorization required: 72148 MRI of the lumbar spine'], ['info', 'No prior authorization needed: 99213']]);
    expect(cards[0].detail).toContain('At least 6 weeks of conservative therapy');
    expect(systemActions[0].resource.extension[0].extension.find((e: Json) => e.url === 'pa-needed').valueCode).toBe('auth-needed');
    expect((await t.app.inject({ method: 'POST', url: '/cds-services/tandem-crd-order-sign', payload: { hook: 'order-sign', context: {} } })).statusCode).toBe(401);
    const appt = await t.app.inject({ method: 'POST', url: '/cds-services/tandem-crd-appointment-book', headers: auth(riverside), payload: { hook: 'appointment-book', context: { patientId: MEMBER.key, appointments: { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Appointment', id: 'a1', status: 'proposed', start: '2026-08-01T09:00:00Z', serviceType: [{ coding: [{ code: '27447' }] }] } }] } } } });
    expect(appt.json().cards[0].summary).toBe('Prior authorization required: 27447 Total knee arthroplasty');
  });

  it('tries a failed notification again (same event) until the subscriber takes it, logging every attempt', async () => {
    const b = (await submit(riverside, pasBundle({ id: 'R-TKA-9', memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi!, diagnoses: ['M17.11'], items: [{ code: '27447', from: '2026-08-10' }] }))).json();
    const id = b.entry[0].resource.id;
    const before = hook.received.length;
    hook.failNext(1);
    const decided = await t.app.inject({ method: 'POST', url: `/api/prior-auth/${id}/decision`, headers: auth(payer), payload: { decisions: [{ sequence: 1, action: 'approved' }] } });
    // The reviewer's answer reports the first attempt; the retry follows about a second later.
    expect(decided.json().deliveries).toMatchObject([{ httpStatus: 503, error: 'endpoint answered 503' }]);
    // Each attempt is logged once it is answered: wait for the second.
    const log = async () => (await t.app.inject({ url: `/api/prior-auth/${id}`, headers: auth(riverside) })).json().notifications as Json[];
    await expect.poll(async () => (await log()).length, { timeout: 10_000, interval: 200 }).toBe(2);
    expect(hook.received).toHaveLength(before + 1);
    const n = hook.received[before]!['body'];
    expect(n.entry[1].resource).toMatchObject({ resourceType: 'ClaimResponse', id, outcome: 'complete' });
    const attempts = await log();
    expect(attempts.map((d) => [d['httpStatus'], d['error']])).toEqual([[503, 'endpoint answered 503'], [200, null]]);
    expect(attempts[0]!['event']).toBe(attempts[1]!['event']);
    expect(n.entry[0].resource.parameter.find((p: Json) => p.name === 'events-since-subscription-start').valueString).toBe(String(attempts[0]!['event']));
  });
});
