/**
 * The public CMS-0057-F metrics over HTTP with real decision times (a moving clock), appeals and
 * an extended time frame: approved and denied count the initial determination, an appeal's
 * approval counts only in "approved after appeal", and times run to the initial determination.
 */
import { MEMBER, PROVIDER } from '@tandem/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, FIXED_NOW, type TestApp } from '../../testing/index.ts';
import { pasBundle, type PasBundleInput } from '../../testing/pas-bundle.ts';
import { demoAuthRules } from '../../use-cases/prior-auth/seed-prior-auth.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const HOUR = 3_600_000;

describe(`CMS-0057-F metrics with appeals and decision times on ${db}`, () => {
  let t: TestApp;
  let now = FIXED_NOW;
  let payer: string;
  let provider: string;
  const at = (hours: number) => (now = new Date(FIXED_NOW.getTime() + hours * HOUR));
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const submit = async (p: Omit<PasBundleInput, 'memberId' | 'requesterNpi'>): Promise<string> => {
    const res = await t.app.inject({ method: 'POST', url: '/fhir/Claim/$submit', headers: { ...auth(provider), 'content-type': 'application/fhir+json' }, payload: JSON.stringify(pasBundle({ ...p, memberId: MEMBER.memberId, requesterNpi: PROVIDER.npi! })) });
    expect(res.statusCode).toBe(200);
    return res.json().entry[0].resource.id;
  };
  const decide = async (id: string, decision: Record<string, unknown>) => {
    const res = await t.app.inject({ method: 'POST', url: `/api/prior-auth/${id}/decision`, headers: auth(payer), payload: { decisions: [{ sequence: 1, ...decision }] } });
    expect(res.statusCode).toBe(200);
    return res.json().view;
  };
  const appeal = async (id: string) => {
    const res = await t.app.inject({ method: 'POST', url: `/api/prior-auth/${id}/appeal`, headers: auth(provider), payload: { reason: 'New imaging attached showing the required findings.' } });
    expect(res.statusCode).toBe(200);
  };
  const metrics = async () => (await t.app.inject('/prior-authorization/metrics.json?year=2026')).json();
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ clock: () => now });
    [payer, provider] = await Promise.all([t.login('payer.admin'), t.login('riverside.billing')]);
    expect((await t.app.inject({ method: 'POST', url: '/api/prior-auth/rule-sets', headers: auth(payer), payload: { effectiveFrom: '2026-01-01', rules: demoAuthRules() } })).statusCode).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts initial determinations, with their times, while an appeal is pending', async () => {
    at(0);
    ids['s1'] = await submit({ id: 'S1-TKA', diagnoses: ['M17.11'], items: [{ code: '27447', from: '2026-08-01' }] });
    ids['s3'] = await submit({ id: 'S3-PT', diagnoses: ['M54.16'], items: [{ code: '97110', units: 30, from: '2026-07-06', to: '2026-09-30' }] });
    at(1);
    // Meets its criteria: approved on receipt (0 hours).
    ids['s2'] = await submit({ id: 'S2-MRI', diagnoses: ['M54.16'], answers: { 'conservative-therapy-weeks': 8 }, items: [{ code: '72148', from: '2026-07-15' }] });
    at(2);
    ids['e1'] = await submit({ id: 'E1-TKA', priority: 'stat', diagnoses: ['M17.11'], items: [{ code: '27447', from: '2026-07-05' }] });
    at(3);
    ids['e2'] = await submit({ id: 'E2-TKA', priority: 'stat', diagnoses: ['M17.12'], items: [{ code: '27447', from: '2026-07-06' }] });
    at(12);
    expect(await decide(ids['e1']!, { action: 'denied', reason: 'No weight-bearing X-rays were provided.' })).toMatchObject({ status: 'denied', clock: 'decided-on-time' });
    at(24);
    // More information for the physical therapy, and the standard time frame extended once by 14 days.
    const info = await t.app.inject({ method: 'POST', url: `/api/prior-auth/${ids['s3']}/request-info`, headers: auth(payer), payload: { message: 'Send the plan of care and progress notes.', extend: true } });
    expect(info.json().view).toMatchObject({ status: 'info-requested', extended: true, dueAt: '2026-07-21T12:00:00.000Z' });
    at(27);
    await decide(ids['e2']!, { action: 'approved' });
    at(48);
    await decide(ids['s1']!, { action: 'denied', reason: 'Radiographs do not show joint-space narrowing.' });
    at(60);
    expect(await decide(ids['s3']!, { action: 'modified', unitsApproved: 20, reason: 'The plan of care supports 20 units over the period.' })).toMatchObject({ status: 'modified', clock: 'decided-on-time' });
    at(72);
    await appeal(ids['s1']!);
    await appeal(ids['e1']!);

    const m = await metrics();
    expect(m).toMatchObject({ year: 2026, requests: 5, extendedAndApprovedPct: 20 });
    // Standard: S1 denied after 48 h (its appeal pending), S2 approved on receipt, S3 modified after 60 h (extended).
    expect(m.standard).toEqual({
      requests: 3, approved: 2, denied: 1, appealed: 1, approvedAfterAppeal: 0,
      approvedPct: 66.7, deniedPct: 33.3, approvedAfterAppealPct: 0, averageDecisionHours: 36, medianDecisionHours: 48,
    });
    // Expedited: E1 denied after 10 h (appeal pending), E2 approved after 24 h.
    expect(m.expedited).toEqual({
      requests: 2, approved: 1, denied: 1, appealed: 1, approvedAfterAppeal: 0,
      approvedPct: 50, deniedPct: 50, approvedAfterAppealPct: 0, averageDecisionHours: 17, medianDecisionHours: 17,
    });
  });

  it('counts an approval on appeal once: still denied at first, and approved after appeal; an upheld denial stays denied', async () => {
    // Within the reconsideration clocks: 72 hours for the expedited appeal, 30 days for the standard one.
    at(100);
    expect(await decide(ids['e1']!, { action: 'denied', reason: 'The new films still show no joint-space narrowing.' })).toMatchObject({ status: 'denied', appealed: true, clock: 'decided-on-time' });
    at(120);
    expect(await decide(ids['s1']!, { action: 'approved' })).toMatchObject({ status: 'approved', appealed: true, clock: 'decided-on-time' });
    const m = await metrics();
    expect(m.requests).toBe(5);
    // The appeals' decisions change neither the initial counts nor the decision times.
    expect(m.standard).toEqual({
      requests: 3, approved: 2, denied: 1, appealed: 1, approvedAfterAppeal: 1,
      approvedPct: 66.7, deniedPct: 33.3, approvedAfterAppealPct: 33.3, averageDecisionHours: 36, medianDecisionHours: 48,
    });
    expect(m.standard.approvedPct + m.standard.deniedPct).toBe(100);
    expect(m.expedited).toMatchObject({ requests: 2, approvedPct: 50, deniedPct: 50, appealed: 1, approvedAfterAppeal: 0, approvedAfterAppealPct: 0, averageDecisionHours: 17 });
    const page = (await t.app.inject('/prior-authorization/metrics?year=2026')).body;
    expect(page).toContain('<th>Standard</th><td>3</td><td>66.7 %</td><td>33.3 %</td><td>33.3 % (1 of 1 appealed)</td><td>36 h</td><td>48 h</td>');
  });
});
