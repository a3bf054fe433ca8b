/**
 * `tandem attribute` — assign members to provider organizations (MSSP method) and print each
 * contract's roster with the members new, changed and dropped since the previous run;
 * `tandem attribute align` records (or `--remove`s) a member's voluntary alignment.
 */
import { TandemError } from '@tandem/core';
import { recordAlignment, removeAlignment, runAttribution, silentLogger, systemContext, type WindowKind } from '@tandem/server';
import { defaultPayerId } from '@tandem/store';
import { InvalidArgumentError, type Command } from 'commander';
import { CliError, EXIT, readConfig } from '../config.ts';
import { withStore } from '../local-store.ts';
import { intOption } from './options.ts';

export function attributeCommand(program: Command): void {
  const attribute = program
    .command('attribute')
    .description('attribute members to provider organizations (MSSP, 42 CFR 425.402): voluntary alignment, then primary care plurality; stores the run')
    // Not a commander requiredOption: commander checks a parent's mandatory options for its subcommands too (`attribute align`).
    .option('--year <YYYY>', 'performance year (required)', intOption('--year', 2000, 2100))
    .option('--window <kind>', 'retrospective (the year) or prospective (12 months ending September 30 of the year before)', (v: string): WindowKind => {
      if (v !== 'retrospective' && v !== 'prospective') throw new InvalidArgumentError('--window must be retrospective or prospective');
      return v;
    }, 'retrospective' as WindowKind)
    .option('--json', 'print the run summary as JSON')
    .action(async (o: { year?: number; window: WindowKind; json?: boolean }) => {
      const year = o.year;
      if (year === undefined) throw new CliError("required option '--year <YYYY>' not specified (or: tandem attribute align --member KEY …)", EXIT.USAGE);
      const s = await withStore(readConfig(), async (store) => {
        const payerId = await defaultPayerId(store.db);
        if (!payerId) throw new CliError('no payer is configured in this database: run `tandem generate --members N` first', EXIT.FAILURE);
        return runAttribution({ store, clock: () => new Date(), log: silentLogger }, systemContext(payerId), { year, window: o.window });
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
  attribute
    .command('align')
    .description("record a member's voluntary alignment (the organization — and practitioner — they designated; wins over claims at the next attribution run), or remove it")
    .requiredOption('--member <key>', 'member key')
    .option('--org <id>', 'the provider organization the member designated')
    .option('--practitioner <npi>', 'the practitioner the member named (one of the organization\'s)')
    .option('--from <YYYY-MM-DD>', 'first day of the designation (default: today)')
    .option('--until <YYYY-MM-DD>', 'last day of the designation (default: open-ended)')
    .option('--remove', "remove the member's alignment")
    .action(async (o: { member: string; org?: string; practitioner?: string; from?: string; until?: string; remove?: boolean }) => {
      if (o.remove && (o.org ?? o.practitioner ?? o.from ?? o.until) !== undefined) throw new CliError('--remove takes --member alone', EXIT.USAGE);
      if (!o.remove && o.org === undefined) throw new CliError('attribute align needs --org ORG_ID (or --remove)', EXIT.USAGE);
      const out = await withStore(readConfig(), async (store) => {
        const payerId = await defaultPayerId(store.db);
        if (!payerId) throw new CliError('no payer is configured in this database: run `tandem generate --members N` first', EXIT.FAILURE);
        const deps = { store, clock: () => new Date(), log: silentLogger };
        try {
          if (o.remove) {
            await removeAlignment(deps, systemContext(payerId), o.member);
            return `member ${o.member}: voluntary alignment removed`;
          }
          const a = await recordAlignment(deps, systemContext(payerId), o.member, { orgId: o.org, practitionerNpi: o.practitioner, from: o.from, until: o.until });
          return `member ${a.memberKey} aligned with ${a.orgId}${a.practitionerNpi ? ` (practitioner ${a.practitionerNpi})` : ''} from ${a.from}${a.until ? ` until ${a.until}` : ''}; the next attribution run assigns the member there`;
        } catch (e) {
          // Bad input is a usage error (exit 2), one line naming the field.
          if (e instanceof TandemError && e.code === 'INVALID_REQUEST') throw new CliError(e.message, EXIT.USAGE);
          throw e;
        }
      });
      process.stdout.write(`${out}\n`);
    });
}
