/** `tandem risk score` as a user runs it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.ts';

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
