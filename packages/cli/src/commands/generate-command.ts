import { createDemoUsers, loadPopulation, claimFiles, submitClaims, systemContext, silentLogger, type Deps } from '@tandem/server';
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readConfig } from '../config.ts';
import { withStore } from '../local-store.ts';
import { progressBar } from '../progress.ts';
import { intOption } from './options.ts';

export function generateCommand(program: Command): void {
  program
    .command('generate')
    .description('build a deterministic synthetic population (payer, plans, providers, contracts, members) and a year of claims')
    .requiredOption('--members <n>', 'number of members', intOption('--members', 1, 10_000_000))
    .option('--seed <n>', 'random seed (same seed, same population)', intOption('--seed', 0, 2 ** 31 - 1), 1)
    .option('--year <yyyy>', 'service year of the claims', intOption('--year', 2000, 2100), 2026)
    .option('--x12-out <dir>', 'write the claims as 837P/837I files into this directory')
    .option('--claims-per-file <n>', 'claims per 837 file', intOption('--claims-per-file', 1, 1_000_000), 5000)
    .option('--submit', 'also submit the claims (837 → 999 → adjudication) into the database')
    .option('--demo-users', 'create the demo sign-ins (password tandem-demo)')
    .action(async (o: { members: number; seed: number; year: number; x12Out?: string; claimsPerFile: number; submit?: boolean; demoUsers?: boolean }) => {
      const config = readConfig();
      await withStore(config, async (store) => {
        const deps: Deps = { store, clock: () => new Date(), log: silentLogger };
        const opts = { members: o.members, seed: o.seed, year: o.year };
        const bar = progressBar('generate');
        const registry = await loadPopulation(deps, opts, (p) => bar.update(p.done, p.total, p.phase));
        bar.stop();
        if (o.demoUsers) await createDemoUsers(deps, registry);
        process.stdout.write(`population: ${registry.providers.length} provider organizations, ${registry.practitioners.length} practitioners, ${registry.plans.length} plans, ${o.members} members (seed ${o.seed})\n`);
        if (!o.x12Out && !o.submit) return;
        const dir = o.x12Out ? resolve(o.x12Out) : null;
        if (dir) mkdirSync(dir, { recursive: true });
        const claimsBar = progressBar('claims');
        let claims = 0;
        let files = 0;
        const expected = o.members * 5;
        for (const f of claimFiles(opts, registry, o.claimsPerFile)) {
          files++;
          claims += f.claims;
          if (dir) writeFileSync(join(dir, `claims-${String(files).padStart(5, '0')}.${f.kind === 'professional' ? '837p' : '837i'}`), f.text);
          if (o.submit) await submitClaims(deps, systemContext(registry.payer.id), { text: f.text, channel: 'cli', fileName: `generated-${files}` });
          claimsBar.update(claims, Math.max(expected, claims), f.kind);
        }
        claimsBar.stop();
        process.stdout.write(`claims: ${claims} in ${files} 837 files${dir ? ` written to ${dir}` : ''}${o.submit ? ', submitted and adjudicated' : ''}\n`);
      });
    });
}
