/**
 * CMS-HCC V28 scoring speed: 200,000 generated beneficiaries (age, sex, 0–12 diagnoses drawn
 * from the V28 diagnosis map and from codes that map to nothing), scored with explanations.
 * Anchor in the same run: only the diagnosis → CC lookups of the same inputs (the least any
 * scorer must do).
 * Also the same scoring spread over one worker thread per core (what a risk run of a large
 * population can do; each worker regenerates the same inputs and scores its share).
 * Usage: node --import tsx bench/vbc/hcc.ts [--members 200000]
 */
import { createPrng, scoreHcc, type HccInput } from '@tandem/core';
import { HCC_PARAMETERS_DEFAULT, loadHccV28 } from '@tandem/server';
import { cpus } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const args = process.argv.slice(2);
const n = isMainThread ? Number(args[args.indexOf('--members') + 1] ?? 200_000) || 200_000 : (workerData as { n: number }).n;
const tables = loadHccV28();
const mapped = [...tables.dxToCc.keys()];
const unmapped = ['R05', 'Z0000', 'I10', 'M545', 'J069', 'E785', 'K219', 'R51'];
const rng = createPrng(7);
const inputs: HccInput[] = [];
for (let i = 0; i < n; i++) {
  const k = Math.floor(rng.next() * 13);
  const diagnoses: string[] = [];
  for (let j = 0; j < k; j++) diagnoses.push(rng.next() < 0.6 ? mapped[Math.floor(rng.next() * mapped.length)]! : unmapped[Math.floor(rng.next() * unmapped.length)]!);
  inputs.push({ age: 65 + Math.floor(rng.next() * 30), sex: rng.next() < 0.5 ? 'F' : 'M', segment: 'CNA', diagnoses });
}

function time(fn: () => number): [number, number] {
  const t0 = process.hrtime.bigint();
  const r = fn();
  return [Number(process.hrtime.bigint() - t0) / 1e9, r];
}

if (!isMainThread) {
  // Worker: warm up, wait for the start signal, score the share, report.
  const { from, to } = workerData as { from: number; to: number };
  for (const x of inputs.slice(from, Math.min(to, from + 5_000))) scoreHcc(tables, x, HCC_PARAMETERS_DEFAULT);
  parentPort!.once('message', () => {
    let c = 0;
    for (let i = from; i < to; i++) c += scoreHcc(tables, inputs[i]!, HCC_PARAMETERS_DEFAULT).hccs.length;
    parentPort!.postMessage(c);
  });
  parentPort!.postMessage('ready');
} else {
  // Warm up both paths, then measure.
  for (const x of inputs.slice(0, 5_000)) scoreHcc(tables, x, HCC_PARAMETERS_DEFAULT);
  const [anchor, lookups] = time(() => {
    let c = 0;
    for (const x of inputs) for (const d of x.diagnoses) c += tables.dxToCc.get(d)?.length ?? 0;
    return c;
  });
  const [ours, hccs] = time(() => {
    let c = 0;
    for (const x of inputs) c += scoreHcc(tables, x, HCC_PARAMETERS_DEFAULT).hccs.length;
    return c;
  });
  // Workers do not inherit tsx's loader for a .ts entry: register it, then load this file.
  const WORKER_BOOT = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const threads = cpus().length;
  const workers = Array.from({ length: threads }, (_, k) => new Worker(WORKER_BOOT, { eval: true, workerData: { n, from: Math.floor((k * n) / threads), to: Math.floor(((k + 1) * n) / threads) } }));
  await Promise.all(workers.map((w) => new Promise((ok) => w.once('message', ok))));
  const t0 = process.hrtime.bigint();
  const counts = await Promise.all(workers.map((w) => new Promise<number>((ok) => { w.once('message', ok); w.postMessage('go'); })));
  const parallel = Number(process.hrtime.bigint() - t0) / 1e9;
  await Promise.all(workers.map((w) => w.terminate()));
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}; ${n.toLocaleString('en-US')} beneficiaries, ${inputs.reduce((s, x) => s + x.diagnoses.length, 0).toLocaleString('en-US')} diagnoses`);
  console.log(`| measure | members/s |`);
  console.log(`|---|---:|`);
  console.log(`| anchor: diagnosis → CC lookups only (${lookups} CCs) | ${Math.round(n / anchor).toLocaleString('en-US')} |`);
  console.log(`| Tandem scoreHcc with explanation, one thread (${hccs} payment HCCs) | ${Math.round(n / ours).toLocaleString('en-US')} |`);
  console.log(`| Tandem scoreHcc with explanation, ${threads} worker threads (${counts.reduce((a, b) => a + b, 0)} payment HCCs) | ${Math.round(n / parallel).toLocaleString('en-US')} |`);
}
