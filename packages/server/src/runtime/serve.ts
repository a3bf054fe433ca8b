/**
 * Runs the server: opens and migrates the store, seeds the demo when asked and empty,
 * listens, prints where and how to sign in, and shuts down gracefully on SIGINT/SIGTERM
 * (stops accepting, finishes in-flight requests, closes the database).
 */
import { defaultPayerId, isEmpty, migrate, openStore } from '@tandem/store';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../app.ts';
import { pino } from 'pino';
import type { Deps } from '../deps.ts';
import { demoAccounts, seedDemo } from '../use-cases/seed-demo.ts';
import { seedQuality } from '../use-cases/seed-quality.ts';
import { removeServerLock, writeServerLock } from './embedded-lock.ts';

export interface ServeOptions {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  readonly demo: { members: number; seed: number; year: number } | null;
  readonly print: (line: string) => void;
}

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export async function serve(opts: ServeOptions): Promise<{ close(): Promise<void>; url: string }> {
  const store = await openStore({ url: opts.databaseUrl, dataDir: opts.databaseUrl ? undefined : opts.dataDir });
  await migrate(store);
  // One structured (pino) logger for HTTP requests and use cases alike.
  const log = pino({ level: opts.logLevel });
  const deps: Deps = { store, clock: () => new Date(), log };
  const { app, tokens } = await buildApp(deps, { webDir: DEFAULT_WEB_DIR, logger: log, publicUrl: process.env.TANDEM_PUBLIC_URL ?? `http://localhost:${opts.port}` });
  let seedingQuality = false;
  if (opts.demo && (await isEmpty(store.db))) {
    opts.print(`Loading demo data: ${opts.demo.members} members and their ${opts.demo.year} claims through 837 → 999 → adjudication → 835 …`);
    const t0 = Date.now();
    // The quality measures (the slowest step) are evaluated after the server is up, below.
    const r = await seedDemo(deps, { ...opts.demo, quality: false });
    opts.print(`Demo data loaded: ${r.claims} claims in ${r.files} files (${((Date.now() - t0) / 1000).toFixed(1)} s).`);
    seedingQuality = true;
  }
  const address = await app.listen({ port: opts.port, host: opts.host });
  const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  if (!opts.databaseUrl) {
    const payerId = await defaultPayerId(store.db);
    const token = payerId ? await tokens.sign({ sub: 'system', orgId: payerId, orgKind: 'payer', role: 'system' }, 30 * 24 * 3600) : '';
    writeServerLock(opts.dataDir, { pid: process.pid, url, token, startedAt: new Date().toISOString() });
  }
  opts.print('');
  opts.print(`Tandem is running at ${url}  (database: ${store.description})`);
  opts.print(`  Dashboard  ${url}/`);
  opts.print(`  FHIR       ${url}/fhir/metadata`);
  opts.print(`  OpenAPI    ${url}/openapi.json`);
  const accounts = await demoAccounts(deps);
  if (accounts.length) {
    opts.print('  Demo sign-ins (username / password):');
    for (const a of accounts) opts.print(`    ${a.username.padEnd(20)} ${a.password.padEnd(14)} ${a.kind} · ${a.org} (${a.role})`);
  }
  opts.print('Press Ctrl-C to stop.');
  let closing: Promise<void> | null = null;
  if (seedingQuality && opts.demo) {
    const demo = opts.demo;
    const payerId = await defaultPayerId(store.db);
    opts.print(`Evaluating the quality measures for the demo in the background; the Quality page fills in when done …`);
    const t0 = Date.now();
    void seedQuality(deps, payerId!, demo.year).then(
      () => opts.print(`Quality measures evaluated (${((Date.now() - t0) / 1000).toFixed(1)} s).`),
      // Stopped mid-way (Ctrl-C) or failed: the rest of the demo works; `tandem measures run --year` evaluates later.
      (e: unknown) => { if (!closing) log.error({ err: (e as Error).message }, 'demo quality evaluation failed'); },
    );
  }
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await store.close();
      if (!opts.databaseUrl) removeServerLock(opts.dataDir);
    })());
  return { close, url };
}
