import { submitClaims, submitClaimsStream, systemContext, silentLogger, type SubmitResult } from '@tandem/server';
import type { Command } from 'commander';
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { defaultPayerId } from '@tandem/store';
import { CliError, EXIT, readConfig } from '../config.ts';
import { callServer } from '../http-client.ts';
import { openTarget } from '../local-store.ts';
import { progressBar } from '../progress.ts';

/** Files larger than this are read set by set instead of whole (memory stays flat). */
const STREAM_BYTES = Number(process.env.TANDEM_STREAM_BYTES ?? 64 * 1024 * 1024);

function report(r: SubmitResult, ackOut: string | undefined, json: boolean): number {
  if (json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  const ack = [r.ta1, r.ack999].filter(Boolean).join('\n');
  if (ackOut) writeFileSync(ackOut, ack);
  else if (!json && ack) process.stdout.write(`${ack}\n`);
  const counts = Object.entries(r.counts ?? {});
  const breakdown = counts.map(([s, n]) => `${n} ${s}`).join(', ');
  const total = counts.reduce((s, [, n]) => s + n, 0);
  if (r.accepted) {
    process.stderr.write(`accepted: ${total} claims adjudicated${breakdown ? ` (${breakdown})` : ''}; submission ${r.submissionId}\n`);
    for (const s of r.transactionSets.filter((t) => !t.accepted)) process.stderr.write(`  transaction set ${s.controlNumber} rejected: ${s.errors.join('; ')}\n`);
    return EXIT.OK;
  }
  const why = r.transactionSets.flatMap((s) => s.errors).slice(0, 5);
  process.stderr.write(`rejected: ${why.join('; ') || 'the interchange was not accepted'}; nothing was stored\n`);
  return EXIT.REJECTED;
}

export function claimsCommand(program: Command): void {
  const claims = program.command('claims').description('claims exchange');
  claims
    .command('submit')
    .description('submit an 837P/837I file as a provider would; prints the 999 (exit 0 accepted, 4 rejected)')
    .argument('<file>', 'X12 837 file')
    .option('--ack <file>', 'write the 999 (and TA1) here instead of stdout')
    .option('--json', 'print the full result (999 and each claim\'s outcome) as JSON')
    .action(async (file: string, o: { ack?: string; json?: boolean }) => {
      const path = resolve(file);
      if (!existsSync(path) || !statSync(path).isFile()) throw new CliError(`no such file: ${file}`, EXIT.USAGE);
      const size = statSync(path).size;
      const config = readConfig();
      const target = await openTarget(config, { allowServer: true });
      const text = target.kind === 'server' || size <= STREAM_BYTES ? readFileSync(path, 'latin1') : '';
      if (target.kind === 'server') {
        const res = await callServer(target.lock.url, target.lock.token, '/x12', { method: 'POST', body: text, contentType: 'application/edi-x12', accept: 'application/json' });
        const body = (await res.json()) as SubmitResult | { issue?: Array<{ diagnostics: string }> };
        if ('issue' in body) throw new CliError(body.issue?.[0]?.diagnostics ?? 'rejected', EXIT.REJECTED);
        process.exitCode = report(body as SubmitResult, o.ack, !!o.json);
        return;
      }
      try {
        const payerId = await defaultPayerId(target.store.db);
        if (!payerId) throw new CliError('no payer is configured in this database: run `tandem generate --members N` first', EXIT.FAILURE);
        const deps = { store: target.store, clock: () => new Date(), log: silentLogger };
        let r: SubmitResult;
        if (size > STREAM_BYTES) {
          const bar = progressBar('submit');
          r = await submitClaimsStream(deps, systemContext(payerId), { source: () => createReadStream(path, { highWaterMark: 1 << 20 }), channel: 'cli', fileName: basename(path), onProgress: (n) => bar.update(n, Math.max(n, Math.round(size / 300))) });
          bar.stop();
        } else {
          r = await submitClaims(deps, systemContext(payerId), { text, channel: 'cli', fileName: basename(path) });
        }
        process.exitCode = report(r, o.ack, !!o.json);
      } finally {
        await target.store.close();
      }
    });
}
