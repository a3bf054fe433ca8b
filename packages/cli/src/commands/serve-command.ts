import { readServerLock, serve } from '@tandem/server/runtime';
import type { Command } from 'commander';
import { readConfig, CliError, EXIT } from '../config.ts';
import { intOption } from './options.ts';

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run the API, FHIR endpoints and dashboard (PORT, DATABASE_URL, TANDEM_DATA from the environment)')
    .option('--port <n>', 'port to listen on (default: PORT or 8080)', intOption('--port', 0, 65535))
    .option('--demo', 'load demo data when the database is empty')
    .option('--demo-members <n>', 'members in the demo population', intOption('--demo-members', 1, 1_000_000), 2000)
    .action(async (o: { port?: number; demo?: boolean; demoMembers: number }) => {
      const config = readConfig();
      if (!config.databaseUrl) {
        const lock = readServerLock(config.dataDir);
        if (lock) throw new CliError(`a Tandem server (pid ${lock.pid}) is already running on ${config.dataDir} at ${lock.url}`, EXIT.BUSY);
      }
      const server = await serve({
        databaseUrl: config.databaseUrl, dataDir: config.dataDir, port: o.port ?? config.port, host: config.host, logLevel: config.logLevel,
        // A fixed seed and service year: every demo shows the same population.
        demo: o.demo ? { members: o.demoMembers, seed: 2026, year: 2026 } : null,
        print: (l) => process.stdout.write(`${l}\n`),
      });
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          process.stdout.write(`\n${signal}: shutting down…\n`);
          void server.close().then(resolve);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
