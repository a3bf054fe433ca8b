/**
 * Value-based care over a stored population: attribution (MSSP) + CMS-HCC V28 risk run +
 * settlement of every contract, for generated members with a year of claims submitted as 837s
 * (setup, not timed). Anchor in the same run, on the same database: only reading the rows
 * those three steps need (primary-care service lines, diagnosis claims, paid claims per
 * member) — the floor for any engine that computes from the store.
 * Usage: DATABASE_URL=postgres://… node --import tsx bench/vbc/run.ts [--members 100000]
 *        (without DATABASE_URL: embedded PGlite in a temp directory)
 */
import { MSSP_DEFAULTS, type GeneratorOptions } from '@tandem/core';
import { claimFiles, DEMO_TERMS, loadPopulation, runAttribution, runRiskAdjustment, settleContract, silentLogger, submitClaims, systemContext, type Deps } from '@tandem/server';
import { addContractTerms, attributionServices, expenditureByMember, migrate, openStore, riskClaims } from '@tandem/store';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const args = process.argv.slice(2);
const members = Number(args[args.indexOf('--members') + 1] ?? 100_000) || 100_000;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

async function main() {
  const url = process.env.DATABASE_URL;
  const schema = url ? `bench_${randomBytes(4).toString('hex')}` : undefined;
  const dir = url ? undefined : mkdtempSync(join(tmpdir(), 'tandem-vbc-'));
  const store = await openStore({ url, schema, dataDir: dir });
  await migrate(store);
  const deps: Deps = { store, clock: () => new Date('2027-01-15T12:00:00Z'), log: silentLogger };
  const opts: GeneratorOptions = { members, seed: 5, year: 2026 };
  let t = performance.now();
  process.stderr.write(`setup: ${members} members and their 2026 claims on ${store.description}…\n`);
  const registry = await loadPopulation(deps, opts);
  const ctx = systemContext(registry.payer.id);
  let claims = 0;
  for (const f of claimFiles(opts, registry, 10_000)) claims += (await submitClaims(deps, ctx, { text: f.text, channel: 'cli' })).claims.length;
  for (const c of registry.contracts) await addContractTerms(store.db, c.id, '2026-01-01', { ...DEMO_TERMS });
  process.stderr.write(`setup done in ${((performance.now() - t) / 1000).toFixed(0)} s (${claims} claims)\n`);
  const setupPeak = peakRss;
  peakRss = 0;

  // Anchor: read what the three steps read, and nothing else.
  t = performance.now();
  const services = await attributionServices(store.db, ctx.orgId, '2026-01-01', '2026-12-31', MSSP_DEFAULTS.primaryCareCodes);
  const dx = await riskClaims(store.db, ctx.orgId, '2026-01-01', '2026-12-31');
  const keys = (await store.db.selectFrom('member').select('key').execute()).map((m) => m.key);
  const spend = await expenditureByMember(store.db, ctx.orgId, keys, '2026-01-01', '2026-12-31', '2027-03-31');
  const anchorSecs = (performance.now() - t) / 1000;
  const anchorPeak = peakRss;
  peakRss = 0;

  const timed = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
    const t0 = performance.now();
    const r = await fn();
    return [(performance.now() - t0) / 1000, r];
  };
  const [attrSecs, attr] = await timed(() => runAttribution(deps, ctx, { year: 2026 }));
  const [riskSecs, risk] = await timed(() => runRiskAdjustment(deps, ctx, { paymentYear: 2027 }));
  const [settleSecs, settled] = await timed(async () => {
    const out = [];
    for (const c of registry.contracts) out.push(await settleContract(deps, ctx, { contractId: c.id, period: 2026 }));
    return out;
  });
  clearInterval(sampler);
  const total = attrSecs + riskSecs + settleSecs;

  await store.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (url && schema) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`drop schema ${schema} cascade`);
    await c.end();
  }
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${mib(totalmem())}, node ${process.version}`);
  console.log(`database: ${url ? 'PostgreSQL' : 'PGlite (embedded)'}; members: ${members}, claims: ${claims}, contracts: ${registry.contracts.length} (setup peak RSS ${mib(setupPeak)})`);
  console.log(`anchor  read only (services ${services.length}, dx claims ${dx.length}, spend ${spend.size})   ${anchorSecs.toFixed(1)} s  (peak RSS ${mib(anchorPeak)})`);
  console.log(`tandem  attribution (${attr.members} members, ${attr.members - attr.byStep.none} assigned)   ${attrSecs.toFixed(1)} s`);
  console.log(`tandem  risk run (${risk.members} MA members scored)   ${riskSecs.toFixed(1)} s`);
  console.log(`tandem  settlement of ${settled.length} contracts (${settled.reduce((s, x) => s + ('members' in x.inputs ? x.inputs.members : 0), 0)} members)   ${settleSecs.toFixed(1)} s`);
  console.log(`tandem  attribution + risk + settlement   ${total.toFixed(1)} s  (goal < 30 s; peak RSS ${mib(peakRss)})`);
}

await main();
