/**
 * `tandem payer-to-payer fetch` — the new payer's side of Payer-to-Payer for one member who
 * opted in: token from the prior payer (SMART Backend Services), $bulk-member-match,
 * $davinci-data-export (payertopayer), download, import (all or nothing). See
 * `server/src/use-cases/fetch-from-prior-payer.ts`.
 */
import { TandemError } from '@tandem/core';
import { fetchFromPriorPayer, formatImportProblem, silentLogger, systemContext } from '@tandem/server';
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, EXIT, readConfig } from '../config.ts';
import { withStore } from '../local-store.ts';
import { resolvePayer } from './payer-option.ts';

export function payerToPayerCommand(program: Command): void {
  const p2p = program.command('payer-to-payer').description("Payer-to-Payer exchange (CMS-0057-F): get a new member's history from their prior payer");
  p2p
    .command('fetch')
    .description("ask the prior payer's FHIR server for a member who opted in with us, and import what it sends")
    .requiredOption('--member <key>', 'our member (they must have opted in to Payer-to-Payer: PUT /api/members/{key}/access-choices)')
    .requiredOption('--from-url <fhir-base>', "the prior payer's FHIR base URL, e.g. https://old-plan.example/fhir")
    .requiredOption('--from-payer <name>', 'the prior payer, as the member named it')
    .requiredOption('--old-member-id <id>', "the member id on the prior plan's card")
    .requiredOption('--client-id <id>', 'the client id the prior payer registered for our system')
    .requiredOption('--key <file>', "our system's private JWK (with alg and kid) whose public key the prior payer holds")
    .option('--token-url <url>', "the prior payer's token endpoint (default: from its SMART discovery)")
    .option('--out <dir>', 'keep the downloaded files and manifest here (default: a temporary directory)')
    .option('--payer <org-id>', 'our payer (default: the only payer with plans)')
    .option('--json', 'print the result as JSON')
    .action(async (o: { member: string; fromUrl: string; fromPayer: string; oldMemberId: string; clientId: string; key: string; tokenUrl?: string; out?: string; payer?: string; json?: boolean }) => {
      let privateKey: Record<string, unknown>;
      try {
        privateKey = JSON.parse(readFileSync(o.key, 'utf8')) as Record<string, unknown>;
      } catch (e) {
        throw new CliError(`--key ${o.key}: ${(e as Error).message}`, EXIT.USAGE);
      }
      if (typeof privateKey['d'] !== 'string') throw new CliError(`--key ${o.key}: not a private JWK (no "d")`, EXIT.USAGE);
      const r = await withStore(readConfig(), async (store) => {
        const ctx = systemContext(await resolvePayer(store.db, o.payer));
        try {
          return await fetchFromPriorPayer({ store, clock: () => new Date(), log: silentLogger }, ctx, {
            fhirBase: o.fromUrl, tokenUrl: o.tokenUrl, clientId: o.clientId, privateKey, memberKey: o.member, oldMemberId: o.oldMemberId, fromPayer: o.fromPayer, outDir: o.out ? resolve(o.out) : undefined,
          });
        } catch (e) {
          if (e instanceof TandemError && e.status < 500) throw new CliError(e.message, EXIT.USAGE);
          throw e;
        }
      });
      if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else if (r.outcome !== 'imported') process.stdout.write(`${o.fromPayer} answered ${r.outcome} for member ${o.member}: nothing to import\n`);
      else if (r.import.ok) process.stdout.write(`imported from ${o.fromPayer} for member ${o.member} (files in ${r.dir}): ${Object.entries(r.import.summary.counts).map(([t, n]) => `${n} ${t}`).join(', ')}\n`);
      else {
        process.stderr.write(`${r.import.problems.map(formatImportProblem).join('\n')}\ntandem: nothing was imported (files in ${r.dir})\n`);
        process.exitCode = EXIT.FAILURE;
      }
      if (r.outcome !== 'imported') process.exitCode = EXIT.FAILURE;
    });
}
