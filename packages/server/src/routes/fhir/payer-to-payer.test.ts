/**
 * Payer-to-Payer end to end, as another payer would try it: its system registers, gets a SMART
 * Backend Services token, sends the PDex example $bulk-member-match request (plus members built
 * from the example answer), exports its matched Group with exportType payertopayer, and the files
 * are imported into a second Tandem store for the member, then read back through Patient Access.
 */
import { aClaim, aLine, MEMBER, PAYER, PLAN, PROVIDER } from '@tandem/core/testing';
import type { Member } from '@tandem/core';
import { insertMembers, insertOrganizations, listImportedResources } from '@tandem/store';
import { write837 } from '@tandem/x12';
import { exportJWK, generateKeyPair } from 'jose';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from '../../exchange/claim-to-837.ts';
import { backendToken, bulkExport, createTestApp, MEMBER_2, type BulkResult, type TestApp } from '../../testing/index.ts';
import { systemContext } from '../../use-cases/seed-demo.ts';
import { importPayerExport } from '../../use-cases/import-payer-export.ts';
import { fetchFromPriorPayer } from '../../use-cases/fetch-from-prior-payer.ts';
import { pasBundle } from '../../testing/pas-bundle.ts';
import { demoAuthRules } from '../../use-cases/prior-auth/seed-prior-auth.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
type R = Record<string, unknown>;
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../test-fixtures/pdex/${name}`, import.meta.url), 'utf8')) as R;
const IN = fixture('Parameters-payer-multi-member-match-in.json');
const OUT = fixture('Parameters-payer-multi-member-match-out.json');
const CONSENT_PERMIT_PROVIDER = fixture('Consent-consent-permit-1.json');
const CONSENT_DENY = fixture('Consent-no-consent-1.json');
const EXAMPLE_GROUPS = {
  match: fixture('Group-07e72a15407547bf9d03f522aa536a72.1.json'),
  nomatch: fixture('Group-example-pdex-member-no-match-group.json'),
  consentconstraint: fixture('Group-example-pdex-member-consent-constraint-group.json'),
};

type Part = { name: string; resource: R };
const exampleParts = ((IN['parameter'] as Array<{ part: Part[] }>)[0]!).part;
const partOf = (name: string) => structuredClone(exampleParts.find((p) => p.name === name)!.resource);
/** The example's HRex Consent, with its period moved over the test's "today" (2026-06-30). */
const consentNow = () => { const c = partOf('Consent'); (c['provision'] as R)['period'] = { start: '2026-01-01', end: '2027-12-31' }; return c; };
const outPatient = (id: string) => {
  for (const g of OUT['parameter'] as Array<{ resource: { contained: R[] } }>) for (const c of g.resource.contained) if (c['id'] === id) return structuredClone(c);
  throw new Error(`no contained Patient ${id}`);
};
const memberBundle = (patient: R, consent: R, subscriberId?: string) => ({
  name: 'MemberBundle',
  part: [
    { name: 'MemberPatient', resource: patient },
    { name: 'CoverageToMatch', resource: { ...partOf('CoverageToMatch'), ...(subscriberId ? { subscriberId } : {}) } },
    { name: 'Consent', resource: consent },
  ],
});

// Our members, built from the example answer: Patient/1001 and Patient/2002 match (as in the
// example), Janis Noway is on file but sends a denying Consent, Adam Jones is not on file.
const person = (key: string, p: R, memberId: string): Member => {
  const n = (p['name'] as Array<{ family: string; given: string[] }>)[0]!;
  return { key, payerOrgId: PAYER.id, memberId, subscriberKey: key, relationship: 'self', firstName: n.given[0]!, lastName: n.family, dateOfBirth: p['birthDate'] as string, gender: p['gender'] === 'male' ? 'M' : 'F' };
};
const PATRICIA = person('1001', partOf('MemberPatient'), '1234564321');
const WILLIAM = person('2002', outPatient('2'), 'WS0002');
const JANIS = person('3003', outPatient('4'), 'JN0003');

describe(`Payer-to-Payer on ${db}: $bulk-member-match, payertopayer export, import at the new payer`, () => {
  let a: TestApp; // the old payer (Tandem Health Plan)
  let b: TestApp; // the new payer's own Tandem
  let base: string;
  let admin: string;
  let newPayer: string;
  let thirdPayer: string;
  let match: BulkResult;
  let matchedId: string;
  let firstExport: BulkResult;
  const dirs: string[] = [];

  const optIn = async (key: string, on: boolean) => {
    const r = await fetch(`${base}/api/members/${key}/access-choices`, { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ providerAccessOptOut: false, payerToPayerOptIn: on }) });
    expect(r.status).toBe(200);
  };
  const exportBody = { resourceType: 'Parameters', parameter: [{ name: 'exportType', valueCanonical: 'hl7.fhir.us.davinci-pdex#payertopayer' }] };

  beforeAll(async () => {
    a = await createTestApp();
    base = (await a.app.listen({ port: 0, host: '127.0.0.1' })).replace('0.0.0.0', '127.0.0.1');
    admin = await a.login('payer.admin');
    await insertOrganizations(a.deps.store.db, [
      { id: 'org-new-payer', kind: 'payer', name: 'New Health Plan', tin: '990000009', npi: '0123456789' as never, providerType: null, payerCode: 'NEWHP' },
      { id: 'org-third-payer', kind: 'payer', name: 'Third Health Plan', tin: '990000010', npi: null, providerType: null, payerCode: 'THIRD' },
    ]);
    await insertMembers(a.deps.store.db, [PATRICIA, WILLIAM, JANIS], [
      { id: 'cov-1001', memberKey: '1001', subscriberKey: '1001', planId: PLAN.id, effectiveFrom: '2021-01-01', effectiveTo: '2026-12-31' },
      { id: 'cov-2002', memberKey: '2002', subscriberKey: '2002', planId: PLAN.id, effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31' },
      { id: 'cov-3003', memberKey: '3003', subscriberKey: '3003', planId: PLAN.id, effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31' },
    ]);
    // Claims through the real path: Patricia's on both sides of the five-year line (2021-06-30 for a request on 2026-06-30).
    const riverside = await a.login('riverside.billing');
    const claims: Array<[string, Member, string]> = [['P-OLD', PATRICIA, '2021-06-29'], ['P-EDGE', PATRICIA, '2021-06-30'], ['P-NEW', PATRICIA, '2026-03-02'], ['W-1', WILLIAM, '2026-03-02'], ['A-1', MEMBER, '2026-03-02'], ['J-1', JANIS, '2026-03-02']];
    const x12 = write837(claims.map(([pcn, m, dos]) => claim837From(aClaim({ patientControlNumber: pcn, memberId: m.memberId, patientFirstName: m.firstName, patientLastName: m.lastName, patientDateOfBirth: m.dateOfBirth, lines: [aLine({ serviceDateFrom: dos, serviceDateTo: dos })] }), { payer: PAYER, provider: PROVIDER, member: m })), { kind: 'professional', senderId: 'S', receiverId: 'TANDEM', interchangeControlNumber: 61, date: new Date('2026-06-01T10:00:00Z') });
    const sent = await fetch(`${base}/x12`, { method: 'POST', headers: { authorization: `Bearer ${riverside}`, 'content-type': 'application/edi-x12' }, body: x12 });
    expect(sent.headers.get('x-tandem-accepted')).toBe('true');
    for (const k of ['1001', '2002', '3003', MEMBER_2.key]) await optIn(k, true);
    // Two prior authorizations for Patricia: one approved by rule, one denied by the reviewer (never exchanged).
    const json = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
    expect((await fetch(`${base}/api/prior-auth/rule-sets`, { method: 'POST', headers: json, body: JSON.stringify({ effectiveFrom: '2026-01-01', rules: demoAuthRules() }) })).status).toBe(201);
    const pa = async (id: string, code: string, extra: Partial<Parameters<typeof pasBundle>[0]>) => {
      const r = await fetch(`${base}/fhir/Claim/$submit`, { method: 'POST', headers: { authorization: `Bearer ${riverside}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(pasBundle({ id, memberId: PATRICIA.memberId, requesterNpi: PROVIDER.npi!, items: [{ code, from: '2026-07-01' }], ...extra })) });
      const body = (await r.json()) as { entry: Array<{ resource: { id: string } }> };
      expect(r.status).toBe(200);
      return body.entry[0]!.resource.id;
    };
    await pa('P2P-MRI', '72148', { diagnoses: ['M54.16'], answers: { 'conservative-therapy-weeks': 8 } });
    const denied = await pa('P2P-TKA', '27447', { diagnoses: ['M17.11'] });
    const decided = await fetch(`${base}/api/prior-auth/${denied}/decision`, { method: 'POST', headers: json, body: JSON.stringify({ decisions: [{ sequence: 1, action: 'denied', reason: 'No weight-bearing X-rays showing joint-space narrowing were provided.' }] }) });
    expect(decided.status).toBe(200);
    newPayer = await backendToken(a.app, { registrar: admin, orgId: 'org-new-payer' });
    thirdPayer = await backendToken(a.app, { registrar: admin, orgId: 'org-third-payer' });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('answers the matched, non-matched and consent-constrained Groups asynchronously, shaped like the IG examples', async () => {
    const body = {
      resourceType: 'Parameters',
      parameter: [
        // The IG's own MemberBundle (with its CoverageToLink), its Consent moved into its period.
        { name: 'MemberBundle', part: exampleParts.map((p) => (p.name === 'Consent' ? { ...p, resource: consentNow() } : p)) },
        memberBundle(outPatient('2'), consentNow(), 'WS0002'),
        memberBundle(outPatient('3'), consentNow()), // not on file
        memberBundle(outPatient('4'), CONSENT_DENY, 'JN0003'), // a denying Consent
        memberBundle({ resourceType: 'Patient', id: 'ada', name: [{ family: MEMBER.lastName, given: [MEMBER.firstName] }], birthDate: MEMBER.dateOfBirth, gender: 'female' }, consentNow(), MEMBER.memberId), // never opted in
        memberBundle({ resourceType: 'Patient', id: 'grace', name: [{ family: MEMBER_2.lastName, given: [MEMBER_2.firstName] }], birthDate: MEMBER_2.dateOfBirth, gender: 'female' }, CONSENT_PERMIT_PROVIDER, MEMBER_2.memberId), // a Provider Access consent, not an HRex one
      ],
    };
    match = await bulkExport(`${base}/fhir/Group/$bulk-member-match`, newPayer, { body, keep: true });
    expect(match.manifest.output.map((o) => o.type)).toEqual(['Group', 'Parameters']);
    const groups = match.resources.get('Group')!;
    const byCode = (code: string) => groups.find((g) => (g['code'] as { coding: Array<{ code: string }> }).coding[0]!.code === code)!;
    const [matched, nomatch, constrained] = [byCode('match'), byCode('nomatch'), byCode('consentconstraint')];
    matchedId = matched['id'] as string;
    // The matched Group names our Patients exactly as the example answer does: Patient/1001 and Patient/2002.
    const refs = (g: R) => (g['member'] as Array<{ entity: { reference: string } }>).map((m) => m.entity.reference);
    expect(refs(matched)).toEqual(refs(EXAMPLE_GROUPS.match));
    expect(matched['code']).toEqual(EXAMPLE_GROUPS.match['code']);
    expect((matched['meta'] as { profile: string[] }).profile).toEqual((EXAMPLE_GROUPS.match['meta'] as { profile: string[] }).profile);
    expect(matched['identifier']).toEqual(EXAMPLE_GROUPS.match['identifier']); // the requesting payer's NPI
    expect((matched['characteristic'] as R[])[0]).toMatchObject({ code: EXAMPLE_GROUPS.match['code'], exclude: false, valueReference: { identifier: { value: '0123456789' } }, period: { start: '2026-06-30' } });
    // The submitted Patients come back contained, unchanged (§pdex-150/151).
    const contained = (g: R, id: string) => (g['contained'] as R[]).find((c) => c['resourceType'] === 'Patient' && c['id'] === id);
    expect(contained(matched, 'patient-1')).toEqual(partOf('MemberPatient'));
    expect(contained(matched, '2')).toEqual(outPatient('2'));
    // Adam Jones is not on file: the non-matched Group is the example's, member for member.
    expect(refs(nomatch)).toEqual(refs(EXAMPLE_GROUPS.nomatch));
    expect(contained(nomatch, '3')).toEqual((EXAMPLE_GROUPS.nomatch['contained'] as R[])[0]);
    expect(nomatch['code']).toEqual(EXAMPLE_GROUPS.nomatch['code']);
    // Janis Noway (deny), Ada (no opt-in), Grace (not an HRex Consent): consent-constrained, no reason in the Group.
    expect(refs(constrained)).toEqual(['#4', '#ada', '#grace']);
    expect(contained(constrained, '4')).toEqual((EXAMPLE_GROUPS.consentconstraint['contained'] as R[])[0]);
    expect(constrained['code']).toEqual(EXAMPLE_GROUPS.consentconstraint['code']);
    expect(JSON.stringify(constrained)).not.toMatch(/opted|expired|policy/);
    // The STU 2.1 envelope wraps the same Groups under the example's parameter names.
    const params = match.resources.get('Parameters')![0]!;
    expect((params['parameter'] as Part[]).map((p) => p.name)).toEqual((OUT['parameter'] as Part[]).map((p) => p.name));
    // Every member decision is audited with the requester's purpose; the reasons stay in the audit.
    const audit = await a.deps.store.db.selectFrom('audit_event').select(['member_keys', 'purpose', 'outcome', 'detail', 'org_id']).where('resource_id', '=', '$bulk-member-match').where('resource_type', '=', 'Patient').orderBy('id').execute();
    expect(audit.map((x) => [(x.detail as { outcome: string }).outcome, x.member_keys, x.purpose, x.org_id])).toEqual([
      ['matched', ['1001'], 'payment', 'org-new-payer'], ['matched', ['2002'], 'payment', 'org-new-payer'], ['no-match', [], 'payment', 'org-new-payer'],
      ['consent-constrained', ['3003'], 'payment', 'org-new-payer'], ['consent-constrained', [MEMBER.key], 'payment', 'org-new-payer'], ['consent-constrained', [MEMBER_2.key], 'payment', 'org-new-payer'],
    ]);
    expect((audit[4]!.detail as { reason: string }).reason).toMatch(/not opted in/);
  });

  it('answers the IG example request as published consent-constrained (its Consent ended in 2024), and refuses malformed requests', async () => {
    const r = await bulkExport(`${base}/fhir/Group/$bulk-member-match`, newPayer, { body: IN });
    const codes = r.resources.get('Group')!.map((g) => [(g['code'] as { coding: Array<{ code: string }> }).coding[0]!.code, (g['member'] as unknown[]).length]);
    expect(codes).toEqual([['match', 0], ['consentconstraint', 1]]);
    const kick = (body: unknown, token = newPayer, prefer = 'respond-async') => fetch(`${base}/fhir/Group/$bulk-member-match`, { method: 'POST', headers: { authorization: `Bearer ${token}`, prefer, 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
    const noAsync = await kick(IN, newPayer, '');
    expect(noAsync.status).toBe(400);
    const broken = await kick({ resourceType: 'Parameters', parameter: [memberBundle(outPatient('2'), consentNow()), { name: 'MemberBundle', part: [{ name: 'MemberPatient', resource: outPatient('3') }] }] });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { issue: Array<{ diagnostics: string }> }).issue[0]!.diagnostics).toMatch(/MemberBundle\[1\]: the parameter CoverageToMatch/);
    const riverside = await a.login('riverside.billing');
    expect((await kick(IN, riverside)).status).toBe(403);
  });

  it('exports the matched Group to the payer that made the match only: five years, Basis EOBs without amounts', async () => {
    firstExport = await bulkExport(`${base}/fhir/Group/${matchedId}/$davinci-data-export`, newPayer, { body: exportBody, keep: true });
    const patients = firstExport.resources.get('Patient')!;
    expect(patients.map((p) => p['id'])).toEqual(['1001', '2002']);
    const all = firstExport.resources.get('ExplanationOfBenefit')!;
    const eobs = all.filter((e) => e['use'] === 'claim');
    const pcn = (e: R) => (e['identifier'] as Array<{ system: string; value: string }>).find((i) => i.system.endsWith('patient-control-number'))?.value;
    // 2021-06-29 is more than five years before the request; 2021-06-30 is not. Ada and Janis never appear.
    expect(eobs.map(pcn).sort()).toEqual(['P-EDGE', 'P-NEW', 'W-1']);
    // Prior authorizations go along as PDex EOBs, except the denied one.
    const auths = all.filter((e) => e['use'] === 'preauthorization');
    expect(auths).toHaveLength(1);
    expect(JSON.stringify(auths[0])).toContain('72148');
    expect(JSON.stringify(auths)).not.toContain('27447');
    for (const e of eobs) {
      expect(e).not.toHaveProperty('payment');
      expect(e).not.toHaveProperty('total');
      // No Money anywhere (amounts, payment, cost sharing), no payee (remittance).
      expect(JSON.stringify(e)).not.toMatch(/"amount"|"currency"|"payee"/);
      expect(String((e['meta'] as { profile: string[] }).profile[0])).toMatch(/-Basis$/);
    }
    expect(JSON.stringify([...firstExport.resources.values()])).not.toMatch(new RegExp(`${MEMBER.key}|3003|${MEMBER_2.key}`));
    const audit = await a.deps.store.db.selectFrom('audit_event').select(['member_keys', 'purpose']).where('action', '=', 'export').where('resource_type', '=', 'Group').where('resource_id', '=', matchedId).execute();
    expect(audit).toEqual([{ member_keys: ['1001', '2002'], purpose: 'payment' }]);
  });

  it('lets no one else see the Group, start its export or download it', async () => {
    const get = (url: string, token: string) => fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect((await get(`${base}/fhir/Group/${matchedId}`, newPayer)).status).toBe(200);
    expect((await get(`${base}/fhir/Group/${matchedId}`, thirdPayer)).status).toBe(404);
    const search = (await (await get(`${base}/fhir/Group`, thirdPayer)).json()) as { total: number };
    expect(search.total).toBe(0);
    // The requester lists the Groups of its own two requests (3 + 2), and no provider roster.
    const own = (await (await get(`${base}/fhir/Group`, newPayer)).json()) as { total: number; entry: Array<{ resource: R }> };
    expect(own.total).toBe(5);
    expect(own.entry.every((e) => String(e.resource['id']).startsWith('p2p-'))).toBe(true);
    // PDex §pdex-157: by characteristic and by the requester's identifier.
    const byCharacteristic = (await (await get(`${base}/fhir/Group?characteristic=match`, newPayer)).json()) as { total: number; entry: Array<{ resource: R }> };
    expect(byCharacteristic.total).toBe(2);
    expect(byCharacteristic.entry.map((e) => e.resource['id'])).toContain(matchedId);
    expect(((await (await get(`${base}/fhir/Group?identifier=${encodeURIComponent('http://hl7.org/fhir/sid/us-npi|0123456789')}`, newPayer)).json()) as { total: number }).total).toBe(5);
    expect(((await (await get(`${base}/fhir/Group?identifier=9999999999`, newPayer)).json()) as { total: number }).total).toBe(0);
    // …and by code (every Group: match, nomatch, consentconstraint) and by the requester named in the match characteristic:
    // a logical reference (the requester's NPI), found by the Organization that has that NPI or by the identifier itself.
    const count = async (query: string, token = newPayer) => ((await (await get(`${base}/fhir/Group?${query}`, token)).json()) as { total: number }).total;
    expect(await count('code=match')).toBe(2);
    expect((await count('code=nomatch')) + (await count('code=consentconstraint'))).toBe(3);
    expect(await count('code=match,nomatch,consentconstraint')).toBe(5);
    expect(await count('code=match&code=nomatch')).toBe(0);
    expect(await count('characteristic-value-reference=Organization/org-new-payer')).toBe(2);
    expect(await count(`characteristic-value-reference:identifier=${encodeURIComponent('http://hl7.org/fhir/sid/us-npi|0123456789')}`)).toBe(2);
    expect(await count('characteristic-value-reference=Organization/org-third-payer')).toBe(0);
    expect(await count('code=match', thirdPayer)).toBe(0);
    const byRequester = (await (await get(`${base}/fhir/Group?code=match&characteristic-value-reference=Organization/org-new-payer`, newPayer)).json()) as { entry: Array<{ resource: R }> };
    expect(byRequester.entry.map((e) => e.resource['id'])).toContain(matchedId);
    expect(byRequester.entry.every((e) => Array.isArray(e.resource['member']))).toBe(true);
    const kick = (token: string, body: unknown = exportBody) => fetch(`${base}/fhir/Group/${matchedId}/$davinci-data-export`, { method: 'POST', headers: { authorization: `Bearer ${token}`, prefer: 'respond-async', 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
    expect((await kick(thirdPayer)).status).toBe(404);
    expect((await kick(admin)).status).toBe(404); // not even the old payer's own staff: the Group is the requester's
    expect((await kick(await a.login('riverside.billing'))).status).toBe(403);
    // The match Group is not a provider roster, and a roster is not a match Group.
    expect((await kick(newPayer, { resourceType: 'Parameters', parameter: [{ name: 'exportType', valueString: 'hl7.fhir.us.davinci-pdex#provider-download' }] })).status).toBe(404);
    expect((await fetch(`${base}/fhir/Group/ct-1/$davinci-data-export`, { method: 'POST', headers: { authorization: `Bearer ${newPayer}`, prefer: 'respond-async', 'content-type': 'application/fhir+json' }, body: JSON.stringify(exportBody) })).status).toBe(404);
    expect((await get(firstExport.statusUrl, thirdPayer)).status).toBe(404);
    for (const o of firstExport.manifest.output) expect((await get(o.url, thirdPayer)).status).toBe(404);
    expect((await get(match.statusUrl, thirdPayer)).status).toBe(404);
  });

  it('checks the opt-in again at export: a member who withdrew it is not exported', async () => {
    await optIn('2002', false);
    const r = await bulkExport(`${base}/fhir/Group/${matchedId}/$davinci-data-export`, newPayer, { body: exportBody });
    expect(r.resources.get('Patient')!.map((p) => p['id'])).toEqual(['1001']);
    expect(JSON.stringify([...r.resources.values()])).not.toContain('2002');
    await optIn('2002', true);
  });

  it("imports the export into the new payer's store for its member, all or nothing, and shows it through Patient Access", async () => {
    b = await createTestApp();
    await insertMembers(b.deps.store.db, [{ ...PATRICIA, key: 'nb-1', memberId: 'NB000001' }], [{ id: 'cov-nb-1', memberKey: 'nb-1', subscriberKey: 'nb-1', planId: PLAN.id, effectiveFrom: '2026-07-01', effectiveTo: '2026-12-31' }]);
    const dir = mkdtempSync(join(tmpdir(), 'p2p-'));
    dirs.push(dir);
    for (const [type, resources] of firstExport.resources) writeFileSync(join(dir, `${type}.ndjson`), resources.map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(firstExport.manifest));
    const ctx = systemContext(PAYER.id);
    const req = { dir, memberKey: 'nb-1', fromPayer: 'Old Health Plan' };
    const stored = async () => Number((await b.deps.store.db.selectFrom('imported_resource').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    // Two patients in the export: which one is ours must be said.
    await expect(importPayerExport(b.deps, ctx, req)).rejects.toThrow(/holds 2 patients \(1001, 2002\); name this member's with --source-patient/);
    // The wrong one is refused by birth date.
    const wrong = await importPayerExport(b.deps, ctx, { ...req, sourcePatient: '2002' });
    expect(wrong).toMatchObject({ ok: false, problems: [{ file: 'Patient.ndjson', line: 2, problem: expect.stringMatching(/born 1958-12-25, member nb-1 on 1974-12-25/) }] });
    // A broken line: named by file and line, nothing stored.
    const eobFile = join(dir, 'ExplanationOfBenefit.ndjson');
    const good = readFileSync(eobFile, 'utf8');
    const lines = good.split('\n');
    writeFileSync(eobFile, [lines[0], lines[1]!.slice(0, 40), ...lines.slice(2)].join('\n'));
    const bad = await importPayerExport(b.deps, ctx, { ...req, sourcePatient: '1001' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems.map((p) => `${p.file} line ${p.line}`)).toEqual(['ExplanationOfBenefit.ndjson line 2']);
    expect(await stored()).toBe(0);
    writeFileSync(eobFile, good);

    const ok = await importPayerExport(b.deps, ctx, { ...req, sourcePatient: '1001' });
    // Patricia's: her Patient, Coverage, two claim EOBs and the approved prior authorization, and the US Core
    // Condition, Encounter and Procedure of her two claims; William's seven resources are skipped.
    expect(ok).toMatchObject({ ok: true, summary: { memberKey: 'nb-1', sourcePatient: '1001', counts: { Patient: 1, Coverage: 1, ExplanationOfBenefit: 3, Condition: 2, Encounter: 2, Procedure: 2 }, skipped: 6 } });
    // Again: replaced, not duplicated.
    await importPayerExport(b.deps, ctx, { ...req, sourcePatient: '1001' });
    expect(await stored()).toBe(11);

    const token = await b.login('payer.admin');
    const res = await b.app.inject({ method: 'GET', url: '/fhir/Patient/nb-1/$everything', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, res.body).toBe(200);
    const entries = (res.json() as { entry: Array<{ resource: R }> }).entry.map((e) => e.resource);
    const imported = entries.filter((r) => String(r['id']).startsWith('p2p-'));
    expect(imported.map((r) => r['resourceType']).sort()).toEqual(['Condition', 'Condition', 'Coverage', 'Encounter', 'Encounter', 'ExplanationOfBenefit', 'ExplanationOfBenefit', 'ExplanationOfBenefit', 'Procedure', 'Procedure']);
    for (const r of imported) {
      expect(JSON.stringify(r)).not.toContain('Patient/1001');
      expect((r['meta'] as { source: string }).source).toBe(firstExport.manifest.request);
    }
    for (const e of imported.filter((r) => r['resourceType'] === 'ExplanationOfBenefit')) expect(e['patient']).toEqual({ reference: 'Patient/nb-1' });
    // The 2026 claim's coverage reference now points to the imported Coverage.
    const eob = imported.find((r) => (r['billablePeriod'] as { start: string } | undefined)?.start === '2026-03-02')!;
    expect((eob['insurance'] as Array<{ coverage: { reference: string } }>)[0]!.coverage.reference).toBe(`Coverage/${String(imported.find((r) => r['resourceType'] === 'Coverage')!['id'])}`);
    const provenance = entries.filter((r) => r['resourceType'] === 'Provenance');
    expect(provenance).toHaveLength(1);
    expect(provenance[0]).toMatchObject({ agent: [{ who: { display: 'Old Health Plan' } }, { who: { reference: `Organization/${PAYER.id}` } }] });
    expect((provenance[0]!['target'] as unknown[]).length).toBe(10);
    // Our own member's Patient stays ours: the other payer's Patient is kept, not served.
    expect(entries.filter((r) => r['resourceType'] === 'Patient').map((r) => r['id'])).toEqual(['nb-1']);
    // The member's own app (the AccessContext a patient-context SMART token becomes) sees it; another member's app does not.
    const app = (patientKey: string) => ({ actor: `member:${patientKey} via app:x`, orgId: PAYER.id, orgKind: 'payer' as const, role: 'analyst' as const, purpose: 'member-request' as const, patientKey, smartScopes: ['patient/*.rs'] });
    expect((await listImportedResources(b.deps.store.db, app('nb-1'), 'nb-1')).resources).toHaveLength(11);
    expect((await listImportedResources(b.deps.store.db, app(MEMBER.key), 'nb-1')).resources).toHaveLength(0);
    // A provider of the new payer does not see what another payer sent.
    const provider = await b.login('riverside.billing');
    const asProvider = await b.app.inject({ method: 'GET', url: '/fhir/Patient/nb-1/$everything', headers: { authorization: `Bearer ${provider}` } });
    expect(asProvider.statusCode).toBe(404);
    const audit = await b.deps.store.db.selectFrom('audit_event').select(['action', 'member_keys']).where('resource_type', '=', 'ImportedResource').orderBy('id').execute();
    expect(audit.map((x) => x.action)).toEqual(['create', 'create', 'read', 'read']);
  });

  it("does the new payer's whole side against the prior payer's server: token, match, export, download, import", async () => {
    // At the old payer: the new payer's system, registered with a key only the new payer holds.
    const { publicKey, privateKey } = await generateKeyPair('ES384', { extractable: true });
    const reg = await fetch(`${base}/api/smart/clients`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'backend', name: 'New Health Plan P2P', orgId: 'org-new-payer', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'nb', alg: 'ES384' }] } }) });
    const { clientId } = (await reg.json()) as { clientId: string };
    // At the new payer: William Smith enrolled; his old card says WS0002.
    await insertMembers(b.deps.store.db, [{ ...WILLIAM, key: 'nb-2', memberId: 'NB000002' }], [{ id: 'cov-nb-2', memberKey: 'nb-2', subscriberKey: 'nb-2', planId: PLAN.id, effectiveFrom: '2026-07-01', effectiveTo: '2026-12-31' }]);
    // (The test server listens on a random port, which its discovery document cannot know: the token URL is given.)
    const request = { fhirBase: `${base}/fhir`, tokenUrl: `${base}/oauth/token`, clientId, privateKey: { ...(await exportJWK(privateKey)), kid: 'nb', alg: 'ES384' }, memberKey: 'nb-2', oldMemberId: 'WS0002', fromPayer: 'Tandem Health Plan', maxWaitMs: 30_000 };
    const ctx = systemContext(PAYER.id);
    // Nothing is asked before the member opted in with the new payer.
    await expect(fetchFromPriorPayer(b.deps, ctx, request)).rejects.toThrow(/has not opted in/);
    const bAdmin = await b.login('payer.admin');
    expect((await b.app.inject({ method: 'PUT', url: '/api/members/nb-2/access-choices', headers: { authorization: `Bearer ${bAdmin}` }, payload: { providerAccessOptOut: false, payerToPayerOptIn: true } })).statusCode).toBe(200);
    // A wrong card number is no match: nothing comes back.
    expect(await fetchFromPriorPayer(b.deps, ctx, { ...request, oldMemberId: 'WS9999' })).toMatchObject({ outcome: 'no-match', import: null });
    const r = await fetchFromPriorPayer(b.deps, ctx, request);
    dirs.push(r.dir!);
    expect(r).toMatchObject({ outcome: 'imported', import: { ok: true, summary: { memberKey: 'nb-2', sourcePatient: '2002', counts: { Patient: 1, Coverage: 1, ExplanationOfBenefit: 1 }, skipped: 0 } } });
    const res = await b.app.inject({ method: 'GET', url: '/fhir/Patient/nb-2/$everything', headers: { authorization: `Bearer ${bAdmin}` } });
    const eob = (res.json() as { entry: Array<{ resource: R }> }).entry.map((e) => e.resource).find((x) => x['resourceType'] === 'ExplanationOfBenefit' && String(x['id']).startsWith('p2p-'))!;
    expect(eob['patient']).toEqual({ reference: 'Patient/nb-2' });
    expect(JSON.stringify(eob)).not.toContain('"amount"');
  });
});
