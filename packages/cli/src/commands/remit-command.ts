import { runRemittance, systemContext, silentLogger, type RemittanceSummary } from '@tandem/server';
import { formatCents } from '@tandem/core';
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultPayerId } from '@tandem/store';
import { CliError, EXIT, readConfig } from '../config.ts';
import { callServer } from '../http-client.ts';
import { openTarget } from '../local-store.ts';
import { progressBar } from '../progress.ts';

export function remitCommand(program: Command): void {
  program
    .command('remit')
    .description('run remittance: one 835 per payee for every adjudicated, unremitted claim')
    .option('--out <dir>', 'directory for the 835 files', './out/835')
    .action(async (o: { out: string }) => {
      const dir = resolve(o.out);
      mkdirSync(dir, { recursive: true });
      const config = readConfig();
      const target = await openTarget(config, { allowServer: true });
      let runs: RemittanceSummary[];
      if (target.kind === 'server') {
        const res = await callServer(target.lock.url, target.lock.token, '/api/remittances', { method: 'POST' });
        const list = ((await res.json()) as { remittances: Omit<RemittanceSummary, 'x12'>[] }).remittances;
        runs = [];
        for (const r of list) runs.push({ ...r, x12: await (await callServer(target.lock.url, target.lock.token, `/api/remittances/${r.id}/835`)).text() });
      } else {
        try {
          const payerId = await defaultPayerId(target.store.db);
          if (!payerId) throw new CliError('no payer is configured in this database: run `tandem generate --members N` first', EXIT.FAILURE);
          const bar = progressBar('remit');
          const pending = await target.store.db.selectFrom('claim').select((eb) => eb.fn.countAll<number>().as('n')).where('remittance_id', 'is', null).where('origin', '=', 'adjudicated').executeTakeFirst();
          runs = await runRemittance({ store: target.store, clock: () => new Date(), log: silentLogger }, systemContext(payerId), { onProgress: (d) => bar.update(d, Number(pending?.n ?? d)) });
          bar.stop();
        } finally {
          await target.store.close();
        }
      }
      let total = 0;
      let claims = 0;
      for (const r of runs) {
        writeFileSync(join(dir, `${r.traceNumber}-${r.payeeNpi}.835`), r.x12);
        total += r.totalPaidCents;
        claims += r.claimCount;
      }
      process.stdout.write(runs.length ? `${runs.length} remittances (835) for ${claims} claims, ${formatCents(total)} paid, written to ${dir}\n` : 'nothing to remit: every adjudicated claim has been paid out\n');
    });
}
