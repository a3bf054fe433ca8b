/** `tandem orgs` — the organizations with their claim counts, to find the ids other commands take. */
import { listOrganizations } from '@tandem/store';
import { InvalidArgumentError, type Command } from 'commander';
import { readConfig } from '../config.ts';
import { withStore } from '../local-store.ts';
import { intOption } from './options.ts';

export function orgsCommand(program: Command): void {
  program
    .command('orgs')
    .description('list organizations with the members the latest attribution run assigned them, the claims they are the provider of, and their contracts (most attributed first)')
    .option('--kind <kind>', 'payer or provider', (v: string): 'payer' | 'provider' => {
      if (v !== 'payer' && v !== 'provider') throw new InvalidArgumentError('--kind must be payer or provider');
      return v;
    })
    .option('--limit <n>', 'at most this many', intOption('--limit', 1, 1_000_000))
    .option('--json', 'print as JSON')
    .action(async (o: { kind?: 'payer' | 'provider'; limit?: number; json?: boolean }) => {
      const orgs = await withStore(readConfig(), (store) => listOrganizations(store.db, { kind: o.kind, limit: o.limit }));
      if (o.json) {
        process.stdout.write(`${JSON.stringify(orgs, null, 2)}\n`);
        return;
      }
      const idWidth = Math.max(2, ...orgs.map((x) => x.id.length));
      const out = [`${'id'.padEnd(idWidth)}  kind      npi         attributed  claims  contracts  name`];
      for (const x of orgs) out.push(`${x.id.padEnd(idWidth)}  ${x.kind.padEnd(8)}  ${(x.npi ?? '').padEnd(10)}  ${String(x.attributed).padStart(10)}  ${String(x.claims).padStart(6)}  ${String(x.contracts).padStart(9)}  ${x.name}`);
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
