/**
 * A migrated PGlite database, made once per migration set and machine and reused by every
 * test store and CLI test that starts on PGlite. Starting PGlite on an empty directory runs
 * initdb, 1.5–3 s of CPU each time; loading this dump takes about 0.4 s. The suite starts
 * some fifty such databases per run on a 2-core machine.
 *
 * The dump is a file in the OS temp directory named by a hash of the migration sources and
 * the PGlite version, so a changed migration makes a new one. Parallel test workers may both
 * make it: each writes its own file and renames it into place (the contents are equal).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely } from 'kysely';
import { PGliteDialect } from '../dialect/pglite-driver.ts';
import { openStore } from '../open-database.ts';
import { migrateToLatest } from '../migrations/index.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
const PREFIX = 'tandem-pglite-template-';

function templateKey(): string {
  const h = createHash('sha256');
  // The package does not export its package.json: read it next to its entry point (dist/index.cjs).
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  h.update(readFileSync(join(dirname(entry), '..', 'package.json')));
  for (const f of readdirSync(MIGRATIONS_DIR).sort()) h.update(f).update(readFileSync(join(MIGRATIONS_DIR, f)));
  return h.digest('hex').slice(0, 16);
}

let cached: Promise<Blob> | undefined;

/** The migrated template as a PGlite data-directory dump (uncompressed tar). */
export function migratedPgliteDump(): Promise<Blob> {
  cached ??= (async () => {
    const file = join(tmpdir(), `${PREFIX}${templateKey()}.tar`);
    if (!existsSync(file)) {
      const { PGlite } = await import('@electric-sql/pglite');
      const pglite = new PGlite('memory://');
      const db = new Kysely<unknown>({ dialect: new PGliteDialect(pglite) });
      await migrateToLatest(db);
      const dump = await pglite.dumpDataDir('none');
      await db.destroy();
      const part = `${file}.${randomBytes(4).toString('hex')}.part`;
      writeFileSync(part, Buffer.from(await dump.arrayBuffer()));
      renameSync(part, file);
      // Templates of other migration sets made over a day ago are of no more use (another checkout may still use a recent one).
      for (const old of readdirSync(tmpdir())) {
        const path = join(tmpdir(), old);
        if (old.startsWith(PREFIX) && old.endsWith('.tar') && path !== file && statSync(path).mtimeMs < Date.now() - 86_400_000) rmSync(path, { force: true });
      }
    }
    return new Blob([readFileSync(file)]);
  })();
  return cached;
}

/** Make `dir` (absent or empty) a migrated PGlite data directory, as `tandem` would after its first command. */
export async function seedPgliteDir(dir: string): Promise<void> {
  const store = await openStore({ dataDir: dir, loadDataDir: await migratedPgliteDump() });
  await store.close();
}
