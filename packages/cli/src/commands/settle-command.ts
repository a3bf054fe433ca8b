/**
 * `tandem contract terms` (versioned value-based terms from a JSON file) and `tandem settle`
 * (a contract's statement for a year, printed as its waterfall; `--verify RUN_ID` replays a
 * stored run from its frozen inputs and compares it byte for byte).
 */
import { formatCents } from '@tandem/core';
import { addContractTermsVersion, settleContract, silentLogger, systemContext, verifySettlement } from '@tandem/server';
import { defaultPayerId } from '@tandem/store';
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { CliError, EXIT, readConfig } from '../config.ts';
import { withStore } from '../local-store.ts';
import { intOption } from './options.ts';

function dateOption(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new InvalidArgumentError('--effective must be a date YYYY-MM-DD');
  return v;
}

export function settleCommands(program: Command): void {
  const contract = program.command('contract').description('value-based contract terms');
  contract
    .command('terms')
    .description('add a new version of a contract\'s value-based terms from a JSON file (see README: shared-savings terms)')
    .requiredOption('--contract <id>', 'contract id')
    .requiredOption('--file <terms.json>', 'the terms as JSON')
    .option('--effective <YYYY-MM-DD>', 'effective from', dateOption, '2000-01-01')
    .action(async (o: { contract: string; file: string; effective: string }) => {
      if (!existsSync(o.file)) throw new CliError(`no such file: ${o.file}`, EXIT.USAGE);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(o.file, 'utf8'));
      } catch (e) {
        throw new CliError(`${o.file} is not JSON: ${(e as Error).message}`, EXIT.USAGE);
      }
      // The same use case as POST /api/contracts/{id}/terms: same checks, audited as the system.
      const version = await withStore(readConfig(), async (store) => {
        // On behalf of the contract's own payer (a database may hold more than one).
        const found = await store.db.selectFrom('contract').select('payer_org_id').where('id', '=', o.contract).executeTakeFirst();
        if (!found) throw new CliError(`no such contract: ${o.contract}`, EXIT.USAGE);
        return (await addContractTermsVersion({ store, clock: () => new Date(), log: silentLogger }, systemContext(found.payer_org_id), { contractId: o.contract, effective: o.effective, terms: raw })).version;
      });
      process.stdout.write(`contract ${o.contract}: terms version ${version}, effective ${o.effective}\n`);
    });
  program
    .command('settle')
    .description('settle a contract for a performance year under its terms (shared savings, capitation or bundled episodes) and print the waterfall; --verify replays a stored run')
    .option('--contract <id>', 'contract id')
    .option('--period <YYYY>', 'performance year', intOption('--period', 2000, 2100))
    .option('--verify <RUN_ID>', 'recompute a stored run from its frozen inputs alone and compare byte for byte: exit 0 identical, 1 different (the first difference is printed)')
    .option('--json', 'print the statement (inputs, waterfall, per-member expenditure) or the verification as JSON')
    .action(async (o: { contract?: string; period?: number; verify?: string; json?: boolean }) => {
      if (o.verify !== undefined) {
        if (o.contract !== undefined || o.period !== undefined) throw new CliError('--verify takes a run id alone: drop --contract and --period', EXIT.USAGE);
        const v = await withStore(readConfig(), async (store) => {
          const payerId = await defaultPayerId(store.db);
          if (!payerId) throw new CliError('no payer is configured in this database: run `tandem generate --members N` first', EXIT.FAILURE);
          return verifySettlement({ store, clock: () => new Date(), log: silentLogger }, systemContext(payerId), o.verify!);
        });
        if (o.json) process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
        else if (v.identical) process.stdout.write(`settlement ${v.id}: replay identical (sha256 ${v.storedSha256})\n`);
        else process.stdout.write(`settlement ${v.id}: replay differs at ${v.difference!.path}: stored ${v.difference!.stored}, replayed ${v.difference!.replayed}\n`);
        if (!v.identical) process.exitCode = EXIT.FAILURE;
        return;
      }
      if (o.contract === undefined || o.period === undefined) throw new CliError('settle needs --contract ID and --period YYYY (or --verify RUN_ID)', EXIT.USAGE);
      const contractId = o.contract;
      const period = o.period;
      const s = await withStore(readConfig(), async (store) => {
        const payerId = await defaultPayerId(store.db);
        if (!payerId) throw new CliError('no payer is configured in this database: run `tandem generate --members N` first', EXIT.FAILURE);
        return settleContract({ store, clock: () => new Date(), log: silentLogger }, systemContext(payerId), { contractId, period });
      });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        return;
      }
      const head = `settlement ${s.id}: contract ${s.contractId}, ${s.period}, ${s.type}, terms version ${s.termsVersion}`;
      const detail = s.type === 'shared-savings'
        ? [`  ${s.inputs.members} attributed members (${s.inputs.attributionRunId}), ${s.inputs.memberMonths} member months, mean risk score ${s.inputs.meanRiskScore}${s.inputs.riskRunId ? ` (${s.inputs.riskRunId})` : ''}`,
          `  claims received by ${s.inputs.runOutCutoff}; ${s.inputs.truncatedMembers} member(s) truncated at ${formatCents(s.inputs.truncationCapCents)}`]
        : s.type === 'capitation'
          ? [`  ${s.inputs.members} attributed members (${s.inputs.attributionRunId}), ${s.inputs.memberMonths} member months, mean risk score ${s.inputs.meanRiskScore}${s.inputs.riskRunId ? ` (${s.inputs.riskRunId})` : ''}, quality ${(s.inputs.qualityBps / 100).toFixed(2)} %`]
          : [`  ${s.inputs.episodes} episodes (${Object.keys(s.inputs.expenditureByMember).length} members), claims received by ${s.inputs.runOutCutoff}`,
            ...s.outputs.episodes.slice(0, 20).map((e) => `    ${e.memberKey.padEnd(14)} ${e.trigger.kind} ${e.trigger.code} ${e.from}–${e.to}  target ${formatCents(e.targetCents)}  actual ${formatCents(e.actualCents)} (${e.claims.length} claims)`)];
      const out = [head, ...detail, '', ...s.outputs.waterfall.map((w) => `  ${w.step.padEnd(22)} ${formatCents(w.amountCents).padStart(18)}   ${w.note}`)];
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
