/**
 * How a CLI command reaches the data: PostgreSQL directly (any number of processes may),
 * the embedded database directly when no server owns it, or — when a server owns the
 * embedded database — that server over HTTP.
 */
import { migrate, openStore, type Store } from '@tandem/store';
import { readServerLock, type ServerLock } from '@tandem/server/runtime';
import { CliError, EXIT, type Config } from './config.ts';

export type Target = { kind: 'store'; store: Store } | { kind: 'server'; lock: ServerLock };

export async function openTarget(config: Config, opts: { allowServer: boolean }): Promise<Target> {
  if (!config.databaseUrl) {
    const lock = readServerLock(config.dataDir);
    if (lock) {
      if (opts.allowServer) return { kind: 'server', lock };
      throw new CliError(
        `the embedded database ${config.dataDir} is owned by a running Tandem server (pid ${lock.pid}, ${lock.url}); stop it first (Ctrl-C in its terminal or \`kill ${lock.pid}\`), or run both on PostgreSQL with DATABASE_URL`,
        EXIT.BUSY,
      );
    }
  }
  const store = await openStore({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
  await migrate(store);
  return { kind: 'store', store };
}

export async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const t = await openTarget(config, { allowServer: false });
  if (t.kind !== 'store') throw new Error('unreachable');
  try {
    return await fn(t.store);
  } finally {
    await t.store.close();
  }
}
