/**
 * Quality measure evaluation: CMS125 and CMS130 (the shipped FHIR eCQMs) over generated members,
 * each a Patient plus the Encounters/Procedures/Conditions derived from a year of generated claims
 * (the same mapping as production) and, for some, a submitted mammogram or stool test.
 *
 *   Tandem: fqm-execution's execution + population logic + evidence walk, batches of 250 members
 *           spread over one worker thread per core (evaluation-pool.ts).
 *   Anchor: fqm-execution's Calculator.calculate, single-threaded, 1,000 members per call (its
 *           default options), in the same run on the same bundles.
 *
 * Both must agree on every member's populations (checked). Prints members/s for each.
 * `--anchor-members N` gives the anchor only the first N members of the same population (its
 * rate does not depend on the population's size, and at ~5 members/s 10,000 take over half an hour).
 * Usage: node --import tsx bench/quality/run.ts [--members 10000] [--anchor-members N] [--threads N]
 */
import { generateClaimsForMember, generateMembers, generateRegistry, serviceSpan, type GeneratorOptions } from '@tandem/core';
import { clinicalFromClaim, clinicalPatient } from '@tandem/fhir';
import { createEvaluationPool, readMeasurePackage, SHIPPED_MEASURES, type FhirBundle } from '@tandem/server';
import { Calculator } from 'fqm-execution';
import { availableParallelism } from 'node:os';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const members = arg('--members', 10_000);
const threads = arg('--threads', availableParallelism());
const anchorMembers = Math.min(members, arg('--anchor-members', members));
const ANCHOR_BATCH = 1000;
const YEAR = 2026;
const period = { periodStart: `${YEAR}-01-01`, periodEnd: `${YEAR}-12-31` };

function population(): FhirBundle[] {
  const opts: GeneratorOptions = { members, seed: 11, year: YEAR };
  const registry = generateRegistry(opts);
  const bundles: FhirBundle[] = [];
  let n = 0;
  for (const chunk of generateMembers(opts, registry)) {
    for (const [i, m] of chunk.members.entries()) {
      const entry: NonNullable<FhirBundle['entry']> = [{ resource: clinicalPatient(m) as unknown as FhirBundle }];
      for (const [k, c] of generateClaimsForMember(opts, registry, m, chunk.coverages[i]!).entries()) {
        const span = serviceSpan(c);
        const mapped = clinicalFromClaim(m.key, {
          id: `${m.key}-${k}`, kind: c.kind, placeOfService: c.placeOfService, typeOfBill: c.typeOfBill, serviceFrom: span.from, serviceTo: span.to, diagnoses: c.diagnoses,
          lines: c.lines.map((l, j) => ({ lineNumber: j + 1, procedureCode: l.procedureCode, revenueCode: l.revenueCode, serviceFrom: l.serviceDateFrom, serviceTo: l.serviceDateTo })),
        });
        for (const d of mapped) entry.push({ resource: d.resource });
      }
      n++;
      if (m.gender === 'F' && n % 3 === 0) entry.push({ resource: { resourceType: 'Observation', id: `mammo-${m.key}`, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '24604-1' }] }, subject: { reference: `Patient/${m.key}` }, effectivePeriod: { start: `${YEAR}-05-02`, end: `${YEAR}-05-02` } } });
      if (n % 4 === 0) entry.push({ resource: { resourceType: 'Observation', id: `fobt-${m.key}`, status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }], code: { coding: [{ system: 'http://loinc.org', code: '12503-9' }] }, valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '260385009' }] }, subject: { reference: `Patient/${m.key}` }, effectiveDateTime: `${YEAR}-06-02` } });
      bundles.push({ resourceType: 'Bundle', type: 'collection', entry });
    }
  }
  return bundles;
}

type Pops = Record<string, Record<string, boolean>>;

