/** `tandem prior-auth rules`: add a version of the rules from a file, list them; bad input is one clear line and exit 2. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, type CliEnv } from './cli-helpers.ts';

describe('tandem prior-auth rules', () => {
  let e: CliEnv;
  beforeAll(async () => {
    e = await cliEnv();
    expect((await runCli(['generate', '--members', '1', '--seed', '1'], e.env)).code).toBe(0);
  }, 120_000);
  afterAll(async () => e?.dispose());

  it('adds the demo rules as a version and lists it', async () => {
    const add = await runCli(['prior-auth', 'rules', '--file', 'packages/server/data/prior-auth/demo-rules.json', '--effective', '2026-01-01'], e.env);
    expect(add.stderr).toBe('');
    expect(add.stdout).toMatch(/^rule set ars-0001: 6 rules for every plan from 2026-01-01\n$/);
    const list = await runCli(['prior-auth', 'rules'], e.env);
    expect(list.stdout).toContain('ars-0001  2026-01-01 – open  all plans  6 rules: mri-lumbar-spine, knee-arthroplasty');
  }, 60_000);

  it('refuses bad rules and bad arguments with one line and exit 2', async () => {
    const bad = join(e.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ rules: [{ id: 'x', codes: ['1'], description: 'd' }] }));
    const r = await runCli(['prior-auth', 'rules', '--file', bad, '--effective', '2026-01-01'], e.env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('rules[0].codes: must be an array of valid codes');
    const noDate = await runCli(['prior-auth', 'rules', '--file', bad], e.env);
    expect(noDate.code).toBe(2);
    expect(noDate.stderr).toContain('--effective YYYY-MM-DD is required');
    expect((await runCli(['prior-auth', 'rules', '--file', bad, '--effective', '2026-13-45'], e.env)).code).toBe(2);
  }, 60_000);
});
