import { migrate } from '@tandem/store';
import type { Command } from 'commander';
import { readConfig } from '../config.ts';
import { withStore } from '../local-store.ts';

export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('create or upgrade the database schema (embedded database, or DATABASE_URL)')
    .action(async () => {
      const config = readConfig();
      await withStore(config, async (store) => {
        const applied = await migrate(store);
        process.stdout.write(`${store.description}: schema is current${applied.length ? ` (applied ${applied.join(', ')})` : ''}\n`);
      });
    });
}
