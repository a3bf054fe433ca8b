/**
 * Bulk Data export benchmark: a provider's attributed members exported as NDJSON through the
 * same use cases as `Group/{id}/$davinci-data-export` — kick-off, the worker (member set
 * frozen and counted in SQL), then every file streamed from the database — on PostgreSQL
 * (DATABASE_URL) or PGlite. The population is loaded with SQL (generate_series), not timed.
 * Default: 1,000,000 resources = 100,000 Patient + 100,000 Coverage + 800,000 ExplanationOfBenefit.
 * Anchor in the same run: a plain SELECT stream of the same claim and line rows through the same
 * queries and batches, without FHIR mapping or JSON (the database and driver's own pace).
 * Goal (issue 7): ≥ 20,000 resources/s with peak RSS under 300 MiB.
 * Usage: node --import tsx bench/bulk/run.ts [--resources 1000000]
 */
import type { AccessContext } from '@tandem/core';
import { claimFilterOf, exportFile, kickOffExport, runPendingExports, silentLogger, type Deps, type ExportType } from '@tandem/server';
import { getExportJob, streamExportClaims, type ClaimStreamFilter, type Store } from '@tandem/store';
import { sql } from 'kysely';
import { cpus } from 'node:os';
import { freshStore } from '../bench-kit.ts';

const args = process.argv.slice(2);
const resources = Number(args[args.indexOf('--resources') + 1] ?? 1_000_000) || 1_000_000;
const members = Math.max(1, Math.round(resources / 10));
const CLAIMS_PER_MEMBER = 8;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
const fmt = (n: number) => n.toLocaleString('en-US');


/** A payer, one provider with a contract, N members with coverage and 8 one-line claims each, all attributed to the provider. */
async function load(store: Store): Promise<void> {
  const db = store.db;
  const q = (s: string) => sql.raw(s).execute(db);
  await q(`insert into organization (id, kind, name, tin, npi, payer_code) values ('org-payer','payer','Bench Health Plan','990000001',null,'BENCH'), ('org-prov','provider','Bench Medical Group','990000002','1234567893',null)`);
  await q(`insert into fee_schedule values ('fs','org-payer','Base')`);
  await q(`insert into plan values ('plan-1','org-payer','Bench PPO','commercial','fs')`);
  await q(`insert into contract values ('ct-bench','org-payer','org-prov','Bench 2026','2026-01-01',null,'fs')`);
  await q(`insert into submission (id, submitter_org_id, channel, accepted, claim_count) values ('sub-1','org-prov','bench',true,0)`);
  await q(`insert into member (key, payer_org_id, member_id, subscriber_key, relationship, first_name, last_name, date_of_birth, gender)
    select 'm' || lpad(i::text, 8, '0'), 'org-payer', 'BM' || lpad(i::text, 8, '0'), 'm' || lpad(i::text, 8, '0'), 'self', 'First' || i, 'Last' || i,
      date '1950-01-01' + (i % 20000), case when i % 2 = 0 then 'F' else 'M' end
    from generate_series(1, ${members}) i`);
  await q(`insert into coverage select 'cov-' || key, key, key, 'plan-1', '2026-01-01', '2026-12-31' from member`);
  await q(`insert into claim (id, payer_org_id, provider_org_id, submission_id, kind, billing_npi, billing_name, member_key, member_id, patient_name,
      patient_control_number, payer_claim_control_number, frequency_code, place_of_service, type_of_bill, rendering_npi, diagnoses, service_date_from,
      service_date_to, received_at, status, network, plan_id, billed_cents, allowed_cents, paid_cents, patient_resp_cents, dedupe_key, duplicate_of, provenance)
    select 'c' || lpad(i::text, 9, '0'), 'org-payer', 'org-prov', 'sub-1', 'professional', '1234567893', 'Bench Medical Group',
      'm' || lpad(((i - 1) / ${CLAIMS_PER_MEMBER} + 1)::text, 8, '0'), 'BM' || lpad(((i - 1) / ${CLAIMS_PER_MEMBER} + 1)::text, 8, '0'), 'Patient',
      'PCN' || i, 'c' || lpad(i::text, 9, '0'), '1', '11', null, null, '[{"qualifier":"ABK","code":"E119"},{"qualifier":"ABF","code":"I10"}]'::jsonb,
      date '2026-01-01' + (i % 360), date '2026-01-01' + (i % 360), timestamptz '2026-06-01' + (i % 100000) * interval '1 second', 'paid', 'in', 'plan-1',
      20000, 14400, 11520, 2880, 'd' || i, null, '{}'::jsonb
    from generate_series(1, ${members * CLAIMS_PER_MEMBER}) i`);
  await q(`insert into claim_line (claim_id, line_number, procedure_code, modifiers, revenue_code, units, service_date_from, service_date_to, category, network,
      billed_cents, allowed_cents, deductible_cents, copay_cents, coinsurance_cents, patient_resp_cents, paid_cents, adjustments, remarks, fee_schedule_version_id)
    select id, 1, '99213', '[]'::jsonb, null, '1', service_date_from, service_date_to, 'office', 'in', 20000, 14400, 0, 2500, 380, 2880, 11520,
      '[{"group":"CO","carc":"45","amountCents":5600},{"group":"PR","carc":"3","amountCents":2500},{"group":"PR","carc":"2","amountCents":380}]'::jsonb, '[]'::jsonb, null
    from claim`);
  await q(`insert into attribution_run (id, payer_org_id, window_kind, window_from, window_to, method, members) values ('ar-bench','org-payer','performance','2026-01-01','2026-12-31','bench',${members})`);
  await q(`insert into attribution (run_id, member_key, org_id, step, explanation) select 'ar-bench', key, 'org-prov', 'plurality', '{}'::jsonb from member`);
  await q('analyze');
}

