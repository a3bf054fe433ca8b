import { exportJWK, generateKeyPair } from 'jose';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, type CliEnv } from './cli-helpers.ts';

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

describe(`tandem smart on ${db}`, () => {
  let e: CliEnv;
  beforeAll(async () => {
    e = await cliEnv();
    const g = await runCli(['generate', '--members', '3', '--seed', '7'], e.env);
    expect(g.code, g.stderr).toBe(0);
  });
  afterAll(async () => e?.dispose());

  it('registers a member app and a provider system, sets a member sign-in, lists and disables clients', async () => {
    const app = await runCli(['smart', 'register', '--kind', 'member-app', '--name', 'My Health App', '--redirect-uri', 'https://app.example/cb', '--json'], e.env);
    expect(app.code, app.stderr).toBe(0);
    const appClient = JSON.parse(app.stdout) as { clientId: string; scope: string };
    expect(appClient.scope).toContain('patient/*.rs');

    const orgs = JSON.parse((await runCli(['orgs', '--kind', 'provider', '--json'], e.env)).stdout) as Array<{ id: string }>;
    const { publicKey } = await generateKeyPair('ES384');
    const file = join(e.dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'one', alg: 'ES384' }] }));
    const sys = await runCli(['smart', 'register', '--kind', 'backend', '--name', 'Clinic EHR', '--org', orgs[0]!.id, '--jwks', file], e.env);
    expect(sys.code, sys.stderr).toBe(0);
    expect(sys.stdout).toMatch(/^client sys-\S+: Clinic EHR \(backend/);

    const list = await runCli(['smart', 'clients'], e.env);
    expect(list.stdout).toContain('My Health App');
    expect(list.stdout).toContain('Clinic EHR');

    const login = await runCli(['smart', 'member-login', '--member', 'no-such-member', '--username', 'someone'], e.env, 'a long enough password\n');
    expect(login.code).toBe(2);
    expect(login.stderr).toMatch(/^tandem: member no-such-member not found\n$/);

    expect((await runCli(['smart', 'disable', appClient.clientId], e.env)).code).toBe(0);
    expect((await runCli(['smart', 'clients'], e.env)).stdout).toMatch(new RegExp(`${appClient.clientId}\\s+member-app\\s+disabled`));
  }, 300_000);

  it('refuses bad arguments with one line and exit 2', async () => {
    const kind = await runCli(['smart', 'register', '--kind', 'robot', '--name', 'x'], e.env);
    expect(kind.code).toBe(2);
    const noOrg = await runCli(['smart', 'register', '--kind', 'backend', '--name', 'x'], e.env);
    expect(noOrg.code).toBe(2);
    expect(noOrg.stderr).toBe('tandem: --org is required for --kind backend\n');
    const badJwks = await runCli(['smart', 'register', '--kind', 'backend', '--name', 'x', '--org', 'whatever', '--jwks', '/nonexistent.json'], e.env);
    expect(badJwks.code).toBe(2);
    expect(badJwks.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    const noUri = await runCli(['smart', 'register', '--kind', 'member-app', '--name', 'x'], e.env);
    expect(noUri.code).toBe(2);
    expect(noUri.stderr).toContain('redirect URI');
  }, 300_000);
});
