import { aClaim, aLine, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { read835, read999, write837, type Claim837 } from '@tandem/x12';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from './exchange/claim-to-837.ts';
import { createTestApp, MEMBER_2, PROVIDER_2, type TestApp } from './testing/index.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

function file837(claims: Claim837[], control = 1): string {
  return write837(claims, { kind: 'professional', senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: control, date: new Date('2026-06-01T10:00:00Z') });
}

const riversideClaim = (pcn: string, lines = [aLine(), aLine({ lineNumber: 2, procedureCode: '80053', chargeCents: 5_000 })]) =>
  claim837From(aClaim({ patientControlNumber: pcn, lines }), { payer: PAYER, provider: PROVIDER, member: MEMBER });

describe(`HTTP API on ${db}`, () => {
  let t: TestApp;
  let payer: string;
  let riverside: string;
  let lakeside: string;
  beforeAll(async () => {
    t = await createTestApp();
    [payer, riverside, lakeside] = await Promise.all([t.login('payer.admin'), t.login('riverside.billing'), t.login('lakeside.billing')]);
  });
  afterAll(async () => t?.close());
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  it('serves health, metadata and OpenAPI without a token, and nothing else', async () => {
    expect((await t.app.inject('/health')).json()).toMatchObject({ status: 'ok' });
    const meta = await t.app.inject('/fhir/metadata');
    expect(meta.json()).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
    expect((await t.app.inject('/openapi.json')).json()).toHaveProperty('openapi');
    const denied = await t.app.inject('/api/claims');
    expect(denied.statusCode).toBe(401);
    expect(denied.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login' }] });
    expect((await t.app.inject({ url: '/fhir/Patient', headers: { authorization: 'Bearer forged.token.value' } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'payer.admin', password: 'wrong' } })).statusCode).toBe(401);
  });

  it('accepts an 837P over POST /x12, answers a 999 and adjudicates the claim', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { ...auth(riverside), 'content-type': 'application/edi-x12' }, payload: file837([riversideClaim('RMG-1001')]) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/edi-x12');
    expect(res.headers['x-tandem-accepted']).toBe('true');
    const ack = read999(res.body);
    expect(ack.groups[0]!.ak9).toBe('A');
    const list = (await t.app.inject({ url: '/api/claims', headers: auth(riverside) })).json() as { total: number; items: Array<{ id: string; patientControlNumber: string; status: string; paidCents: number }> };
    expect(list.total).toBe(1);
    const claim = list.items[0]!;
    expect(claim).toMatchObject({ patientControlNumber: 'RMG-1001', status: 'paid' });
    const detail = (await t.app.inject({ url: `/api/claims/${claim.id}`, headers: auth(riverside) })).json() as { lines: Array<{ adjustments: Array<{ group: string; carc: string }> }>; billedCents: number; paidCents: number; patientRespCents: number; allowedCents: number };
    expect(detail.lines).toHaveLength(2);
    expect(detail.lines[0]!.adjustments.map((a) => `${a.group}-${a.carc}`)).toEqual(['CO-45', 'PR-3']);
    expect(detail.allowedCents).toBe(detail.paidCents + detail.patientRespCents);
  });

  it('never pays a resubmitted claim twice', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { ...auth(riverside), 'content-type': 'application/edi-x12', accept: 'application/json' }, payload: file837([riversideClaim('RMG-1001')], 2) });
    const body = res.json() as { accepted: boolean; claims: Array<{ status: string; paidCents: number; duplicateOf: string | null }> };
    expect(body.accepted).toBe(true);
    expect(body.claims[0]).toMatchObject({ status: 'duplicate', paidCents: 0 });
    expect(body.claims[0]!.duplicateOf).not.toBeNull();
    const paid = await t.deps.store.db.selectFrom('claim').select((eb) => eb.fn.sum<number>('paid_cents').as('p')).where('patient_control_number', '=', 'RMG-1001').executeTakeFirst();
    const first = (await t.app.inject({ url: '/api/claims?status=paid', headers: auth(riverside) })).json() as { items: Array<{ paidCents: number }> };
    expect(Number(paid?.p)).toBe(first.items[0]!.paidCents);
  });

  it('pays a claim once when the same file arrives twice at the same moment', async () => {
    const text = file837([riversideClaim('RMG-RACE', [aLine({ procedureCode: '99214', chargeCents: 30_000 })])], 9);
    const send = () => t.app.inject({ method: 'POST', url: '/x12', headers: { ...auth(riverside), 'content-type': 'application/edi-x12', accept: 'application/json' }, payload: text });
    const [a, b] = await Promise.all([send(), send()]);
    const statuses = [a, b].map((r) => (r.json() as { claims: Array<{ status: string }> }).claims[0]!.status).sort();
    expect(statuses).toEqual(['duplicate', 'paid']);
    const rows = await t.deps.store.db.selectFrom('claim').select(['status', 'paid_cents']).where('patient_control_number', '=', 'RMG-RACE').execute();
    expect(rows.filter((r) => r.paid_cents > 0)).toHaveLength(1);
  });

  it('denies claims outside coverage and for unknown members with the right CARC', async () => {
    const outside = claim837From(aClaim({ patientControlNumber: 'RMG-2001', memberId: MEMBER_2.memberId, lines: [aLine({ serviceDateFrom: '2026-05-01', serviceDateTo: '2026-05-01' })] }), { payer: PAYER, provider: PROVIDER, member: MEMBER_2 });
    const stranger = claim837From(aClaim({ patientControlNumber: 'RMG-2002', memberId: 'NOBODY99' }), { payer: PAYER, provider: PROVIDER, member: { ...MEMBER, memberId: 'NOBODY99' } });
    const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { ...auth(riverside), 'content-type': 'application/edi-x12', accept: 'application/json' }, payload: file837([outside, stranger], 3) });
    const claims = (res.json() as { claims: Array<{ claimId: string; status: string }> }).claims;
    expect(claims.map((c) => c.status)).toEqual(['denied', 'denied']);
    const d1 = (await t.app.inject({ url: `/api/claims/${claims[0]!.claimId}`, headers: auth(payer) })).json() as { lines: Array<{ adjustments: Array<{ carc: string }> }> };
    const d2 = (await t.app.inject({ url: `/api/claims/${claims[1]!.claimId}`, headers: auth(payer) })).json() as { lines: Array<{ adjustments: Array<{ carc: string }> }> };
    expect(d1.lines[0]!.adjustments[0]!.carc).toBe('27');
    expect(d2.lines[0]!.adjustments[0]!.carc).toBe('31');
  });

  it('rejects a malformed 837 with a 999 naming segment and element, storing nothing', async () => {
    const before = await t.deps.store.db.selectFrom('claim').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const bad = file837([riversideClaim('RMG-3001')], 4).replace('DTP*472*D8*20260302', 'DTP*472*D8*20261302');
    const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { ...auth(riverside), 'content-type': 'application/edi-x12' }, payload: bad });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-tandem-accepted']).toBe('false');
    const ack = read999(res.body);
    expect(ack.groups[0]!.ak9).toBe('R');
    const err = ack.groups[0]!.sets[0]!.errors[0]!;
    expect(err).toMatchObject({ segmentId: 'DTP', loop: '2400', elementPosition: 3, ik403: '8' });
    const after = await t.deps.store.db.selectFrom('claim').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    expect(Number(after?.n)).toBe(Number(before?.n));
    const garbage = await t.app.inject({ method: 'POST', url: '/x12', headers: { ...auth(riverside), 'content-type': 'application/edi-x12' }, payload: 'this is not x12' });
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json()).toMatchObject({ resourceType: 'OperationOutcome' });
  });

  it('keeps providers to their own claims and patients', async () => {
    const mine = (await t.app.inject({ url: '/api/claims', headers: auth(riverside) })).json() as { items: Array<{ id: string }> };
    const theirs = (await t.app.inject({ url: '/api/claims', headers: auth(lakeside) })).json() as { total: number };
    expect(mine.items.length).toBeGreaterThan(0);
    expect(theirs.total).toBe(0);
    expect((await t.app.inject({ url: `/api/claims/${mine.items[0]!.id}`, headers: auth(lakeside) })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/fhir/Patient/${MEMBER.key}`, headers: auth(lakeside) })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/fhir/ExplanationOfBenefit?patient=Patient/${MEMBER.key}`, headers: auth(lakeside) })).json()).toMatchObject({ total: 0 });
    expect((await t.app.inject({ url: `/fhir/Patient/${MEMBER.key}`, headers: auth(riverside) })).statusCode).toBe(200);
    // A provider cannot submit claims billed by another provider.
    const forged = claim837From(aClaim({ patientControlNumber: 'LAK-1', billingNpi: PROVIDER.npi }), { payer: PAYER, provider: PROVIDER, member: MEMBER });
    expect((await t.app.inject({ method: 'POST', url: '/x12', headers: { ...auth(lakeside), 'content-type': 'application/edi-x12' }, payload: file837([forged], 5) })).statusCode).toBe(403);
    void PROVIDER_2;
  });

  it('serves FHIR Patient, Coverage and CARIN-shaped ExplanationOfBenefit to the payer', async () => {
    const bundle = (await t.app.inject({ url: `/fhir/Patient?identifier=${MEMBER.memberId}`, headers: auth(payer) })).json() as { total: number; entry: Array<{ resource: { id: string; birthDate: string } }> };
    expect(bundle.total).toBe(1);
    expect(bundle.entry[0]!.resource).toMatchObject({ id: MEMBER.key, birthDate: MEMBER.dateOfBirth });
    const cov = (await t.app.inject({ url: `/fhir/Coverage?patient=Patient/${MEMBER.key}`, headers: auth(payer) })).json() as { entry: Array<{ resource: { beneficiary: { reference: string } } }> };
    expect(cov.entry[0]!.resource.beneficiary.reference).toBe(`Patient/${MEMBER.key}`);
    const eobs = (await t.app.inject({ url: `/fhir/ExplanationOfBenefit?patient=${MEMBER.key}`, headers: auth(payer) })).json() as { total: number; entry: Array<{ resource: { resourceType: string; item: unknown[]; total: unknown[] } }> };
    expect(eobs.total).toBeGreaterThanOrEqual(2);
    expect(eobs.entry[0]!.resource.resourceType).toBe('ExplanationOfBenefit');
    const bad = await t.app.inject({ url: '/fhir/Patient?foo=bar', headers: auth(payer) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid' }] });
    expect((await t.app.inject({ url: '/fhir/Questionnaire', headers: auth(payer) })).statusCode).toBe(404);
  });

  it('pays out through balanced 835s whose CLP01 echo CLM01, once', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/remittances', headers: auth(riverside) })).statusCode).toBe(403);
    const run = (await t.app.inject({ method: 'POST', url: '/api/remittances', headers: auth(payer) })).json() as { remittances: Array<{ id: string; claimCount: number }> };
    expect(run.remittances.length).toBeGreaterThan(0);
    const x12 = (await t.app.inject({ url: `/api/remittances/${run.remittances[0]!.id}/835`, headers: auth(riverside) })).body;
    const parsed = read835(x12);
    expect(parsed.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const remit = parsed.remits[0]!;
    expect(remit.claims.map((c) => c.patientControlNumber).sort()).toEqual(['RMG-1001', 'RMG-1001', 'RMG-2001', 'RMG-2002', 'RMG-RACE', 'RMG-RACE']);
    expect(remit.totalPaidCents).toBe(remit.claims.reduce((s, c) => s + c.paidCents, 0));
    for (const c of remit.claims) {
      const lineAdj = c.lines.flatMap((l) => l.adjustments).reduce((s, a) => s + a.amountCents, 0);
      expect(c.chargeCents - lineAdj).toBe(c.paidCents);
      for (const l of c.lines) expect(l.chargeCents - l.adjustments.reduce((s, a) => s + a.amountCents, 0)).toBe(l.paidCents);
    }
    const again = (await t.app.inject({ method: 'POST', url: '/api/remittances', headers: auth(payer) })).json() as { remittances: unknown[] };
    expect(again.remittances).toEqual([]);
    expect((await t.app.inject({ url: `/api/remittances/${run.remittances[0]!.id}/835`, headers: auth(lakeside) })).statusCode).toBe(404);
  });

  it('writes an audit record for every read and write of member data', async () => {
    const before = await t.deps.store.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    await t.app.inject({ url: `/fhir/Patient/${MEMBER.key}`, headers: auth(payer) });
    const rows = await t.deps.store.db.selectFrom('audit_event').selectAll().orderBy('id', 'desc').limit(1).execute();
    expect(rows[0]).toMatchObject({ actor: 'payer.admin', action: 'read', resource_type: 'Patient', purpose: 'payment', member_keys: [MEMBER.key] });
    const after = await t.deps.store.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    expect(Number(after?.n)).toBe(Number(before?.n) + 1);
    const creates = await t.deps.store.db.selectFrom('audit_event').select(['resource_type', 'member_keys']).where('action', '=', 'create').execute();
    expect(creates.map((c) => c.resource_type)).toEqual(expect.arrayContaining(['Claim', 'Remittance']));
    // An 835 names its claims' patients: making it and reading it name them in the trail.
    const remitted = await t.deps.store.db.selectFrom('audit_event').select(['action', 'member_keys']).where('resource_type', '=', 'Remittance').where('outcome', '=', 'success').execute();
    expect(remitted.map((r) => r.action)).toEqual(expect.arrayContaining(['create', 'read']));
    for (const r of remitted) expect((r.member_keys as string[]).length, r.action).toBeGreaterThan(0);
  });
});
