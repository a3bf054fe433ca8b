/**
 * `tandem measures load|test|list|run`: quality measure packages (FHIR eCQMs evaluated with
 * fqm-execution) — store a package, run its test cases, evaluate the population for a year.
 */
import { createEvaluationPool, importSynthea, loadMeasurePackage, readMeasurePackage, runMeasures, runMeasureTests, SHIPPED_MEASURES, silentLogger, systemContext } from '@tandem/server';
import { defaultPayerId, listMeasurePackages } from '@tandem/store';
import { TandemError } from '@tandem/core';
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { CliError, EXIT, readConfig } from '../config.ts';
import { withStore } from '../local-store.ts';
import { intOption } from './options.ts';

function readPackage(dir: string) {
  try {
    return readMeasurePackage(dir);
  } catch (e) {
    if (e instanceof TandemError) throw new CliError(e.message.replace(/^Invalid request: /, ''), EXIT.USAGE);
    throw e;
  }
}

export function measuresCommand(program: Command): void {
  const measures = program.command('measures').description('quality measures (FHIR eCQMs): load packages, run their test cases, evaluate members');
  measures
    .command('load')
    .description('store a measure package (Measure, main Library, dependency Libraries, ValueSets); without DIR, the shipped CMS125 and CMS130')
    .argument('[dir...]', 'package directories')
    .option('--target-bps <n>', 'performance target in basis points (7400 = 74 %)', intOption('--target-bps', 0, 10_000))
    .action(async (dirs: string[], o: { targetBps?: number }) => {
      const list = dirs.length ? dirs : SHIPPED_MEASURES;
      for (const d of list) readPackage(d); // every package checked before any is stored
      await withStore(readConfig(), async (store) => {
        for (const d of list) {
          const p = await loadMeasurePackage({ store, clock: () => new Date(), log: silentLogger }, d, o.targetBps === undefined ? {} : { targetBps: o.targetBps });
          process.stdout.write(`loaded ${p.name} (${p.url}|${p.version}): ${p.libraries.length} libraries, ${p.valueSets} value sets, ${p.testFiles.length} test cases\n`);
          for (const c of p.corrections) process.stdout.write(`  corrected ${c.path}: ${c.from} → ${c.to} (${c.reason})\n`);
        }
      });
    });
  measures
    .command('test')
    .description('evaluate every test case under PACKAGE_DIR/tests against its expected MeasureReport')
    .argument('<package-dir>', 'measure package directory')
    .action(async (dir: string) => {
      const pkg = readPackage(dir);
      if (!pkg.testFiles.length) throw new CliError(`${dir}: no test cases in ${dir}/tests`, EXIT.USAGE);
      let passed = 0;
      let failed = 0;
      await runMeasureTests(pkg, (o) => {
        if (o.mismatches.length) {
          failed++;
          for (const m of o.mismatches) process.stdout.write(`FAIL ${o.file}${o.description ? ` (${o.description.slice(0, 80)})` : ''}: ${m}\n`);
        } else passed++;
      });
      process.stdout.write(`${pkg.name}: ${passed} passed, ${failed} failed\n`);
      if (failed) process.exitCode = EXIT.FAILURE;
    });
  measures
    .command('import')
    .description('import Synthea patient bundles as members with clinical data the measures read')
    .requiredOption('--format <format>', 'input: synthea (one FHIR R4 patient Bundle per .json file)', (v: string) => {
      if (v !== 'synthea') throw new InvalidArgumentError('--format must be synthea');
      return v;
    })
    .argument('<dir>', 'directory of Synthea .json bundles')
    .option('--payer <org-id>', 'the payer the members belong to (default: the only payer)')
    .option('--plan <plan-id>', "the payer's plan to cover them (default: its first plan)")
    .option('--from <org-id>', 'the organization recorded as the sender of the clinical data (default: the payer)')
    .action(async (dir: string, o: { payer?: string; plan?: string; from?: string }) => {
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`no such directory: ${dir}`, EXIT.USAGE);
      const s = await withStore(readConfig(), async (store) => {
        const payerId = o.payer ?? (await defaultPayerId(store.db));
        if (!payerId) throw new CliError('no payer is configured in this database: run `tandem generate --members N` first', EXIT.FAILURE);
        try {
          return await importSynthea({ store, clock: () => new Date(), log: silentLogger }, { ...systemContext(payerId), actor: 'tandem measures import' }, { dir, payerId, submitterOrgId: o.from ?? payerId, ...(o.plan ? { planId: o.plan } : {}) });
        } catch (e) {
          if (e instanceof TandemError) throw new CliError(e.message.replace(/^Invalid request: /, ''), EXIT.USAGE);
          throw e;
        }
      });
      process.stdout.write(`imported ${s.files} Synthea bundles: ${s.membersNew} new members (plan ${s.planId}), ${s.membersOnFile} already on file, ${s.resources} clinical resources\n`);
    });
  measures
    .command('list')
    .description('the stored measure packages')
    .action(async () => {
      const rows = await withStore(readConfig(), (store) => listMeasurePackages(store.db));
      if (!rows.length) process.stdout.write('no measures loaded: run `tandem measures load`\n');
      for (const r of rows) process.stdout.write(`${r.name.padEnd(30)} ${r.url}|${r.version}  target ${r.target_bps === null ? '—' : `${(r.target_bps / 100).toFixed(2)} %`}  improvement ${r.improvement_notation}\n`);
    });
  measures
    .command('run')
    .description("evaluate every loaded measure for the payer's members with coverage in the year, on worker threads")
    .requiredOption('--year <YYYY>', 'measurement period (calendar year)', intOption('--year', 2000, 2100))
    .option('--threads <n>', 'worker threads (default: cores - 1; 0 = this thread)', intOption('--threads', 0, 64))
    .action(async (o: { year: number; threads?: number }) => {
      const summary = await withStore(readConfig(), async (store) => {
        const payerId = await defaultPayerId(store.db);
        if (!payerId) throw new CliError('no payer is configured in this database: run `tandem generate --members N` first', EXIT.FAILURE);
        if (!(await listMeasurePackages(store.db)).length) throw new CliError('no measures loaded: run `tandem measures load` first', EXIT.FAILURE);
        const pool = createEvaluationPool(o.threads === undefined ? {} : { threads: o.threads });
        try {
          return await runMeasures({ store, clock: () => new Date(), log: silentLogger }, systemContext(payerId), { year: o.year, pool });
        } finally {
          await pool.close();
        }
      });
      process.stdout.write(`${summary.members} members, ${summary.year}, ${summary.seconds.toFixed(1)} s (${Math.round(summary.members / Math.max(summary.seconds, 0.001))} members/s)\n`);
      for (const m of summary.measures)
        process.stdout.write(`  ${m.name.padEnd(30)} denominator ${m.denominator}, excluded ${m.excluded}, numerator ${m.numerator}, open gaps ${m.openGaps}${m.errors ? `, errors ${m.errors}` : ''}\n`);
    });
}