async function main() {
  const packages = SHIPPED_MEASURES.map((d) => readMeasurePackage(d));
  let t = performance.now();
  const patients = population();
  const resources = patients.reduce((s, b) => s + (b.entry?.length ?? 0), 0);
  process.stderr.write(`${members} members, ${resources} resources generated in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

  // Tandem: the pool, warmed (each worker parses the measures' ELM once), then timed.
  const pool = createEvaluationPool({ threads });
  for (const p of packages) pool.setMeasure(p.id, 'bench', p.bundle);
  for (let k = 0; k < threads; k++) await Promise.all(packages.map((p) => pool.evaluate(p.id, patients.slice(k, k + 1), period)));
  t = performance.now();
  const ours: Pops = {};
  const BATCH = 250;
  const jobs: Promise<void>[] = [];
  for (const p of packages)
    for (let i = 0; i < patients.length; i += BATCH)
      jobs.push(pool.evaluate(p.id, patients.slice(i, i + BATCH), period).then((rs) => {
        for (const r of rs) ours[`${p.name}/${r.patientId}`] = r.populations as Record<string, boolean>;
      }));
  await Promise.all(jobs);
  const tandemSecs = (performance.now() - t) / 1000;
  await pool.close();
  process.stderr.write(`tandem: ${tandemSecs.toFixed(1)} s\n`);

  // Anchor: fqm-execution as documented, one thread, after one warm-up call per measure.
  for (const p of packages) await Calculator.calculate(p.bundle as never, patients.slice(0, 1) as never, { measurementPeriodStart: period.periodStart, measurementPeriodEnd: period.periodEnd, trustMetaProfile: false });
  t = performance.now();
  const theirs: Pops = {};
  // In calls of ANCHOR_BATCH members: one call over 10,000 members ran out of heap (Node's default
  // ~4 GB) after 17 minutes; the batches keep the engine and options the same.
  for (const p of packages) for (let i = 0; i < anchorMembers; i += ANCHOR_BATCH) {
    const out = await Calculator.calculate(p.bundle as never, patients.slice(i, Math.min(anchorMembers, i + ANCHOR_BATCH)) as never, { measurementPeriodStart: period.periodStart, measurementPeriodEnd: period.periodEnd, trustMetaProfile: false });
    for (const r of out.results) {
      const pops: Record<string, boolean> = {};
      for (const x of r.detailedResults?.[0]?.populationResults ?? []) pops[x.populationType] = x.result === true;
      theirs[`${p.name}/${r.patientId}`] = pops;
    }
  }
  const anchorSecs = (performance.now() - t) / 1000;

  let differ = 0;
  for (const [k, v] of Object.entries(theirs)) {
    const o = ours[k] ?? {};
    if (Object.entries(v).some(([pop, b]) => (o[pop] ?? false) !== b)) differ++;
  }
  const count = (name: string, pop: string) => Object.entries(ours).filter(([k, v]) => k.startsWith(`${name}/`) && v[pop]).length;
  console.log(`\n${members} members × ${packages.length} measures (${resources} FHIR resources), ${threads} worker threads on ${availableParallelism()} cores`);
  for (const p of packages) console.log(`  ${p.name}: denominator ${count(p.name, 'denominator')}, exclusions ${count(p.name, 'denominator-exclusion')}, numerator ${count(p.name, 'numerator')}`);
  console.log(`  populations that differ between the two: ${differ} of ${Object.keys(theirs).length}\n`);
  console.log('| engine | seconds | members/s (both measures) |');
  console.log('|---|---:|---:|');
  console.log(`| fqm-execution Calculator.calculate, single-threaded (anchor${anchorMembers < members ? `, first ${anchorMembers} members` : ''}) | ${anchorSecs.toFixed(1)} | ${(anchorMembers / anchorSecs).toFixed(1)} |`);
  console.log(`| Tandem, ${threads} worker threads | ${tandemSecs.toFixed(1)} | ${(members / tandemSecs).toFixed(1)} |`);
  console.log(`\nratio (members/s): ${((members / tandemSecs) / (anchorMembers / anchorSecs)).toFixed(2)}×`);
  if (differ) process.exitCode = 1;
}

await main();
