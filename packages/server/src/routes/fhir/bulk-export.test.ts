import { aClaim, aLine, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { eobBasisResource, eobResource } from '@tandem/fhir';
import { getExportJob, insertAttributionRun, searchClaimsWithLines, streamExportClaims } from '@tandem/store';
import { write837 } from '@tandem/x12';
import { sql } from 'kysely';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from '../../exchange/claim-to-837.ts';
import { claimFilterOf } from '../../use-cases/bulk-export.ts';
import { ndjsonBody } from './bulk-export-routes.ts';
import { eobInputOf } from './eob-rows.ts';
import { backendToken, bulkExport, createTestApp, MEMBER_2, PROVIDER_2, type TestApp } from '../../testing/index.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

describe('Bulk Data file stream', () => {
  it("reads no further ahead of a client that does not read than the response's back-pressure allows", async () => {
    let pulled = 0;
    async function* chunks() {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield 'x'.repeat(256 * 1024);
      }
    }
    // A client that does not read: the socket's buffer stays full.
    const stuck = new Writable({ highWaterMark: 16 * 1024, write: () => undefined });
    ndjsonBody(chunks()).pipe(stuck);
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(pulled).toBeLessThanOrEqual(2);
    // A client that reads gets everything.
    let chars = 0;
    for await (const c of ndjsonBody(chunks())) chars += (c as string).length;
    expect(chars).toBe(100 * 256 * 1024);
  });
});

