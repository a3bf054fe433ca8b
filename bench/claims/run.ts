/**
 * End-to-end claims benchmark: generated 837 files in → 999 → adjudicated and stored →
 * 835s out, on PGlite (default) or PostgreSQL (DATABASE_URL). Prints our figure and two
 * anchors measured in the same run on the same data:
 *   - parse only: the X12 reader alone (the ceiling for anything that reads 837s here);
 *   - raw insert: the same claim and line rows bulk-inserted with no parsing or rules
 *     (the database's own limit for this schema).
 * Usage: node --import tsx bench/claims/run.ts [--claims 100000]
 */
import type { GeneratorOptions } from '@tandem/core';
import { claimFiles, loadPopulation, runRemittance, silentLogger, submitClaims, systemContext, type Deps } from '@tandem/server';
import { insertJsonRows } from '@tandem/store';
import { read837 } from '@tandem/x12';
import { cpus, totalmem } from 'node:os';
import { freshStore } from '../bench-kit.ts';

const args = process.argv.slice(2);
const targetClaims = Number(args[args.indexOf('--claims') + 1] ?? 100_000) || 100_000;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;


async function main() {
  // Members so that the population's claims reach the target (≈3.7 claims per member-year).
  const members = Math.ceil(targetClaims / 3.5);
  const opts: GeneratorOptions = { members, seed: 99, year: 2026 };
  const { store, drop } = await freshStore();
  const deps: Deps = { store, clock: () => new Date('2027-01-15T12:00:00Z'), log: silentLogger };
  process.stderr.write(`loading population of ${members} members on ${store.description}…\n`);
  const registry = await loadPopulation(deps, opts);
  const ctx = systemContext(registry.payer.id);

  // Files are produced before timing starts (a provider's system made them).
  const files: string[] = [];
  let claims = 0;
  for (const f of claimFiles(opts, registry, 5_000)) {
    if (claims >= targetClaims) break;
    files.push(f.text);
    claims += f.claims;
  }
  const bytes = files.reduce((s, f) => s + f.length, 0);

  let t = performance.now();
  let parsed = 0;
  for (const f of files) parsed += read837(f).interchanges.flatMap((i) => i.groups.flatMap((g) => g.transactionSets)).reduce((n, s) => n + s.claims.length, 0);
  const parseSecs = (performance.now() - t) / 1000;

  t = performance.now();
  let stored = 0;
  for (const f of files) stored += (await submitClaims(deps, ctx, { text: f, channel: 'cli' })).claims.length;
  const submitSecs = (performance.now() - t) / 1000;
  t = performance.now();
  const remits = await runRemittance(deps, ctx, { pageSize: 10_000 });
  const remitSecs = (performance.now() - t) / 1000;
  const remitted = remits.reduce((s, r) => s + r.claimCount, 0);
  // Our figure: the peak while Tandem worked. The anchor below loads rows into memory itself.
  const tandemPeak = peakRss;

  // Anchor: raw bulk insert of the rows just written, into empty copies of the tables.
  const rows = await store.db.selectFrom('claim').selectAll().limit(stored).execute();
  const lines = await store.db.selectFrom('claim_line').selectAll().execute();
  await drop();
  const raw = await freshStore();
  await raw.store.db.insertInto('organization').values({ id: registry.payer.id, kind: 'payer', name: 'x', tin: null, npi: null, provider_type: null, payer_code: null }).execute();
  await raw.store.db.insertInto('submission').values({ id: rows[0]!.submission_id, channel: 'bench', accepted: true, claim_count: 0 }).execute();
  // Same bulk method Tandem uses (one JSON parameter per 5,000 rows), minus parsing, rules and lookups.
  const claimRows = rows.map((r) => ({ ...r, provider_org_id: null, member_key: null, submission_id: rows[0]!.submission_id, remittance_id: null, plan_id: null, duplicate_of: null }));
  t = performance.now();
  await raw.store.db.transaction().execute(async (trx) => {
    await insertJsonRows(trx, 'claim', Object.keys(claimRows[0]!), claimRows);
    await insertJsonRows(trx, 'claim_line', Object.keys(lines[0]!), lines);
  });
  const rawSecs = (performance.now() - t) / 1000;
  await raw.drop();
  clearInterval(sampler);

  const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')}/s`;
  const total = submitSecs + remitSecs;
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${mib(totalmem())}, node ${process.version}`);
  console.log(`database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite (embedded)'}; claims: ${stored} in ${files.length} files (${mib(bytes)} of X12), lines: ${lines.length}`);
  console.log(`anchor  parse only (x12.read837)            ${rate(parsed, parseSecs)}  (${parseSecs.toFixed(1)} s)`);
  console.log(`anchor  raw bulk insert of the same rows    ${rate(rows.length, rawSecs)}  (${rawSecs.toFixed(1)} s)`);
  console.log(`tandem  837 → 999 → adjudicate → store      ${rate(stored, submitSecs)}  (${submitSecs.toFixed(1)} s)`);
  console.log(`tandem  remittance → balanced 835s          ${rate(remitted, remitSecs)}  (${remitSecs.toFixed(1)} s, ${remits.length} files)`);
  console.log(`tandem  end to end (in → stored → 835 out)  ${rate(stored, total)}  (${total.toFixed(1)} s)`);
  console.log(`peak RSS during the Tandem phases ${mib(tandemPeak)} (whole run ${mib(peakRss)})`);
}

await main();
