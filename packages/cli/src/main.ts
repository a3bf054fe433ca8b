/**
 * The `tandem` command line. Every command calls the same use cases as the server.
 * Exit codes: 0 ok, 1 failure, 2 bad arguments or input, 3 embedded database owned by a
 * running server, 4 submission rejected by its 999.
 */
import { Command, CommanderError } from 'commander';
import { auditCommand } from './commands/audit-command.ts';
import { attributeCommand } from './commands/attribute-command.ts';
import { claimsCommand } from './commands/claims-command.ts';
import { contractCreateCommand } from './commands/contract-command.ts';
import { generateCommand } from './commands/generate-command.ts';
import { importCommand } from './commands/import-command.ts';
import { measuresCommand } from './commands/measures-command.ts';
import { migrateCommand } from './commands/migrate-command.ts';
import { orgsCommand } from './commands/orgs-command.ts';
import { payerToPayerCommand } from './commands/payer-to-payer-command.ts';
import { priorAuthCommand } from './commands/prior-auth-command.ts';
import { remitCommand } from './commands/remit-command.ts';
import { riskCommand } from './commands/risk-command.ts';
import { serveCommand } from './commands/serve-command.ts';
import { settleCommands } from './commands/settle-command.ts';
import { smartCommand } from './commands/smart-command.ts';
import { tokenCommand } from './commands/token-command.ts';
import { x12Command } from './commands/x12-command.ts';
import { CliError, EXIT } from './config.ts';

export function buildProgram(): Command {
  const program = new Command('tandem')
    .description('Tandem — one system for a health plan and the providers it pays')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  serveCommand(program);
  migrateCommand(program);
  generateCommand(program);
  claimsCommand(program);
  remitCommand(program);
  riskCommand(program);
  attributeCommand(program);
  settleCommands(program);
  contractCreateCommand(program);
  importCommand(program);
  payerToPayerCommand(program);
  orgsCommand(program);
  priorAuthCommand(program);
  measuresCommand(program);
  tokenCommand(program);
  smartCommand(program);
  x12Command(program);
  auditCommand(program);
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with code 0.
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (e instanceof CliError) {
      process.stderr.write(`tandem: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`tandem: ${(e as Error).message ?? String(e)}\n`);
    if (process.env.TANDEM_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return EXIT.FAILURE;
  }
}
