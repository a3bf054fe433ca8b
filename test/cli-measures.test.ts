/** `tandem measures` as a user runs it: the shipped packages' test cases, broken packages, load and list. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './cli-helpers.ts';

const MEASURES = fileURLToPath(new URL('../packages/server/data/measures/', import.meta.url));
const SYNTHEA = fileURLToPath(new URL('../packages/server/test-fixtures/synthea-r4/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tandem-measures-'));
const env = { ...process.env, TANDEM_DATA: join(dir, 'data') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tandem measures test', () => {
  it.each(['BreastCancerScreeningFHIR', 'ColonCancerScreeningFHIR'])('passes every shipped test case of %s', async (name) => {
    const r = await runCli(['measures', 'test', join(MEASURES, name)], env);
    expect(r.stdout).toContain(`${name}: 58 passed, 0 failed`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }, 300_000);

  it('prints one line per mismatch and fails when an expected count is wrong', async () => {
    const pkg = join(dir, 'packages', 'CMS130');
    cpSync(join(MEASURES, 'ColonCancerScreeningFHIR'), pkg, { recursive: true });
    cpSync(join(MEASURES, 'libraries'), join(dir, 'packages', 'libraries'), { recursive: true });
    const tests = readdirSync(join(pkg, 'tests')).sort();
    for (const f of tests.slice(2)) rmSync(join(pkg, 'tests', f));
    // Claim the first case's patient is in the numerator when the measure says otherwise (or vice versa).
    const file = join(pkg, 'tests', tests[0]!);
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as { entry: Array<{ resource: { resourceType: string; group?: Array<{ population: Array<{ code: { coding: Array<{ code: string }> }; count: number }> }> } }> };
    const numerator = bundle.entry.find((e) => e.resource.resourceType === 'MeasureReport')!.resource.group![0]!.population.find((p) => p.code.coding[0]!.code === 'numerator')!;
    const truth = numerator.count;
    numerator.count = truth ? 0 : 1;
    writeFileSync(file, JSON.stringify(bundle));
    const r = await runCli(['measures', 'test', pkg], env);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([expect.stringContaining(`${tests[0]}`)]);
    expect(lines[0]).toContain(`numerator: expected ${truth ? 0 : 1}, got ${truth}`);
    expect(lines.at(-1)).toBe('ColonCancerScreeningFHIR: 1 passed, 1 failed');
  }, 120_000);

  it('names what a broken package is missing, in one line, exit 2', async () => {
    const broken = join(dir, 'broken');
    cpSync(join(MEASURES, 'BreastCancerScreeningFHIR'), broken, { recursive: true, filter: (src) => !/valuesets-|tests/.test(src) });
    const r = await runCli(['measures', 'test', broken], env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/Libraries not found .*FHIRHelpers\|4\.4\.000/);
    expect(r.stderr).toContain('no ValueSets');
    const none = await runCli(['measures', 'load', join(dir, 'nowhere')], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nowhere: no such directory/);
  });
});

describe(`tandem measures load, list, import (Synthea) and run on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('stores the shipped packages, reporting the corrections; imports Synthea bundles and evaluates them', async () => {
    const e = await cliEnv();
    try {
      const load = await runCli(['measures', 'load'], e.env);
      expect(load.code, load.stderr).toBe(0);
      expect(load.stdout).toMatch(/loaded BreastCancerScreeningFHIR .*10 libraries, 32 value sets, 58 test cases/);
      expect(load.stdout).toMatch(/corrected Measure\.group\[0\]\.extension\(cqfm-improvementNotation\): decrease → increase/);
      expect(load.stdout).toMatch(/loaded ColonCancerScreeningFHIR[^\n]*\n {2}corrected .*decrease → increase/);
      const list = await runCli(['measures', 'list'], e.env);
      expect(list.stdout).toMatch(/BreastCancerScreeningFHIR .*target 74\.00 %\s+improvement increase/);
      expect(list.stdout).toMatch(/ColonCancerScreeningFHIR .*improvement increase/);

      // Synthea patients become members whose clinical data the measures read; a re-import adds nothing.
      expect((await runCli(['generate', '--members', '3', '--seed', '1'], e.env)).code).toBe(0);
      const imp = await runCli(['measures', 'import', '--format', 'synthea', SYNTHEA], e.env);
      expect(imp.stdout, imp.stderr).toMatch(/imported 3 Synthea bundles: 3 new members \(plan [a-z-]+\), 0 already on file, 445 clinical resources/);
      expect((await runCli(['measures', 'import', '--format', 'synthea', SYNTHEA], e.env)).stdout).toMatch(/0 new members .* 3 already on file, 0 clinical resources/);
      const bad = await runCli(['measures', 'import', '--format', 'csv', SYNTHEA], e.env);
      expect(bad.code).toBe(2);
      // 2020: the three Synthea patients are covered (from their first encounter); their check-ups
      // are coded 185349003, which the 2025 value sets' Office Visit does not contain — not eligible.
      const run = await runCli(['measures', 'run', '--year', '2020', '--threads', '0'], e.env);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^3 members, 2020/);
      expect(run.stdout).toMatch(/BreastCancerScreeningFHIR\s+denominator 0/);
    } finally {
      await e.dispose();
    }
  }, 300_000);
});