/** The anchor: the same claim + line rows through the same queries and batches, without FHIR mapping or JSON. */
async function anchor(store: Store, jobId: string, filter: ClaimStreamFilter, amounts: boolean): Promise<{ rows: number; ms: number }> {
  const t0 = performance.now();
  let rows = 0;
  for await (const batch of streamExportClaims(store.db, jobId, filter, { amounts })) rows += batch.length;
  return { rows, ms: performance.now() - t0 };
}

async function main() {
  const { store, drop } = await freshStore();
  try {
    process.stderr.write(`loading ${fmt(members)} members, ${fmt(members * CLAIMS_PER_MEMBER)} claims on ${store.description}…\n`);
    const l0 = performance.now();
    await load(store);
    process.stderr.write(`loaded in ${((performance.now() - l0) / 1000).toFixed(1)} s\n`);
    const deps: Deps = { store, clock: () => new Date(), log: silentLogger };
    const ctx: AccessContext = { actor: 'bench-ehr', orgId: 'org-prov', orgKind: 'provider', role: 'clinician', purpose: 'treatment' };
    peakRss = process.memoryUsage().rss;
    const rssBefore = peakRss;

    const t0 = performance.now();
    // The million is Patient, Coverage and ExplanationOfBenefit; an export without _type would also derive
    // the US Core Encounter/Procedure/Condition of every claim, a different (and larger) workload.
    const id = await kickOffExport(deps, ctx, { groupId: 'ct-bench', exportType: undefined, type: ['Patient', 'Coverage', 'ExplanationOfBenefit'], since: undefined, typeFilter: undefined, outputFormat: undefined, requestUrl: 'bench' });
    await runPendingExports(deps);
    const job = (await getExportJob(store.db, id))!;
    const tJob = performance.now();
    let total = 0;
    let bytes = 0;
    const perType: string[] = [];
    for (const o of job.outputs) {
      const s0 = performance.now();
      let n = 0;
      for await (const chunk of exportFile(deps, job, o.type as ExportType)) {
        bytes += Buffer.byteLength(chunk);
        // Count the lines (NDJSON: one resource each) with indexOf: a charCodeAt loop over ropes cost the bench as much as a third of the export.
        for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) n++;
      }
      if (n !== o.count) throw new Error(`${o.type}: streamed ${n}, manifest says ${o.count}`);
      total += n;
      perType.push(`${o.type} ${fmt(n)} in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
    }
    const ms = performance.now() - t0;
    const exportPeak = peakRss;
    const a = await anchor(store, id, claimFilterOf(job), ctx.orgKind !== 'provider');

    const rate = total / (ms / 1000);
    process.stdout.write(`\nBulk export on ${store.description}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`);
    process.stdout.write(`  job (freeze ${fmt(job.members ?? 0)} members, count): ${((tJob - t0) / 1000).toFixed(1)} s\n`);
    for (const p of perType) process.stdout.write(`  ${p}\n`);
    process.stdout.write(`  ours:   ${fmt(total)} resources, ${(bytes / 1024 / 1024).toFixed(0)} MiB NDJSON in ${(ms / 1000).toFixed(1)} s = ${fmt(Math.round(rate))} resources/s\n`);
    process.stdout.write(`  anchor: plain SELECT stream of the ${fmt(a.rows)} claims + lines, same queries: ${(a.ms / 1000).toFixed(1)} s = ${fmt(Math.round(a.rows / (a.ms / 1000)))} rows/s\n`);
    process.stdout.write(`  peak RSS during the export: ${mib(exportPeak)} (${mib(rssBefore)} before it)\n`);
    process.stdout.write(`  goal ≥ 20,000 resources/s and < 300 MiB: ${rate >= 20_000 && exportPeak < 300 * 1024 * 1024 ? 'met' : 'NOT met'}\n`);
  } finally {
    clearInterval(sampler);
    await drop();
  }
}

await main();
