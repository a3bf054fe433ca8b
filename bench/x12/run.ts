/**
 * X12 reader benchmark: the same generated 837P (≈80 MB, thousands of claims per ST) read
 *   - by Tandem's claim-by-claim stream and its set-by-set stream into typed claims (every
 *     SNIP 1–3 check on),
 *   - by Tandem's reader over the whole file in memory,
 *   - by node-x12 (the open-source JavaScript X12 parser), whole file, strict mode,
 *   - by a raw byte scan counting segment terminators and CLM segments (the physical limit of
 *     reading the file in Node at all).
 * Each reader runs in its own child process so its peak RSS is its own.
 * Usage: node --import tsx bench/x12/run.ts [--mb 160] [--skip-node-x12]   (--mb 160 gives ≈ 89 MiB)
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const SELF = fileURLToPath(import.meta.url);
const mib = (b: number) => b / 1024 / 1024;

interface Result { reader: string; seconds: number; bytes: number; claims: number; peakRssMiB: number; note?: string }

/** Peak RSS sampled while `work` runs. */
async function measured(reader: string, file: string, work: () => Promise<{ claims: number; note?: string }>): Promise<Result> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = process.hrtime.bigint();
  const r = await work();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { reader, seconds, bytes: statSync(file).size, claims: r.claims, peakRssMiB: Math.round(mib(peak)), ...(r.note ? { note: r.note } : {}) };
}

async function child(mode: string, file: string): Promise<Result> {
  switch (mode) {
    case 'scan':
      return measured('raw byte scan (reference)', file, async () => {
        let claims = 0;
        let state = 0; // matches "~\nCLM*" / "~CLM*" starts: count 'C','L','M','*' after a terminator
        for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
          for (let i = 0; i < chunk.length; i++) {
            const c = chunk[i]!;
            if (c === 0x7e) state = 1;
            else if (state === 1 && (c === 0x0a || c === 0x0d)) state = 1;
            else if (state === 1 && c === 0x43) state = 2;
            else if (state === 2 && c === 0x4c) state = 3;
            else if (state === 3 && c === 0x4d) state = 4;
            else if (state === 4 && c === 0x2a) { claims++; state = 0; }
            else state = 0;
          }
        }
        return { claims };
      });
    case 'ours-stream': {
      const { stream837 } = await import('@tandem/x12');
      return measured('Tandem stream837 → typed claims', file, async () => {
        let claims = 0;
        let rejected = 0;
        for await (const s of stream837(createReadStream(file, { highWaterMark: 1 << 20 }))) {
          claims += s.set.claims.length;
          if (!s.set.accepted) rejected++;
        }
        return { claims, ...(rejected ? { note: `${rejected} sets rejected` } : {}) };
      });
    }
    case 'ours-claims': {
      const { stream837Claims } = await import('@tandem/x12');
      return measured('Tandem stream837Claims → typed claims, claim by claim', file, async () => {
        let claims = 0;
        let rejected = 0;
        for await (const e of stream837Claims(createReadStream(file, { highWaterMark: 1 << 20 }))) {
          if (e.kind === 'claim') claims++;
          else if (!e.set.accepted) rejected++;
        }
        return { claims, ...(rejected ? { note: `${rejected} sets rejected` } : {}) };
      });
    }
    case 'ours-whole': {
      const { read837 } = await import('@tandem/x12');
      return measured('Tandem read837, whole file', file, async () => {
        const r = read837(readFileSync(file, 'latin1'));
        return { claims: r.interchanges.flatMap((i) => i.groups.flatMap((g) => g.transactionSets)).reduce((t, s) => t + s.claims.length, 0) };
      });
    }
    case 'node-x12': {
      const { X12Parser } = await import('node-x12');
      return measured('node-x12 1.7.1, whole file', file, async () => {
        const ic = new X12Parser(true).parse(readFileSync(file, 'utf8')) as { functionalGroups: Array<{ transactions: Array<{ segments: Array<{ tag: string }> }> }> };
        let claims = 0;
        for (const g of ic.functionalGroups) for (const t of g.transactions) for (const s of t.segments) if (s.tag === 'CLM') claims++;
        return { claims, note: 'segments only (no loops, no typed claims, no validation)' };
      });
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

async function makeFile(targetMb: number): Promise<string> {
  const file = join(tmpdir(), `tandem-bench-837p-${targetMb}mb.x12`);
  if (existsSync(file)) return file;
  process.stderr.write(`generating a ${targetMb} MB 837P…\n`);
  const { generateRegistry } = await import('@tandem/core');
  const { claimFiles } = await import('@tandem/server');
  // ≈ 2.9 professional claims per member-year, ≈ 560 bytes each.
  const opts = { members: Math.ceil((targetMb * 1024 * 1024) / 560 / 2.9), seed: 42, year: 2026 };
  const registry = generateRegistry(opts);
  for (const f of claimFiles(opts, registry, 10_000_000)) {
    if (f.kind !== 'professional') continue;
    writeFileSync(file, f.text);
    process.stderr.write(`  ${f.claims} claims, ${mib(Buffer.byteLength(f.text)).toFixed(1)} MiB\n`);
  }
  return file;
}

async function main() {
  if (args[0] === '--child') {
    process.stdout.write(JSON.stringify(await child(args[1]!, args[2]!)));
    return;
  }
  const file = await makeFile(Number(arg('--mb') ?? 160));
  const modes = ['scan', 'ours-claims', 'ours-stream', 'ours-whole', ...(args.includes('--skip-node-x12') ? [] : ['node-x12'])];
  const results: Result[] = [];
  for (const m of modes) {
    process.stderr.write(`running ${m}…\n`);
    const r = spawnSync(process.execPath, ['--max-old-space-size=16384', '--import', 'tsx', SELF, '--child', m, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      process.stderr.write(`${m} failed: ${r.stderr.slice(-2000)}\n`);
      continue;
    }
    results.push(JSON.parse(r.stdout) as Result);
  }
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  console.log(`file: ${mib(statSync(file).size).toFixed(1)} MiB 837P (${file})\n`);
  console.log('| reader | MB/s | claims/s | claims | peak RSS | note |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const r of results)
    console.log(`| ${r.reader} | ${(r.bytes / 1e6 / r.seconds).toFixed(1)} | ${Math.round(r.claims / r.seconds).toLocaleString('en-US')} | ${r.claims.toLocaleString('en-US')} | ${r.peakRssMiB} MiB | ${r.note ?? ''} |`);
  const ours = results.find((r) => r.reader.startsWith('Tandem stream837Claims'));
  const theirs = results.find((r) => r.reader.startsWith('node-x12'));
  if (ours && theirs) console.log(`\nTandem streaming vs node-x12: ${(theirs.seconds / ours.seconds).toFixed(1)}× faster, ${(theirs.peakRssMiB / ours.peakRssMiB).toFixed(1)}× less memory`);
}

await main();