describe(`Bulk Data Provider Access export on ${db}`, () => {
  let t: TestApp;
  let base: string;
  let admin: string;
  /** A provider system's token by SMART Backend Services (private_key_jwt). */
  let riversideSystem: string;
  let lakesideSystem: string;


  beforeAll(async () => {
    t = await createTestApp();
    base = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('0.0.0.0', '127.0.0.1');
    admin = await t.login('payer.admin');
    const submit = async (user: string, provider: typeof PROVIDER, claims: Array<[string, typeof MEMBER]>, control: number) => {
      const token = await t.login(user);
      const x12 = write837(claims.map(([pcn, m]) => claim837From(aClaim({ patientControlNumber: pcn, memberId: m.memberId, billingNpi: provider.npi, billingTin: provider.tin, billingName: provider.name, lines: [aLine()] }), { payer: PAYER, provider, member: m })), { kind: 'professional', senderId: 'S', receiverId: 'TANDEM', interchangeControlNumber: control, date: new Date('2026-06-01T10:00:00Z') });
      const res = await fetch(`${base}/x12`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/edi-x12' }, body: x12 });
      expect(res.headers.get('x-tandem-accepted')).toBe('true');
    };
    await submit('riverside.billing', PROVIDER, [['BX-1', MEMBER], ['BX-2', MEMBER], ['BX-3', MEMBER_2]], 51);
    // Another provider's claim for an attributed member: Provider Access shares it too, without amounts.
    await submit('lakeside.billing', PROVIDER_2, [['BX-9', MEMBER]], 52);
    // The payer's attribution: both members to Riverside (contract ct-1), nobody to Lakeside (ct-2).
    await insertAttributionRun(t.deps.store.db, { id: 'ar-1', payerOrgId: PAYER.id, windowKind: 'performance', windowFrom: '2026-01-01', windowTo: '2026-12-31', method: 'test' }, [
      { memberKey: MEMBER.key, orgId: PROVIDER.id, step: 'plurality', explanation: {} },
      { memberKey: MEMBER_2.key, orgId: PROVIDER.id, step: 'plurality', explanation: {} },
    ]);
    riversideSystem = await backendToken(t.app, { registrar: admin, orgId: PROVIDER.id });
    lakesideSystem = await backendToken(t.app, { registrar: admin, orgId: PROVIDER_2.id });
  });
  afterAll(async () => t?.close());

  it("exports a provider's attributed members with a Bulk Data client: members, coverage and non-financial EOBs", async () => {
    const r = await bulkExport(`${base}/fhir/Group/ct-1/$davinci-data-export?exportType=hl7.fhir.us.davinci-pdex%23provider-download`, riversideSystem);
    const patients = r.resources.get('Patient')!;
    expect(patients.map((p) => p['id']).sort()).toEqual([MEMBER.key, MEMBER_2.key]);
    expect(r.resources.get('Coverage')!.map((c) => (c['beneficiary'] as { reference: string }).reference).sort()).toEqual([`Patient/${MEMBER.key}`, `Patient/${MEMBER_2.key}`]);
    const eobs = r.resources.get('ExplanationOfBenefit')!;
    expect(eobs).toHaveLength(4);
    expect(r.manifest.output.find((o) => o.type === 'ExplanationOfBenefit')!.count).toBe(4);
    expect(r.manifest.requiresAccessToken).toBe(true);
    for (const e of eobs) {
      expect(e).not.toHaveProperty('payment');
      expect(e).not.toHaveProperty('total');
      expect(JSON.stringify(e)).not.toContain('"amount"');
      expect(String((e['meta'] as { profile: string[] }).profile[0])).toMatch(/-Basis$/);
    }
    // The delete at the end of the client's run removed the job.
    expect((await fetch(r.statusUrl, { headers: { authorization: `Bearer ${riversideSystem}` } })).status).toBe(404);
    const audit = await t.deps.store.db.selectFrom('audit_event').select(['member_keys', 'purpose', 'actor', 'detail']).where('action', '=', 'export').where('resource_type', '=', 'Group').execute();
    expect(audit).toContainEqual(expect.objectContaining({ member_keys: [MEMBER.key, MEMBER_2.key].sort(), purpose: 'treatment', detail: expect.objectContaining({ purpose: 'provider-access' }) }));
    // The provider system's downloads are Provider Access disclosures too.
    const downloads = await t.deps.store.db.selectFrom('audit_event').select('detail').where('action', '=', 'export').where('resource_type', '=', 'ExplanationOfBenefit').where('actor', 'like', 'system:%').execute();
    expect(downloads.length).toBeGreaterThan(0);
    expect(new Set(downloads.map((d) => d.detail?.['purpose']))).toEqual(new Set(['provider-access']));
  });

  it('writes every EOB byte for byte as the object mapper writes the same stored claim read by the search API (Basis for the provider, full for the payer)', async () => {
    // The export shapes claims in SQL and writes the Basis EOB as text directly; the search API reads claims and lines as rows and maps them to objects.
    // An instant with microseconds: the driver's Date keeps milliseconds, and so must the export's SQL formatting.
    await sql`update claim set received_at = '2026-06-29T08:15:42.987654Z' where patient_control_number = 'BX-2'`.execute(t.deps.store.db);
    const payer = { actor: 'payer.admin', orgId: PAYER.id, orgKind: 'payer', role: 'admin', purpose: 'operations' } as const;
    const rows = (await searchClaimsWithLines(t.deps.store.db, payer, { limit: 100, offset: 0 })).claims;
    const byId = new Map(rows.map((r) => [r.id, eobInputOf(r)]));
    const kept = await bulkExport(`${base}/fhir/Group/ct-1/$davinci-data-export?_type=ExplanationOfBenefit`, riversideSystem, { keep: true });
    const provider = kept.lines.get('ExplanationOfBenefit')!;
    // Pages of one claim and batches of one member (keyset within and across member batches) stream the same claims in the same order.
    const job = (await getExportJob(t.deps.store.db, kept.statusUrl.split('/').pop()!))!;
    const ids = async (o: { membersPerBatch?: number; claimsPerPage?: number }) => {
      const out: string[] = [];
      for await (const page of streamExportClaims(t.deps.store.db, job.id, claimFilterOf(job), { amounts: false, ...o })) out.push(...page.map((c) => c.id));
      return out;
    };
    expect(await ids({ membersPerBatch: 1, claimsPerPage: 1 })).toEqual(await ids({}));
    expect(await ids({ membersPerBatch: 1, claimsPerPage: 2 })).toEqual(provider.map((l) => (JSON.parse(l) as { id: string }).id));
    await fetch(kept.statusUrl, { method: 'DELETE', headers: { authorization: `Bearer ${riversideSystem}` } });
    const full = (await bulkExport(`${base}/fhir/$export?_type=ExplanationOfBenefit`, admin)).lines.get('ExplanationOfBenefit')!;
    expect(provider).toHaveLength(4);
    expect(full).toHaveLength(4);
    expect(provider.join('\n')).toContain('"lastUpdated":"2026-06-29T08:15:42.987Z"');
    for (const line of provider) expect(line).toBe(JSON.stringify(eobBasisResource(byId.get((JSON.parse(line) as { id: string }).id)!)));
    for (const line of full) expect(line).toBe(JSON.stringify(eobResource(byId.get((JSON.parse(line) as { id: string }).id)!)));
  });

  it('honours _type, _since (provider-delta) and _typeFilter', async () => {
    const only = await bulkExport(`${base}/fhir/Group/ct-1/$davinci-data-export?_type=Patient`, riversideSystem);
    expect([...only.resources.keys()]).toEqual(['Patient']);
    const later = await bulkExport(`${base}/fhir/Group/ct-1/$davinci-data-export?exportType=hl7.fhir.us.davinci-pdex%23provider-delta&_since=2099-01-01T00:00:00Z&_type=ExplanationOfBenefit`, riversideSystem);
    expect(later.manifest.output).toEqual([]);
    const filtered = await bulkExport(`${base}/fhir/Group/ct-1/$davinci-data-export?_type=ExplanationOfBenefit&_typeFilter=${encodeURIComponent('ExplanationOfBenefit?service-date=lt2026-01-01')}`, riversideSystem);
    expect(filtered.resources.get('ExplanationOfBenefit') ?? []).toHaveLength(0);
  });

  it('refuses what the rule does not allow, with OperationOutcomes', async () => {
    const kick = (url: string, token: string, prefer = 'respond-async') => fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json', prefer } });
    // Lakeside has no roster in ct-1: the group does not exist for it.
    expect((await kick(`${base}/fhir/Group/ct-1/$davinci-data-export`, lakesideSystem)).status).toBe(404);
    const noAsync = await kick(`${base}/fhir/Group/ct-1/$davinci-data-export`, riversideSystem, '');
    expect(noAsync.status).toBe(400);
    expect(await noAsync.json()).toMatchObject({ resourceType: 'OperationOutcome' });
    expect((await kick(`${base}/fhir/Group/ct-1/$davinci-data-export?exportType=hl7.fhir.us.davinci-pdex%23provider-delta`, riversideSystem)).status).toBe(400);
    expect((await kick(`${base}/fhir/Group/ct-1/$davinci-data-export?_type=Claim`, riversideSystem)).status).toBe(400);
    expect((await kick(`${base}/fhir/$export`, riversideSystem)).status).toBe(403);
  });

  it('lets the payer export every member with full EOBs, and cancel a job', async () => {
    const r = await bulkExport(`${base}/fhir/$export?_type=Patient,ExplanationOfBenefit`, admin, { keep: true });
    expect(r.resources.get('Patient')).toHaveLength(2);
    expect(r.resources.get('ExplanationOfBenefit')!.every((e) => 'payment' in e)).toBe(true);
    // Someone else cannot see the job; DELETE removes it for its owner.
    expect((await fetch(r.statusUrl, { headers: { authorization: `Bearer ${riversideSystem}` } })).status).toBe(404);
    expect((await fetch(r.statusUrl, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } })).status).toBe(202);
    expect((await fetch(r.statusUrl, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(404);
    expect((await fetch(r.manifest.output[0]!.url, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(404);
  });

  it("never discloses an opted-out member's data to a provider", async () => {
    const h = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
    const put = await fetch(`${base}/api/members/${MEMBER_2.key}/access-choices`, { method: 'PUT', headers: h, body: JSON.stringify({ providerAccessOptOut: true, payerToPayerOptIn: false }) });
    expect(await put.json()).toMatchObject({ memberKey: MEMBER_2.key, providerAccessOptOut: true, payerToPayerOptIn: false });
    const list = (await (await fetch(`${base}/api/smart/provider-access-opt-outs`, { headers: h })).json()) as { items: Array<{ memberKey: string }> };
    expect(list.items.map((i) => i.memberKey)).toEqual([MEMBER_2.key]);
    const r = await bulkExport(`${base}/fhir/Group/ct-1/$davinci-data-export`, riversideSystem);
    expect(r.resources.get('Patient')!.map((p) => p['id'])).toEqual([MEMBER.key]);
    const all = [...r.resources.values()].flat();
    expect(JSON.stringify(all)).not.toContain(MEMBER_2.key);
    expect(r.resources.get('ExplanationOfBenefit')).toHaveLength(3);
    // A provider cannot record choices for a member.
    const riverside = await t.login('riverside.billing');
    expect((await fetch(`${base}/api/members/${MEMBER_2.key}/access-choices`, { method: 'PUT', headers: { authorization: `Bearer ${riverside}`, 'content-type': 'application/json' }, body: JSON.stringify({ providerAccessOptOut: false, payerToPayerOptIn: false }) })).status).toBe(404);
  });
});
