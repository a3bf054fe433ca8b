/**
 * `tandem attribute` — assign members to provider organizations (MSSP method) and print each
 * contract's roster with the members new, changed and dropped since the previous run.
 */
import { runAttribution, silentLogger, systemContext, type WindowKind } from '@tandem/server';
import { defaultPayerId } from '@tandem/store';
import { InvalidArgumentError, type Command } from 'commander';
import { CliError, EXIT, readConfig } from '../config.ts';
import { withStore } from '../local-store.ts';
import { intOption } from './options.ts';

export function attributeCommand(program: Command): void {
  program
    .command('attribute')
    .description('attribute members to provider organizations (MSSP, 42 CFR 425.402): voluntary alignment, then primary care plurality; stores the run')
    .requiredOption('--year <YYYY>', 'performance year', intOption('--year', 2000, 2100))
    .option('--window <kind>', 'retrospective (the year) or prospective (12 months ending September 30 of the year before)', (v: string): WindowKind => {
      if (v !== 'retrospective' && v !== 'prospective') throw new InvalidArgumentError('--window must be retrospective or prospective');
      return v;
    }, 'retrospective' as WindowKind)
    .option('--json', 'print the run summary as JSON')
    .action(async (o: { year: number; window: WindowKind; json?: boolean }) => {
      const s = await withStore(readConfig(), async (store) => {
        const payerId = await defaultPayerId(store.db);
        if (!payerId) throw new CliError('no payer is configured in this database: run `tandem generate --members N` first', EXIT.FAILURE);
        return runAttribution({ store, clock: () => new Date(), log: silentLogger }, systemContext(payerId), { year: o.year, window: o.window });
      });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        return;
      }
      const out = [
        `attribution run ${s.id}: ${s.windowKind} window ${s.windowFrom} … ${s.windowTo}, ${s.members} eligible members`,
        `  voluntary ${s.byStep.voluntary}, step 1 (primary care practitioners) ${s.byStep['primary-care-practitioner']}, step 2 (specialists) ${s.byStep.specialist}, not assigned ${s.byStep.none}`,
        'contracts:',
        ...s.contracts.map((c) => `  ${c.contractId.padEnd(14)} ${String(c.members).padStart(7)} members  +${c.new} new  ~${c.changed} changed  -${c.dropped} dropped  ${c.name}`),
      ];
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
