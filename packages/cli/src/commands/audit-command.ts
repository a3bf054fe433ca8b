/** `tandem audit` — the audit trail on the database: every organization's events, newest first (as the system role reads it). */
import { auditEvents, systemContext } from '@tandem/server';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, defaultPayerId } from '@tandem/store';
import type { Command } from 'commander';
import { CliError, EXIT, readConfig } from '../config.ts';
import { withStore } from '../local-store.ts';
import { dateOption, intOption, oneOf } from './options.ts';

export function auditCommand(program: Command): void {
  program
    .command('audit')
    .description('print audit events, newest first: reads and changes of member data, sign-ins and refused sign-ins (this read is audited too)')
    .option('--member <key>', "only events naming this member")
    .option('--actor <username>', 'only events by this user or system')
    .option('--action <action>', AUDIT_ACTIONS.join(', '), oneOf('--action', AUDIT_ACTIONS))
    .option('--outcome <outcome>', AUDIT_OUTCOMES.join(', '), oneOf('--outcome', AUDIT_OUTCOMES))
    .option('--since <date>', 'events on or after this date (YYYY-MM-DD)', dateOption('--since'))
    .option('--limit <n>', 'at most this many (default 100)', intOption('--limit', 1, 100_000))
    .option('--json', 'print as JSON')
    .action(async (o: { member?: string; actor?: string; action?: string; outcome?: string; since?: string; limit?: number; json?: boolean }) => {
      const events = await withStore(readConfig(), async (store) => {
        // The read is audited as the operator's, on behalf of the plan that runs Tandem.
        const payerId = await defaultPayerId(store.db);
        if (!payerId) throw new CliError('the database holds no organizations yet (tandem generate, or tandem serve --demo)', EXIT.FAILURE);
        return auditEvents(store.db, { ...systemContext(payerId), actor: 'tandem-cli' }, true, { ...o, limit: o.limit ?? 100 });
      });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(events, null, 2)}\n`);
        return;
      }
      const out = ['id        at                        outcome  action  type                    actor               members'];
      for (const e of events) {
        const members = e.memberKeys.length > 3 ? `${e.memberKeys.slice(0, 3).join(',')} +${e.memberKeys.length - 3}` : e.memberKeys.join(',');
        out.push(`${String(e.id).padEnd(8)}  ${e.at.padEnd(24)}  ${e.outcome.padEnd(7)}  ${e.action.padEnd(6)}  ${e.resourceType.padEnd(22)}  ${e.actor.slice(0, 18).padEnd(18)}  ${members}`);
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
