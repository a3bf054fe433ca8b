/**
 * The Payer-to-Payer commands as a new user runs them: register another health plan's system
 * (`smart register --kind backend --new-payer`), then import an export another payer sent for a
 * member (`import --format fhir-bulk`) — refused whole when a line is bad or the patient is not
 * the member, stored when it is right. The export is built from the PDex IG's example Patient and
 * Coverage (the member-match request's), the way a prior payer's Bulk Data files look.
 */
import { openStore } from '@tandem/store';
import { exportJWK, generateKeyPair } from 'jose';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, type CliEnv } from './cli-helpers.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
type R = Record<string, unknown>;
const IN = JSON.parse(readFileSync(new URL('../packages/server/test-fixtures/pdex/Parameters-payer-multi-member-match-in.json', import.meta.url), 'utf8')) as { parameter: Array<{ part: Array<{ name: string; resource: R }> }> };
const part = (name: string) => structuredClone(IN.parameter[0]!.part.find((p) => p.name === name)!.resource);

describe(`tandem Payer-to-Payer commands on ${db}`, () => {
  let e: CliEnv;
  let member: { key: string; date_of_birth: string };
  beforeAll(async () => {
    e = await cliEnv();
    const g = await runCli(['generate', '--members', '3', '--seed', '11'], e.env);
    expect(g.code, g.stderr).toBe(0);
    // The member the new plan enrolled (read the way the dashboard's Members page would list it).
    const store = await openStore({ url: e.env.DATABASE_URL || undefined, dataDir: e.env.DATABASE_URL ? undefined : e.env.TANDEM_DATA });
    member = await store.db.selectFrom('member').select(['key', 'date_of_birth']).orderBy('key').limit(1).executeTakeFirstOrThrow();
    await store.close();
  }, 300_000);
  afterAll(async () => e?.dispose());

  it("registers another health plan's system, adding the payer organization", async () => {
    const { publicKey } = await generateKeyPair('ES384');
    const file = join(e.dir, 'their-jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES384' }] }));
    const r = await runCli(['smart', 'register', '--kind', 'backend', '--name', 'New Health Plan P2P', '--new-payer', 'New Health Plan', '--npi', '1234567893', '--jwks', file, '--json'], e.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'backend', orgId: 'org-payer-new-health-plan', scope: expect.stringContaining('system/') });
    const again = await runCli(['smart', 'register', '--kind', 'backend', '--name', 'x', '--new-payer', 'New Health Plan', '--jwks', file], e.env);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('tandem: Invalid request: organization org-payer-new-health-plan already exists (register its system with --org org-payer-new-health-plan)\n');
    const payers = JSON.parse((await runCli(['orgs', '--kind', 'payer', '--json'], e.env)).stdout) as Array<{ id: string; npi: string | null }>;
    expect(payers).toContainEqual(expect.objectContaining({ id: 'org-payer-new-health-plan', npi: '1234567893' }));
  }, 300_000);

  it("imports a prior payer's export for the member, all or nothing", async () => {
    const dir = join(e.dir, 'their-export');
    mkdirSync(dir);
    const patient = part('MemberPatient'); // Patricia Person, born 1974-12-25, id patient-1
    const coverage = { ...part('CoverageToMatch'), beneficiary: { reference: 'Patient/patient-1' } };
    const eob = { resourceType: 'ExplanationOfBenefit', id: 'eob-1', status: 'active', use: 'claim', patient: { reference: 'Patient/patient-1' }, insurance: [{ focal: true, coverage: { reference: 'Coverage/coverage-1' } }], billablePeriod: { start: '2025-02-03' } };
    const write = (p: R, eobs: string[]) => {
      writeFileSync(join(dir, 'Patient.ndjson'), `${JSON.stringify(p)}\n`);
      writeFileSync(join(dir, 'Coverage.ndjson'), `${JSON.stringify(coverage)}\n`);
      writeFileSync(join(dir, 'ExplanationOfBenefit.ndjson'), `${eobs.join('\n')}\n`);
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ transactionTime: '2026-06-30T12:00:00Z', request: 'https://old-plan.example/fhir/Group/p2p-match-1/$davinci-data-export', requiresAccessToken: true, output: ['Patient', 'Coverage', 'ExplanationOfBenefit'].map((t) => ({ type: t, url: `https://old-plan.example/fhir/bulk-files/x/${t}.ndjson` })), error: [] }));
    };
    const args = ['import', '--format', 'fhir-bulk', dir, '--member', member.key, '--from-payer', 'Old Health Plan'];

    // The example's Patient is someone else (born 1974-12-25): refused at its line.
    write(patient, [JSON.stringify(eob)]);
    const wrong = await runCli(args, e.env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(`Patient.ndjson line 1: Patient/patient-1 was born 1974-12-25, member ${member.key} on ${member.date_of_birth}: not this member\ntandem: nothing was imported: 1 problem\n`);

    // The member's own record, with one broken line: nothing stored.
    write({ ...patient, birthDate: member.date_of_birth }, [JSON.stringify(eob), '{"resourceType":"ExplanationOfBenefit","status":"active"}', '{"resourceType":"Claim","id":"c1"}']);
    const bad = await runCli(args, e.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.split('\n')).toEqual([
      'ExplanationOfBenefit.ndjson line 2: ExplanationOfBenefit without a valid id',
      'ExplanationOfBenefit.ndjson line 3: a Claim in the file the manifest lists for ExplanationOfBenefit',
      'tandem: nothing was imported: 2 problems', '',
    ]);

    write({ ...patient, birthDate: member.date_of_birth }, [JSON.stringify(eob)]);
    const ok = await runCli([...args, '--json'], e.env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ memberKey: member.key, fromPayer: 'Old Health Plan', sourcePatient: 'patient-1', exportRequest: 'https://old-plan.example/fhir/Group/p2p-match-1/$davinci-data-export', counts: { Patient: 1, Coverage: 1, ExplanationOfBenefit: 1 }, skipped: 0 });
    const store = await openStore({ url: e.env.DATABASE_URL || undefined, dataDir: e.env.DATABASE_URL ? undefined : e.env.TANDEM_DATA });
    const rows = await store.db.selectFrom('imported_resource').select(['resource_type', 'source_id', 'resource']).orderBy('resource_type').execute();
    await store.close();
    expect(rows.map((r) => [r.resource_type, r.source_id])).toEqual([['Coverage', 'coverage-1'], ['ExplanationOfBenefit', 'eob-1'], ['Patient', 'patient-1']]);
    const stored = rows.find((r) => r.resource_type === 'ExplanationOfBenefit')!.resource as { patient: { reference: string }; insurance: Array<{ coverage: { reference: string } }> };
    expect(stored.patient.reference).toBe(`Patient/${member.key}`);
    expect(stored.insurance[0]!.coverage.reference).toMatch(/^Coverage\/p2p-[0-9a-f]{32}$/);

    const usage = await runCli(['import', '--format', 'fhir-bulk', dir], e.env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('tandem: --format fhir-bulk needs --member MEMBER_KEY and --from-payer NAME\n');
  }, 300_000);
});
