/**
 * An embedded (PGlite) database has exactly one owner process. The server records itself
 * in `<data dir>/server.json` (mode 0600) with its URL and a system token, so CLI commands
 * run beside it can talk to it over HTTP instead of opening the files a second time.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServerLock {
  readonly pid: number;
  readonly url: string;
  readonly token: string;
  readonly startedAt: string;
}

function lockPath(dataDir: string): string {
  return join(dataDir, 'server.json');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running server that owns this data directory, or null (a stale lock is removed). */
export function readServerLock(dataDir: string): ServerLock | null {
  const p = lockPath(dataDir);
  if (!existsSync(p)) return null;
  try {
    const lock = JSON.parse(readFileSync(p, 'utf8')) as ServerLock;
    if (lock.pid !== process.pid && alive(lock.pid)) return lock;
  } catch {
    // unreadable lock: treat as stale
  }
  rmSync(p, { force: true });
  return null;
}

export function writeServerLock(dataDir: string, lock: ServerLock): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(lockPath(dataDir), JSON.stringify(lock, null, 2), { mode: 0o600 });
}

export function removeServerLock(dataDir: string): void {
  const current = existsSync(lockPath(dataDir)) ? (JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as ServerLock) : null;
  if (current?.pid === process.pid) rmSync(lockPath(dataDir), { force: true });
}
