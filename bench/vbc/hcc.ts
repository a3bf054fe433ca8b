/**
 * CMS-HCC V28 scoring speed: 200,000 generated beneficiaries (age, sex, 0–12 diagnoses drawn
 * from the V28 diagnosis map and from codes that map to nothing), scored with explanations.
 * Anchor in the same run: only the diagnosis → CC lookups of the same inputs (the least any
 * scorer must do).
 * Usage: node --import tsx bench/vbc/hcc.ts [--members 200000]
 */
import { createPrng, scoreHcc, type HccInput } from '@tandem/core';
import { HCC_PARAMETERS_DEFAULT, loadHccV28 } from '@tandem/server';
import { cpus } from 'node:os';

const args = process.argv.slice(2);
const n = Number(args[args.indexOf('--members') + 1] ?? 200_000) || 200_000;
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
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}; ${n.toLocaleString('en-US')} beneficiaries, ${inputs.reduce((s, x) => s + x.diagnoses.length, 0).toLocaleString('en-US')} diagnoses`);
console.log(`| measure | members/s |`);
console.log(`|---|---:|`);
console.log(`| anchor: diagnosis → CC lookups only (${lookups} CCs) | ${Math.round(n / anchor).toLocaleString('en-US')} |`);
console.log(`| Tandem scoreHcc with explanation (${hccs} payment HCCs) | ${Math.round(n / ours).toLocaleString('en-US')} |`);
