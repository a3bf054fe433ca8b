/** `tandem risk score` as a user runs it. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './cli-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tandem-risk-'));
const env = { ...process.env, TANDEM_DATA: join(dir, 'data') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tandem risk score', () => {
  it('prints the published V28 vector and explains it; JSON for machines', async () => {
    const text = await runCli(['risk', 'score', '--age', '70', '--sex', 'M', '--segment', 'CNA', '--dx', 'E1169,I5030,I509,I211,I209,R05'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/raw 1\.034\s+payment 0\.9586/);
    expect(text.stdout).toMatch(/DIABETES_HF_V28\s+0\.112/);
    const json = await runCli(['risk', 'score', '--age', '70', '--sex', 'M', '--dx', 'E1169,I5030,A4154', '--json'], env);
    const s = JSON.parse(json.stdout) as { raw: string; payment: string; hccs: string[] };
    expect(s.raw).toBe('1.534');
    expect(s.hccs).toEqual(['2', '37', '226']);
    const bad = await runCli(['risk', 'score', '--age', '70', '--sex', 'M', '--segment', 'XYZ'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--segment must be one of CNA/);
  });
});

describe(`tandem risk run and attribute on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('scores a generated population from its submitted claims', async () => {
    const e = await cliEnv();
    try {
      const gen = await runCli(['generate', '--members', '120', '--seed', '11', '--submit'], e.env);
      expect(gen.code, gen.stderr).toBe(0);
      const r = await runCli(['risk', 'run', '--year', '2027', '--json'], e.env);
      expect(r.code, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout) as { members: number; membersWithHccs: number; meanRaw: string; diagnosisYear: number };
      expect(s.diagnosisYear).toBe(2026);
      expect(s.members).toBeGreaterThan(0);
      expect(s.membersWithHccs).toBeGreaterThan(0);
      expect(Number(s.meanRaw)).toBeGreaterThan(0.2);
      const bad = await runCli(['risk', 'run', '--year', 'soon'], e.env);
      expect(bad.code).toBe(2);
      const a = await runCli(['attribute', '--year', '2026', '--json'], e.env);
      expect(a.code, a.stderr).toBe(0);
      const att = JSON.parse(a.stdout) as { members: number; byStep: Record<string, number>; contracts: Array<{ contractId: string; providerOrgId: string; members: number; new: number }> };
      expect(att.byStep['primary-care-practitioner']! + att.byStep.specialist!).toBeGreaterThan(0);
      expect(att.contracts.reduce((t, c) => t + c.new, 0)).toBe(att.contracts.reduce((t, c) => t + c.members, 0));
      const again = await runCli(['attribute', '--year', '2026'], e.env);
      expect(again.stdout).toMatch(/\+0 new\s+~0 changed\s+-0 dropped/);
      // Settle the first contract, risk-adjusted (concurrent scores from the 2027 risk run).
      const contract = /^\s+(ct-\S+)\s+[1-9]/m.exec(again.stdout)![1]!;
      const termsFile = join(dir, 'terms.json');
      writeFileSync(termsFile, JSON.stringify({ type: 'shared-savings', track: 'two-sided', sharingRateBps: 5000, lossSharingRateBps: 4000, minimumSavingsRate: 'variable', savingsCapBps: 1000, lossCapBps: 500, qualityGateBps: 4000, sequestrationBps: 200, benchmarkPmpmCents: 30000, riskAdjust: true, truncationPercentileBps: 9900, runOutDays: 90, qualityBps: 8500 }));
      expect((await runCli(['contract', 'terms', '--contract', contract, '--file', termsFile, '--effective', '2026-01-01'], e.env)).code).toBe(0);
      const st = await runCli(['settle', '--contract', contract, '--period', '2026', '--json'], e.env);
      expect(st.code, st.stderr).toBe(0);
      const statement = JSON.parse(st.stdout) as { inputs: { members: number; benchmarkCents: number; expenditureCents: number }; outputs: { waterfall: Array<{ step: string; amountCents: number }>; paymentCents: number } };
      expect(statement.inputs.members).toBeGreaterThan(0);
      expect(statement.outputs.waterfall[2]).toEqual(expect.objectContaining({ step: 'gross savings', amountCents: statement.inputs.benchmarkCents - statement.inputs.expenditureCents }));
      // The stored run replays from its frozen inputs alone, byte for byte.
      const runId = (JSON.parse(st.stdout) as { id: string }).id;
      const verified = await runCli(['settle', '--verify', runId], e.env);
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout).toMatch(new RegExp(`^settlement ${runId}: replay identical \\(sha256 [0-9a-f]{64}\\)`));
      const noArgs = await runCli(['settle', '--contract', contract], e.env);
      expect(noArgs.code).toBe(2);
      expect(noArgs.stderr).toMatch(/settle needs --contract ID and --period YYYY \(or --verify RUN_ID\)/);
      const text = await runCli(['settle', '--contract', contract, '--period', '2026'], e.env);
      expect(text.stdout).toMatch(/payment\s+-?\$[\d,]+\.\d\d/);
      const badTerms = join(dir, 'bad.json');
      writeFileSync(badTerms, JSON.stringify({ type: 'shared-savings', track: 'sideways' }));
      const bt = await runCli(['contract', 'terms', '--contract', contract, '--file', badTerms], e.env);
      expect(bt.code).not.toBe(0);
      expect(bt.stderr).toMatch(/terms\.track must be/);
      // Recapture needs last year's scores too: refused with the reason, then listed.
      const noPrior = await runCli(['risk', 'recapture', '--contract', contract, '--year', '2026'], e.env);
      expect(noPrior.code).toBe(1);
      expect(noPrior.stderr).toMatch(/needs risk runs for payment years 2026 and 2027/);
      expect((await runCli(['risk', 'run', '--year', '2026'], e.env)).code).toBe(0);
      const rc = await runCli(['risk', 'recapture', '--contract', contract, '--year', '2026', '--json'], e.env);
      expect(rc.code, rc.stderr).toBe(0);
      // The population has no 2025 claims, so nothing coded last year can be missing this year.
      expect(JSON.parse(rc.stdout)).toMatchObject({ available: true, gaps: [] });

      // Voluntary alignment from the command line: a member of the first contract designates another organization.
      const member = Object.keys((JSON.parse(st.stdout) as { inputs: { memberMonthsByMember: Record<string, number> } }).inputs.memberMonthsByMember)[0]!;
      const other = att.contracts.find((c) => c.contractId !== contract)!.providerOrgId;
      const badDate = await runCli(['attribute', 'align', '--member', member, '--org', other, '--from', '2026-13-01'], e.env);
      expect(badDate.code, badDate.stderr).toBe(2);
      expect(badDate.stderr.trim().split('\n')).toEqual(['tandem: Invalid request: alignment.from must be a date YYYY-MM-DD, got "2026-13-01"']);
      const aligned = await runCli(['attribute', 'align', '--member', member, '--org', other, '--from', '2026-01-01'], e.env);
      expect(aligned.code, aligned.stderr).toBe(0);
      expect(aligned.stdout).toBe(`member ${member} aligned with ${other} from 2026-01-01; the next attribution run assigns the member there\n`);
      const after = JSON.parse((await runCli(['attribute', '--year', '2026', '--json'], e.env)).stdout) as { byStep: Record<string, number>; changes: Array<{ memberKey: string; to: string }> };
      expect(after.byStep['voluntary']).toBe(1);
      expect(after.changes).toContainEqual(expect.objectContaining({ memberKey: member, to: other }));
      expect((await runCli(['attribute', 'align', '--member', member, '--remove'], e.env)).stdout).toBe(`member ${member}: voluntary alignment removed\n`);
      expect((await runCli(['attribute', 'align', '--member', member, '--remove', '--org', other], e.env)).code).toBe(2);
    } finally {
      await e.dispose();
    }
  }, 600_000); // some twenty CLI processes, each starting Node and tsx (and PGlite): 10–15 s each on a loaded 2-core machine
});

