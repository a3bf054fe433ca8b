/**
 * Runs the real `tandem` binary in a child process against its own database: a fresh
 * PGlite directory, or — when DATABASE_URL is set — a fresh PostgreSQL database.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { seedPgliteDir } from '@tandem/store/testing';

export const BIN = fileURLToPath(new URL('../packages/cli/bin/tandem.js', import.meta.url));

export interface CliEnv {
  readonly env: NodeJS.ProcessEnv;
  readonly dir: string;
  dispose(): Promise<void>;
}

export async function cliEnv(): Promise<CliEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
  const base = process.env.DATABASE_URL;
  if (!base) {
    // Seeded from the migrated template, as the first command would leave it, without initdb's seconds.
    await seedPgliteDir(join(dir, 'data'));
    return { dir, env: { ...process.env, TANDEM_DATA: join(dir, 'data'), DATABASE_URL: '' }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `tandem_cli_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    dir,
    env: { ...process.env, DATABASE_URL: url.toString(), TANDEM_DATA: join(dir, 'data') },
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** @param input written to the child's stdin when given (else stdin is closed) */
export function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
