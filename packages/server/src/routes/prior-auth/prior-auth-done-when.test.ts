/**
 * Issue 6's "Done when", end to end over HTTP as a new provider would go through it: CRD says
 * which services need authorization and what to send; one service goes over PAS `$submit` and
 * is approved at once; the provider subscribes and sends another as an X12 278, which is pended;
 * a clinical reviewer decides it within the CMS-0057-F clock; the provider's subscription hears
 * of it with the full ClaimResponse and `$inquire` shows the same; the claims that follow pay
 * under the authorizations and use up their units; and the public metrics count both requests.
 * The clock moves, so decision times are real durations.
 */
import { aClaim, aLine, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { insertUsers } from '@tandem/store';
import { readX12, typedView, write278, write837, type ServiceReview } from '@tandem/x12';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../auth/passwords.ts';
import { claim837From } from '../../exchange/claim-to-837.ts';
import { createTestApp, FIXED_NOW, TEST_PASSWORD, restHookListener, type RestHookListener, type TestApp } from '../../testing/index.ts';
import { pasBundle } from '../../testing/pas-bundle.ts';
import { demoAuthRules } from '../../use-cases/prior-auth/seed-prior-auth.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const PAS = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition';
const HOUR = 3_600_000;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The X12 306 code, reason, authorization number and authorized quantity of each ClaimResponse item. */
function reviewActions(claimResponse: Json): Array<{ code: string; reason: string; number?: string; quantity?: number }> {
  return claimResponse['item'].map((it: Json) => {
    const ra = it.adjudication[0].extension.find((e: Json) => e.url === `${PAS}/extension-reviewAction`);
    const code = ra.extension.find((e: Json) => e.url === `${PAS}/extension-reviewActionCode`).valueCodeableConcept.coding[0].code;
    const number = ra.extension.find((e: Json) => e.url === 'number')?.valueString;
    const detail = it.extension.find((e: Json) => e.url === `${PAS}/extension-itemAuthorizedDetail`);
    const quantity = detail?.extension.find((e: Json) => e.url === 'quantity').valueQuantity.value;
    return { code, reason: ra.extension.find((e: Json) => e.url === 'reasonCode').valueCodeableConcept.text, ...(number ? { number } : {}), ...(quantity !== undefined ? { quantity } : {}) };
  });
}

/** The service review of a 278 response, with no syntax errors. */
function read278Response(text: string) {
  const doc = readX12(text);
  const set = doc.interchanges[0]!.groups[0]!.sets[0]!;
  expect(set.findings.filter((f) => f.severity === 'error')).toEqual([]);
  const v = typedView(set, doc.delimiters!);
  if (v.type !== 'service-review-response') throw new Error(`not a 278 response: ${v.type}`);
  return v.reviews[0]!;
}

describe(`prior authorization, done when (issue 6), on ${db}`, () => {
  let t: TestApp;
  let now = FIXED_NOW;
  let provider: string;
  let reviewer: string;
  let hook: RestHookListener;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  let mriId = '';
  let ptId = '';

  beforeAll(async () => {
    t = await createTestApp({ clock: () => now });
    await insertUsers(t.deps.store.db, [{ id: 'u-rev', username: 'payer.reviewer', displayName: 'Dr. Robin Reviewer', passwordHash: await hashPassword(TEST_PASSWORD), orgId: PAYER.id, role: 'clinician' }]);
    const admin = await t.login('payer.admin');
    [provider, reviewer] = await Promise.all([t.login('riverside.billing'), t.login('payer.reviewer')]);
    // The provider's EHR: a real HTTP listener taking rest-hook notifications.
    hook = await restHookListener();
    const rules = await t.app.inject({ method: 'POST', url: '/api/prior-auth/rule-sets', headers: auth(admin), payload: { effectiveFrom: '2026-01-01', rules: demoAuthRules() } });
    expect(rules.statusCode).toBe(201);
  });
  afterAll(async () => {
    hook?.close();
    await t?.close();
  });

  it('(a) CRD tells the ordering clinician which services need authorization and what documentation', async () => {
    const order = (id: string, code: string, extra: Json = {}) => ({ resource: {
      resourceType: 'ServiceRequest', id, status: 'draft', intent: 'order', subject: { reference: `Patient/${MEMBER.key}` }, authoredOn: '2026-06-30',
      code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code }] }, occurrenceDateTime: '2026-07-15',
      reasonCode: [{ coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'M54.16' }] }], ...extra,
    } });
    const res = await t.app.inject({
      method: 'POST', url: '/cds-services/tandem-crd-order-sign', headers: { ...auth(provider), host: 'tandem.example.org' },
      payload: { hook: 'order-sign', hookInstance: 'd2b1c0a4-0001', context: { userId: 'Practitioner/pr-1', patientId: MEMBER.key, draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [
        order('sr-mri', '72148'), order('sr-pt', '97110', { quantityQuantity: { value: 30 } }), order('sr-visit', '99213'),
      ] } } },
    });
    expect(res.statusCode).toBe(200);
    const { cards, systemActions } = res.json();
    expect(cards.map((c: Json) => [c.indicator, c.summary])).toEqual([
      ['warning', 'Prior authorization required: 72148 MRI of the lumbar spine'],
      ['warning', 'Prior authorization required: 97110 Physical therapy beyond 12 units per request'],
      ['info', 'No prior authorization needed: 99213'],
    ]);
    // What to send, and what approves it at once.
    expect(cards[0].detail).toContain('- Neurological findings from the last visit');
    expect(cards[0].detail).toContain('- Weeks of conservative therapy: at least 6');
    expect(cards[1].detail).toContain('- Plan of care with functional goals');
    expect(cards[1].detail).toContain('- at most 24 units');
    const paNeeded = systemActions.map((a: Json) => a.resource.extension.at(-1).extension.find((e: Json) => e.url === 'pa-needed').valueCode);
    expect(paNeeded).toEqual(['auth-needed', 'auth-needed', 'no-auth']);
    // The card's link is absolute (CDS Hooks 2.0 Link.type) and opens without signing in.
    const link = cards[0].links[0];
    expect(link).toEqual({ label: 'Services that need prior authorization', url: 'http://tandem.example.org/prior-authorization/services', type: 'absolute' });
    const page = await t.app.inject(new URL(link.url).pathname);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('MRI of the lumbar spine');
  });

  it('(b) one service over PAS $submit that meets the criteria is approved (A1) at once', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/fhir/Claim/$submit', headers: { ...auth(provider), 'content-type': 'application/fhir+json' },
      payload: JSON.stringify(pasBundle({ id: 'EHR-MRI-1', memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi!, diagnoses: ['M54.16'], answers: { 'conservative-therapy-weeks': 8 }, items: [{ code: '72148', from: '2026-07-15' }] })),
    });
    expect(res.statusCode).toBe(200);
    const cr = res.json().entry[0].resource;
    mriId = cr.id;
    expect(cr).toMatchObject({ resourceType: 'ClaimResponse', outcome: 'complete', preAuthRef: mriId });
    expect(reviewActions(cr)).toEqual([{ code: 'A1', reason: 'meets the automatic approval criteria of rule mri-lumbar-spine', number: mriId, quantity: 1 }]);
    const view = (await t.app.inject({ url: `/api/prior-auth/${mriId}`, headers: auth(provider) })).json();
    expect(view).toMatchObject({ status: 'approved', channel: 'fhir', receivedAt: '2026-06-30T12:00:00.000Z', decidedAt: '2026-06-30T12:00:00.000Z', clock: 'decided-on-time' });
  });

  it('(c) subscribed, the provider sends another service as an X12 278; it misses the criteria and is pended (HCR A4)', async () => {
    now = new Date(FIXED_NOW.getTime() + 1 * HOUR);
    const sub = JSON.parse(readFileSync(new URL('../../../test-fixtures/pas/PAS_Subscription_example_full_resource.json', import.meta.url), 'utf8')) as Json;
    sub['channel'].endpoint = hook.url('/notify');
    sub['channel'].header = ['Authorization: Bearer riverside-ehr'];
    const created = await t.app.inject({ method: 'POST', url: '/fhir/Subscription', headers: { ...auth(provider), 'content-type': 'application/fhir+json' }, payload: JSON.stringify(sub) });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ resourceType: 'Subscription', status: 'active' });

    const request: ServiceReview = {
      kind: 'request', umo: { entity: 'X3', name: 'TANDEM HEALTH PLAN', idQualifier: 'PI', id: 'TANDEM' },
      requester: { entity: '1P', name: 'RIVERSIDE MEDICAL GROUP', idQualifier: 'XX', id: PROVIDER.npi! },
      subscriber: { entity: 'IL', name: 'LOVELACE', firstName: 'ADA', idQualifier: 'MI', id: MEMBER.memberId }, traceNumbers: ['EHR-PT-1'],
      requestCategory: 'HS', certificationType: 'I', serviceType: 'PT', levelOfService: 'U', facility: { code: '11', qualifier: 'B' },
      diagnoses: [{ qualifier: 'ABK', code: 'M5416' }], providers: [], rejections: [],
      services: [{ traceNumbers: [], providers: [], procedure: { qualifier: 'HC', code: '97110', modifiers: [] }, quantity: '30', serviceDates: { from: '2026-07-06', to: '2026-09-30' } }],
    };
    const text = write278([request], { senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: 611, date: now, reference: 'R611' });
    const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { ...auth(provider), 'content-type': 'application/edi-x12' }, payload: text });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/edi-x12');
    const review = read278Response(res.body);
    expect(review.decision?.action).toBe('A4');
    expect(review.services[0]!.decision?.action).toBe('A4');
    ptId = review.services[0]!.decision!.reference!;
    const view = (await t.app.inject({ url: `/api/prior-auth/${ptId}`, headers: auth(provider) })).json();
    // UM06 = U: expedited, 72 hours from receipt.
    expect(view).toMatchObject({
      status: 'pended', channel: 'x12', priority: 'expedited', receivedAt: '2026-06-30T13:00:00.000Z', dueAt: '2026-07-03T13:00:00.000Z', decidedAt: null, clock: 'on-time',
      submitterRef: { value: 'EHR-PT-1' }, items: [{ code: '97110', unitsRequested: 30, action: 'pended', reason: 'clinical review: 30 units requested, automatic approval up to 24' }],
    });
  });

  it('(d) a reviewer decides it within the clock; the subscription gets the full ClaimResponse and $inquire shows the same', async () => {
    // 50 hours after receipt: 22 hours left, so the queue warns.
    now = new Date(FIXED_NOW.getTime() + 51 * HOUR);
    const queue = (await t.app.inject({ url: '/api/prior-auth', headers: auth(reviewer) })).json();
    expect(queue.requests.map((r: Json) => [r.id, r.clock])).toEqual([[ptId, 'due-soon']]);
    expect(queue.requests[0].items[0].documentation).toEqual(['Plan of care with functional goals', 'Progress notes']);
    // The provider cannot decide its own request; a modification needs a specific reason.
    expect((await t.app.inject({ method: 'POST', url: `/api/prior-auth/${ptId}/decision`, headers: auth(provider), payload: { decisions: [{ sequence: 1, action: 'approved' }] } })).statusCode).toBe(403);
    const vague = await t.app.inject({ method: 'POST', url: `/api/prior-auth/${ptId}/decision`, headers: auth(reviewer), payload: { decisions: [{ sequence: 1, action: 'modified', unitsApproved: 20 }] } });
    expect(vague.statusCode).toBe(400);
    expect(vague.json().issue[0].diagnostics).toContain('a modification needs a specific reason');

    const reason = 'The plan of care supports 20 units over the period, not 30.';
    const decided = await t.app.inject({ method: 'POST', url: `/api/prior-auth/${ptId}/decision`, headers: auth(reviewer), payload: { decisions: [{ sequence: 1, action: 'modified', unitsApproved: 20, reason }] } });
    expect(decided.statusCode).toBe(200);
    expect(decided.json().view).toMatchObject({ status: 'modified', decidedAt: '2026-07-02T15:00:00.000Z', clock: 'decided-on-time', items: [{ unitsApproved: 20, approvedFrom: '2026-07-06' }] });
    expect(decided.json().deliveries).toEqual([{ subscriptionId: expect.stringMatching(/^sub-/), httpStatus: 200, error: null }]);

    // The provider's EHR was told, with the full ClaimResponse.
    expect(hook.received).toHaveLength(1);
    const n = hook.received[0]!;
    expect(n['headers'].authorization).toBe('Bearer riverside-ehr');
    expect(n['body']).toMatchObject({ resourceType: 'Bundle', type: 'history' });
    const status = n['body'].entry[0].resource;
    expect(status.parameter.find((p: Json) => p.name === 'type').valueCode).toBe('event-notification');
    const notified = n['body'].entry[1].resource;
    expect(notified).toMatchObject({ resourceType: 'ClaimResponse', id: ptId, outcome: 'complete', preAuthRef: ptId });
    expect(reviewActions(notified)).toEqual([{ code: 'A6', reason, number: ptId, quantity: 20 }]);

    // $inquire quoting the authorization number from the 278 response shows the same decision.
    const inquiry = pasBundle({ id: 'EHR-PT-1-inquiry', memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi!, items: [{ code: '97110', from: '2026-07-06' }] }) as Json;
    inquiry['entry'][0].resource.identifier = [];
    inquiry['entry'][0].resource.insurance[0].preAuthRef = [ptId];
    const inquired = await t.app.inject({ method: 'POST', url: '/fhir/Claim/$inquire', headers: { ...auth(provider), 'content-type': 'application/fhir+json' }, payload: JSON.stringify(inquiry) });
    expect(inquired.statusCode).toBe(200);
    expect(reviewActions(inquired.json().entry[0].resource)).toEqual([{ code: 'A6', reason, number: ptId, quantity: 20 }]);
    // Both sides see one status.
    const mine = (await t.app.inject({ url: `/api/prior-auth/${ptId}`, headers: auth(provider) })).json();
    const theirs = (await t.app.inject({ url: `/api/prior-auth/${ptId}`, headers: auth(reviewer) })).json();
    expect(mine).toEqual(theirs);
    expect(mine.events.map((e: Json) => [e.action, e.actor])).toEqual([['submitted', 'riverside.billing'], ['decided', 'payer.reviewer']]);
  });

  it('(e) claims pay under the authorizations and use up their units; past them CO-198/N54, without one CO-197/M62', async () => {
    now = new Date('2026-09-05T10:00:00Z');
    let control = 700;
    const send = async (pcn: string, line: Parameters<typeof aLine>[0]) => {
      const text = write837([claim837From(aClaim({ patientControlNumber: pcn, diagnoses: [{ qualifier: 'ABK', code: 'M5416' }], lines: [aLine(line)] }), { payer: PAYER, provider: PROVIDER, member: MEMBER })],
        { kind: 'professional', senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: ++control, date: now });
      const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { ...auth(provider), 'content-type': 'application/edi-x12', accept: 'application/json' }, payload: text });
      expect(res.statusCode).toBe(200);
      const id = res.json().claims[0].claimId as string;
      return (await t.app.inject({ url: `/api/claims/${id}`, headers: auth(provider) })).json();
    };
    const contractual = (l: Json) => l.adjustments.filter((a: Json) => a.group === 'CO' && a.carc === '45').reduce((s: number, a: Json) => s + a.amountCents, 0);

    // The MRI approved at once: paid, priced and shared as any claim, and the authorization's one unit used.
    const mri = await send('PCN-MRI-1', { procedureCode: '72148', chargeCents: 150_000, serviceDateFrom: '2026-07-15', serviceDateTo: '2026-07-15' });
    expect(mri.status).toBe('paid');
    expect(mri.provenance.authorizationNumbers).toEqual([mriId]);
    const ml = mri.lines[0];
    expect(ml.allowedCents).toBeGreaterThan(0);
    expect(ml.paidCents).toBeGreaterThan(0);
    expect(ml.paidCents + ml.patientRespCents).toBe(ml.allowedCents);
    expect(ml.allowedCents + contractual(ml)).toBe(150_000);
    // A second MRI: the one authorized unit is used.
    const again = await send('PCN-MRI-2', { procedureCode: '72148', chargeCents: 150_000, serviceDateFrom: '2026-07-16', serviceDateTo: '2026-07-16' });
    expect(again.status).toBe('denied');
    expect(again.lines[0].adjustments).toMatchObject([{ group: 'CO', carc: '198', amountCents: 150_000 }]);
    expect(again.lines[0].remarks.map((r: Json) => r.code)).toEqual(['N54']);
    // Physical therapy billed under the MRI's number (837 REF*G1 on the line): that authorization does not cover it.
    const miscited = await send('PCN-PT-0', { procedureCode: '97110', units: '20', chargeCents: 200_000, serviceDateFrom: '2026-07-06', serviceDateTo: '2026-08-31', priorAuthorization: mriId });
    expect(miscited.status).toBe('denied');
    expect(miscited.lines[0].adjustments).toMatchObject([{ group: 'CO', carc: '197', amountCents: 200_000 }]);
    expect(miscited.lines[0].remarks.map((r: Json) => r.code)).toEqual(['M62']);
    // Physical therapy under the modified authorization, citing it: 20 units, as the reviewer approved.
    const pt = await send('PCN-PT-1', { procedureCode: '97110', units: '20', chargeCents: 200_000, serviceDateFrom: '2026-07-06', serviceDateTo: '2026-08-31', priorAuthorization: ptId });
    expect(pt.status).toBe('paid');
    expect(pt.provenance.authorizationNumbers).toEqual([ptId]);
    expect(pt.lines[0].paidCents + pt.lines[0].patientRespCents).toBe(pt.lines[0].allowedCents);
    // A knee replacement nobody asked for: no authorization.
    const tka = await send('PCN-TKA-1', { procedureCode: '27447', chargeCents: 300_000, serviceDateFrom: '2026-07-18', serviceDateTo: '2026-07-18' });
    expect(tka.status).toBe('denied');
    expect(tka.lines[0].adjustments).toMatchObject([{ group: 'CO', carc: '197', amountCents: 300_000 }]);
    expect(tka.lines[0].remarks.map((r: Json) => r.code)).toEqual(['M62']);

    const used = async (id: string) => (await t.app.inject({ url: `/api/prior-auth/${id}`, headers: auth(provider) })).json().items.map((i: Json) => [i.unitsApproved, i.unitsUsed]);
    expect(await used(mriId)).toEqual([[1, 1]]);
    expect(await used(ptId)).toEqual([[20, 20]]);
  });

  it('(f) the public metrics count both requests, with their decision times', async () => {
    const res = await t.app.inject('/prior-authorization/metrics.json?year=2026');
    expect(res.statusCode).toBe(200);
    const m = res.json();
    expect(m).toMatchObject({ year: 2026, years: [2026], requests: 2, extendedAndApprovedPct: 0 });
    // The MRI (standard) decided on receipt; the physical therapy (expedited) 50 hours after it.
    expect(m.standard).toEqual({ requests: 1, approved: 1, denied: 0, appealed: 0, approvedAfterAppeal: 0, approvedPct: 100, deniedPct: 0, approvedAfterAppealPct: 0, averageDecisionHours: 0, medianDecisionHours: 0 });
    expect(m.expedited).toEqual({ requests: 1, approved: 1, denied: 0, appealed: 0, approvedAfterAppeal: 0, approvedPct: 100, deniedPct: 0, approvedAfterAppealPct: 0, averageDecisionHours: 50, medianDecisionHours: 50 });
    const page = await t.app.inject('/prior-authorization/metrics?year=2026');
    expect(page.body).toContain('<th>Expedited</th><td>1</td><td>100 %</td><td>0 %</td><td>0 % (0 of 0 appealed)</td><td>50 h</td><td>50 h</td>');
  });
});
