/**
 * `tandem import --format tuva` as a new user runs it: a payer first, then the Tuva demo files,
 * then the organizations the import created, a contract with one of them, attribution, risk
 * and a settlement — and the failures a user meets (missing directory, bad rows, a missing column).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, type CliEnv } from './cli-helpers.ts';

const FIXTURE = fileURLToPath(new URL('../packages/server/test-fixtures/tuva-demo', import.meta.url));

function variant(dir: string, edit: { file: string; line: number; column: string; value: string } | { file: string; header: [string, string] }): string {
  mkdirSync(dir, { recursive: true });
  for (const f of ['eligibility.csv', 'medical_claim.csv', 'pharmacy_claim.csv']) copyFileSync(join(FIXTURE, f), join(dir, f));
  const path = join(dir, edit.file);
  const lines = readFileSync(path, 'utf8').split('\n');
  if ('header' in edit) lines[0] = lines[0]!.replace(`,${edit.header[0]},`, `,${edit.header[1]},`);
  else {
    const fields = lines[edit.line - 1]!.split(',');
    fields[lines[0]!.split(',').indexOf(edit.column)] = edit.value;
    lines[edit.line - 1] = fields.join(',');
  }
  writeFileSync(path, lines.join('\n'));
  return dir;
}

describe(`tandem import on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let e: CliEnv;
  beforeAll(async () => {
    e = await cliEnv();
  });
  afterAll(async () => e?.dispose());

  it('answers a missing directory with one line and exit 2', async () => {
    const missing = join(e.dir, 'no-such-dir');
    const r = await runCli(['import', '--format', 'tuva', missing], e.env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`tandem: no such directory: ${missing}`]);
    const format = await runCli(['import', '--format', 'fhir', FIXTURE], e.env);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--format must be tuva/);
  });

  it('imports the Tuva demo after bad copies were refused whole, then attributes, scores and settles it', async () => {
    const gen = await runCli(['generate', '--members', '1', '--seed', '3'], e.env);
    expect(gen.code).toBe(0);
    const providers = Number(/(\d+) provider organizations/.exec(gen.stdout)![1]);

    // A bad amount and a bad date: both reported with file, line and column; exit 1; nothing stored.
    const bad = variant(join(e.dir, 'bad'), { file: 'medical_claim.csv', line: 3, column: 'charge_amount', value: '60.0O' });
    writeFileSync(join(bad, 'pharmacy_claim.csv'), readFileSync(join(bad, 'pharmacy_claim.csv'), 'utf8').replace('2018-09-18,52427038290', '18/09/2018,52427038290'));
    const errors = join(e.dir, 'errors.txt');
    const r = await runCli(['import', '--format', 'tuva', bad, '--errors', errors], e.env);
    expect(r.code).toBe(1);
    const expected = [
      "medical_claim.csv line 3: column charge_amount: '60.0O' is not a decimal amount (digits, an optional sign and decimal point)",
      "pharmacy_claim.csv line 2: column dispensing_date: '18/09/2018' is not a date YYYY-MM-DD",
    ];
    expect(r.stderr).toContain(`${expected.join('\n')}\n`);
    expect(r.stderr).toMatch(/tandem: nothing was imported: 2 problems; written to .*errors\.txt/);
    expect(readFileSync(errors, 'utf8')).toBe(`${expected.join('\n')}\n`);
    // A missing column: one line.
    const noColumn = variant(join(e.dir, 'no-column'), { file: 'eligibility.csv', header: ['payer_type', 'kind_of_payer'] });
    const r3 = await runCli(['import', '--format', 'tuva', noColumn], e.env);
    expect(r3.code).toBe(1);
    expect(r3.stderr.trim().split('\n').filter((l) => !/^import /.test(l))).toEqual([
      "eligibility.csv line 1: column payer_type: missing from the header row (the Tuva input layer's eligibility.csv has it)",
      'tandem: nothing was imported: 1 problem',
    ]);
    expect(JSON.parse((await runCli(['orgs', '--kind', 'provider', '--json'], e.env)).stdout)).toHaveLength(providers);

    // The real thing.
    const ok = await runCli(['import', '--format', 'tuva', FIXTURE, '--json'], e.env);
    expect(ok.code, ok.stderr).toBe(0);
    const s = JSON.parse(ok.stdout) as { membersNew: number; coverageNew: number; plans: Record<string, string>; claims: Record<string, { new: number; lines: number; paidCents: number }>; organizationsCreated: number };
    expect(s).toMatchObject({ membersNew: 100, coverageNew: 219, plans: { medicare_advantage: 'plan-ma-hmo' } });
    expect([s.claims.medical!.new, s.claims.medical!.lines, s.claims.pharmacy!.new, s.claims.pharmacy!.lines]).toEqual([3106, 6075, 406, 612]);
    expect(s.claims.medical!.paidCents + s.claims.pharmacy!.paidCents).toBe(51_626_145 + 18_800_097);
    expect(ok.stderr).toMatch(/import medical_claim\.csv: 6075\/6075 \(100%\)/);
    const again = await runCli(['import', '--format', 'tuva', FIXTURE], e.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/medical claims\s+0 new \(0 lines\), 3,106 already on file/);
    expect(again.stdout).toMatch(/nothing new: everything in these files is already on file/);
    expect((await runCli(['remit', '--out', join(e.dir, '835')], e.env)).stdout).toMatch(/nothing to remit/);

    // Attribution first: `tandem orgs` then shows which organizations have members.
    const a = JSON.parse((await runCli(['attribute', '--year', '2018', '--json'], e.env)).stdout) as { members: number; byStep: Record<string, number> };
    expect(a).toMatchObject({ members: 94, byStep: { specialist: 81, none: 13 } });
    // The organizations with members come first.
    const text = (await runCli(['orgs', '--kind', 'provider', '--limit', '3'], e.env)).stdout.split('\n');
    expect(text[0]).toMatch(/^id\s+kind\s+npi\s+attributed\s+claims\s+contracts\s+name$/);
    expect(text[1]).toMatch(/^org-npi-\d{10}\s+provider\s+\d{10}\s+1\s+\d+\s+0\s+Provider NPI \d{10}$/);
    const org = text[1]!.split(/\s+/)[0]!;
    const created = await runCli(['contract', 'create', '--provider', org, '--name', 'Tuva ACO 2018'], e.env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(new RegExp(`^contract ct-${org}: Tuva ACO 2018 — Provider NPI \\d{10} \\(${org}\\) with payer org-payer, fee schedule fs-base, effective 2000-01-01`));
    expect((await runCli(['contract', 'create', '--provider', 'org-payer', '--name', 'x'], e.env)).code).toBe(2);
    const terms = join(e.dir, 'terms.json');
    writeFileSync(terms, JSON.stringify({ type: 'shared-savings', track: 'one-sided', sharingRateBps: 5000, lossSharingRateBps: 0, minimumSavingsRate: 'variable', savingsCapBps: 1000, lossCapBps: 0, qualityGateBps: 4000, sequestrationBps: 200, benchmarkPmpmCents: 120000, riskAdjust: true, truncationPercentileBps: 9900, runOutDays: 90, qualityBps: 8500 }));
    expect((await runCli(['contract', 'terms', '--contract', `ct-${org}`, '--file', terms, '--effective', '2018-01-01'], e.env)).code).toBe(0);
    expect((await runCli(['risk', 'run', '--year', '2019'], e.env)).code).toBe(0);
    const st = await runCli(['settle', '--contract', `ct-${org}`, '--period', '2018', '--json'], e.env);
    expect(st.code, st.stderr).toBe(0);
    const statement = JSON.parse(st.stdout) as { inputs: { members: number; memberMonths: number; expenditureCents: number } };
    expect(statement.inputs.members).toBe(1);
    expect(statement.inputs.memberMonths).toBeGreaterThan(0);
  }, 240_000);
});
