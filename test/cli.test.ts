import { read835, read999 } from '@tandem/x12';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, type CliEnv } from './cli-helpers.ts';

describe(`tandem CLI on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let e: CliEnv;
  beforeAll(async () => {
    e = await cliEnv();
  });
  afterAll(async () => e?.dispose());

  it('answers bad arguments with one clear line and a non-zero exit', async () => {
    const r = await runCli(['generate', '--members', 'lots'], e.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--members must be a whole number/);
    const missing = await runCli(['claims', 'submit', join(e.dir, 'nope.837')], e.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual([`tandem: no such file: ${join(e.dir, 'nope.837')}`]);
    expect((await runCli(['frobnicate'], e.env)).code).toBe(2);
    const badAudit = await runCli(['audit', '--action', 'delete'], e.env);
    expect([badAudit.code, badAudit.stderr.trim().split('\n')[0]]).toEqual([2, "error: option '--action <action>' argument 'delete' is invalid. --action must be one of read, search, create, update, export, login"]);
    const help = await runCli(['claims', 'submit', '--help'], e.env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('999');
  });

  it('generates a population, submits its 837s, and remits balanced 835s', async () => {
    const out = join(e.dir, 'x12');
    const gen = await runCli(['generate', '--members', '60', '--seed', '7', '--x12-out', out, '--claims-per-file', '100'], e.env);
    expect(gen.stderr).toBe(gen.code === 0 ? gen.stderr : '');
    expect(gen.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files.some((f) => f.endsWith('.837p'))).toBe(true);
    let submitted = 0;
    for (const f of files) {
      const r = await runCli(['claims', 'submit', join(out, f), '--ack', join(e.dir, `${f}.999`)], e.env);
      expect(r.code, r.stderr).toBe(0);
      expect(read999(readFileSync(join(e.dir, `${f}.999`), 'utf8')).groups[0]!.ak9).toBe('A');
      submitted += Number(/(\d+) claims adjudicated/.exec(r.stderr)?.[1] ?? 0);
    }
    expect(submitted).toBeGreaterThan(60);
    // Resubmitting a file is accepted but pays nothing more.
    const again = await runCli(['claims', 'submit', join(out, files[0]!), '--json'], e.env);
    expect(again.code).toBe(0);
    const body = JSON.parse(again.stdout) as { claims: Array<{ status: string; paidCents: number }> };
    expect(body.claims.every((c) => c.status === 'duplicate' && c.paidCents === 0)).toBe(true);

    const remitDir = join(e.dir, '835');
    const remit = await runCli(['remit', '--out', remitDir], e.env);
    expect(remit.code, remit.stderr).toBe(0);
    const remits = readdirSync(remitDir);
    expect(remits.length).toBeGreaterThan(0);
    let clp = 0;
    for (const f of remits) {
      const r = read835(readFileSync(join(remitDir, f), 'utf8'));
      expect(r.findings.filter((x) => x.severity === 'error')).toEqual([]);
      for (const rm of r.remits) {
        expect(rm.totalPaidCents).toBe(rm.claims.reduce((s, c) => s + c.paidCents, 0));
        clp += rm.claims.length;
      }
    }
    expect(clp).toBe(submitted + body.claims.length);
    expect((await runCli(['remit', '--out', remitDir], e.env)).stdout).toMatch(/nothing to remit/);

    // The audit trail holds the submissions, naming their members; reading it is recorded too.
    const trail = await runCli(['audit', '--action', 'create', '--limit', '1000', '--json'], e.env);
    expect(trail.code, trail.stderr).toBe(0);
    const events = JSON.parse(trail.stdout) as Array<{ action: string; resourceType: string; memberKeys: string[] }>;
    expect(events.every((x) => x.action === 'create')).toBe(true);
    expect(events.filter((x) => x.resourceType === 'Claim' && x.memberKeys.length > 0).length).toBeGreaterThan(0);
    const table = await runCli(['audit', '--action', 'search', '--limit', '1'], e.env);
    expect(table.stdout.split('\n')[1]).toMatch(/success\s+search\s+AuditEvent\s+tandem-cli/);
  }, 180_000);

  it('reads large files set by set with the same outcome', async () => {
    const out = join(e.dir, 'x12');
    const file = join(out, readdirSync(out).sort()[0]!);
    const streamed = await runCli(['claims', 'submit', file, '--json'], { ...e.env, TANDEM_STREAM_BYTES: '1' });
    expect(streamed.code, streamed.stderr).toBe(0);
    const body = JSON.parse(streamed.stdout) as { counts: Record<string, number>; ack999: string };
    // Already submitted above: every claim is a duplicate, and the 999 accepts the file.
    expect(Object.keys(body.counts)).toEqual(['duplicate']);
    expect(read999(body.ack999).groups[0]!.ak9).toMatch(/^[AE]$/);
    const junk = join(e.dir, 'junk.837');
    writeFileSync(junk, 'not an interchange at all, but long enough to be streamed'.repeat(10));
    const bad = await runCli(['claims', 'submit', junk], { ...e.env, TANDEM_STREAM_BYTES: '1' });
    expect(bad.code).toBe(4);
  });

  it('rejects a malformed file with exit 4 and stores nothing', async () => {
    const bad = join(e.dir, 'bad.837');
    writeFileSync(bad, 'ISA*00*          *00*          *ZZ*X              *ZZ*Y              *260101*1200*^*00501*000000001*0*T*:~GS*HC*X*Y*20260101*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~SE*2*0001~GE*1*1~IEA*1*000000001~');
    const r = await runCli(['claims', 'submit', bad], e.env);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^rejected: .*nothing was stored/m);
  });

  it('mints a token for a user', async () => {
    const r = await runCli(['token', '--user', 'nobody'], e.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no user 'nobody'/);
  });
});
