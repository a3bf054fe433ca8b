/**
 * `tandem prior-auth rules` — the payer adds a version of its prior authorization rules from a
 * JSON file (the format of packages/server/data/prior-auth/demo-rules.json: `{"rules":[…]}` or a
 * bare array), or lists the versions on file. The public list is then at
 * /prior-authorization/services of a running server.
 */
import { TandemError } from '@tandem/core';
import { addAuthRuleSet, silentLogger, systemContext } from '@tandem/server';
import { loadAuthRuleSets } from '@tandem/store';
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { CliError, EXIT, readConfig } from '../config.ts';
import { withStore } from '../local-store.ts';
import { resolvePayer } from './payer-option.ts';

function dateOption(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new InvalidArgumentError('must be a date YYYY-MM-DD');
  return v;
}

function readRules(file: string): unknown {
  if (!existsSync(file)) throw new CliError(`--file: no such file: ${file}`, EXIT.USAGE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`--file: ${file} is not JSON: ${(e as Error).message}`, EXIT.USAGE);
  }
  return Array.isArray(json) ? json : (json as { rules?: unknown }).rules;
}

export function priorAuthCommand(program: Command): void {
  const pa = program.command('prior-auth').description('prior authorization rules (CMS-0057-F)');
  pa.command('rules')
    .description('add a version of the payer\'s prior authorization rules from --file, or list the versions')
    .option('--file <rules.json>', 'rules as JSON: {"rules":[{"id","codes","description","documentation","autoApprove","validDays",…}]}')
    .option('--effective <YYYY-MM-DD>', 'in force from', dateOption)
    .option('--until <YYYY-MM-DD>', 'in force until (default: open-ended)', dateOption)
    .option('--plans <ids>', 'comma-separated plan ids (default: every plan of the payer)')
    .option('--payer <org-id>', 'the payer (default: the only payer)')
    .action(async (o: { file?: string; effective?: string; until?: string; plans?: string; payer?: string }) => {
      if (o.file && !o.effective) throw new CliError('--effective YYYY-MM-DD is required with --file', EXIT.USAGE);
      const out = await withStore(readConfig(), async (store) => {
        const payerId = await resolvePayer(store.db, o.payer);
        if (!o.file) return (await loadAuthRuleSets(store.db, payerId)).map((s) => `${s.id}  ${s.effectiveFrom} – ${s.effectiveTo ?? 'open'}  ${s.planIds?.join(',') ?? 'all plans'}  ${s.rules.length} rules: ${s.rules.map((r) => r.id).join(', ')}`).join('\n') || 'no rule sets';
        try {
          const set = await addAuthRuleSet({ store, clock: () => new Date(), log: silentLogger }, systemContext(payerId), {
            effectiveFrom: o.effective!, effectiveTo: o.until ?? null, planIds: o.plans ? o.plans.split(',').map((p) => p.trim()).filter(Boolean) : null, rules: readRules(o.file),
          });
          return `rule set ${set.id}: ${set.rules.length} rules for ${set.planIds?.join(', ') ?? 'every plan'} from ${set.effectiveFrom}${set.effectiveTo ? ` to ${set.effectiveTo}` : ''}`;
        } catch (e) {
          if (e instanceof TandemError && e.code === 'INVALID_REQUEST') throw new CliError(e.message, EXIT.USAGE);
          throw e;
        }
      });
      process.stdout.write(`${out}\n`);
    });
}
