/**
 * Prior authorization latency: concurrent clients drive `POST /fhir/Claim/$submit` over real
 * HTTP at a fixed arrival rate (open loop: a request starts every 1/rate seconds whether or not
 * earlier ones finished), each a PAS Bundle that meets its rule's criteria, so every answer is
 * an automatic decision (checked: A1). Prints p50/p99 of those decisions and, as the anchor from
 * the same run and the same server, the same percentiles of `GET /health` (a round-trip with one
 * database query) driven at the same rate.
 * Usage: node --import tsx bench/prior-auth/run.ts [--rate 50] [--seconds 20] [--members 2000]
 */
import { addAuthRuleSet, buildApp, demoAuthRules, loadPopulation, silentLogger, type Deps } from '@tandem/server';
import { pasBundle } from '@tandem/server/testing';
import { cpus } from 'node:os';
import { freshStore, pct } from '../bench-kit.ts';

const args = process.argv.slice(2);
const arg = (name: string, d: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) || d : d);
const RATE = arg('rate', 50);
const SECONDS = arg('seconds', 20);
const MEMBERS = arg('members', 2000);



/** Fires `n` requests at `rate` per second (open loop) and returns each one's latency in ms. */
async function drive(n: number, rate: number, send: (i: number) => Promise<void>): Promise<{ latencies: number[]; seconds: number; errors: string[] }> {
  const latencies: number[] = [];
  const errors: string[] = [];
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const at = start + (i * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push((async () => {
      const t = performance.now();
      try {
        await send(i);
        latencies.push(performance.now() - t);
      } catch (e) {
        errors.push((e as Error).message);
      }
    })());
  }
  await Promise.all(inflight);
  return { latencies, seconds: (performance.now() - start) / 1000, errors };
}

async function main() {
  const { store, drop } = await freshStore();
  const deps: Deps = { store, clock: () => new Date(), log: silentLogger };
  process.stderr.write(`loading ${MEMBERS} members on ${store.description}…\n`);
  const registry = await loadPopulation(deps, { members: MEMBERS, seed: 7, year: new Date().getUTCFullYear() });
  await addAuthRuleSet(deps, { actor: 'bench', orgId: registry.payer.id, orgKind: 'payer', role: 'system', purpose: 'operations' }, { effectiveFrom: `${new Date().getUTCFullYear()}-01-01`, rules: demoAuthRules() });
  const provider = registry.contracts[0]!.providerOrgId;
  const today = new Date().toISOString().slice(0, 10);
  const members = (await store.db.selectFrom('member').innerJoin('coverage', 'coverage.member_key', 'member.key').select('member.member_id')
    .where('coverage.effective_from', '<=', today).where((eb) => eb.or([eb('coverage.effective_to', 'is', null), eb('coverage.effective_to', '>=', today)])).execute()).map((m) => m.member_id);
  const { app, tokens } = await buildApp(deps);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const token = await tokens.sign({ sub: 'bench.provider', orgId: provider, orgKind: 'provider', role: 'billing' });
  const n = RATE * SECONDS;
  const run = `${Date.now().toString(36)}`;
  const bodies = Array.from({ length: n + 50 }, (_, i) => JSON.stringify(pasBundle({
    id: `BENCH-${run}-${i}`, memberId: members[i % members.length]!, requesterNpi: registry.providers.find((p) => p.id === provider)!.npi!,
    diagnoses: ['M54.16'], answers: { 'conservative-therapy-weeks': 8 }, items: [{ code: '72148', from: today }],
  })));
  const submit = async (i: number) => {
    const res = await fetch(`${base}/fhir/Claim/$submit`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: bodies[i] });
    const text = await res.text();
    if (res.status !== 200 || !text.includes('"code":"A1"')) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
  };
  const health = async () => {
    const res = await fetch(`${base}/health`);
    await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  };
  // Warm-up (JIT, connection pool, first plans), not measured.
  for (let i = 0; i < 50; i++) await submit(n + i);
  for (let i = 0; i < 50; i++) await health();

  process.stderr.write(`driving ${n} requests at ${RATE}/s…\n`);
  const anchor = await drive(n, RATE, health);
  const ours = await drive(n, RATE, submit);
  const auto = await store.db.selectFrom('prior_auth').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'approved').where('decided_by', '=', 'tandem-rules').executeTakeFirst();
  const line = (label: string, r: typeof ours) =>
    `${label.padEnd(44)} p50 ${pct(r.latencies, 50).toFixed(1).padStart(7)} ms   p99 ${pct(r.latencies, 99).toFixed(1).padStart(7)} ms   max ${Math.max(...r.latencies).toFixed(1).padStart(7)} ms   ${(r.latencies.length / r.seconds).toFixed(1)} req/s   errors ${r.errors.length}`;
  console.log(`prior authorization on ${store.description}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}, ${RATE} req/s for ${SECONDS} s, one server process`);
  console.log(line('anchor: GET /health (one DB query)', anchor));
  console.log(line('Tandem: PAS $submit → automatic approval', ours));
  console.log(`automatic approvals stored: ${Number(auto?.n ?? 0)} (incl. 50 warm-up); p99 goal < 500 ms: ${pct(ours.latencies, 99) < 500 ? 'met' : 'NOT met'}`);
  if (ours.errors.length) console.log(`first error: ${ours.errors[0]}`);
  await app.close();
  await drop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
