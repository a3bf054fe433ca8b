/**
 * `tandem contract create` — a contract between the payer and a provider organization (for
 * example one an import created), so that value-based terms, rosters and settlements have
 * something to hang on. Joins the `contract` command `settle-command.ts` defines.
 */
import { TandemError } from '@tandem/core';
import { createContract, silentLogger, systemContext } from '@tandem/server';
import type { Command } from 'commander';
import { CliError, EXIT, readConfig } from '../config.ts';
import { withStore } from '../local-store.ts';
import { dateOption } from './options.ts';
import { resolvePayer } from './payer-option.ts';

export function contractCreateCommand(program: Command): void {
  const contract = program.commands.find((c) => c.name() === 'contract') ?? program.command('contract').description('contracts and their value-based terms');
  contract
    .command('create')
    .description('create a contract between the payer and a provider organization (find ids with `tandem orgs --kind provider`)')
    .requiredOption('--provider <org-id>', 'the provider organization')
    .requiredOption('--name <name>', 'the contract\'s name')
    .option('--payer <org-id>', 'the payer (default: the only payer)')
    .option('--fee-schedule <id>', 'fee schedule for claims Tandem adjudicates (default: the base schedule of the payer\'s plans)')
    .option('--from <YYYY-MM-DD>', 'effective from (default 2000-01-01, so imported history falls inside)', dateOption('--from'), '2000-01-01')
    .action(async (o: { provider: string; name: string; payer?: string; feeSchedule?: string; from: string }) => {
      const c = await withStore(readConfig(), async (store) => {
        const payerId = await resolvePayer(store.db, o.payer);
        try {
          return await createContract({ store, clock: () => new Date(), log: silentLogger }, systemContext(payerId), { providerOrgId: o.provider, name: o.name, feeScheduleId: o.feeSchedule, effectiveFrom: o.from });
        } catch (e) {
          if (e instanceof TandemError && (e.code === 'INVALID_REQUEST' || e.code === 'NOT_FOUND')) throw new CliError(e.message, EXIT.USAGE);
          throw e;
        }
      });
      process.stdout.write(`contract ${c.id}: ${c.name} — ${c.providerName} (${c.providerOrgId}) with payer ${c.payerOrgId}, fee schedule ${c.feeScheduleId}, effective ${c.effectiveFrom}\n`);
    });
}
