/**
 * `tandem smart …` — a payer administrator's registrations for the SMART on FHIR
 * authorization server: member apps (standalone patient launch), provider or payer systems
 * (Backend Services with a JWKS) and members' sign-ins.
 */
import { TandemError } from '@tandem/core';
import { addPayerOrganization, createAuthorizationServer, registerSmartClient, setMemberLogin, systemContext, type SmartClientInput } from '@tandem/server';
import { disableSmartClient, listSmartClients } from '@tandem/store';
import { InvalidArgumentError, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { CliError, EXIT, readConfig } from '../config.ts';
import { withStore } from '../local-store.ts';
import { resolvePayer } from './payer-option.ts';

function usage<T>(fn: () => Promise<T>): Promise<T> {
  return fn().catch((e: unknown) => {
    if (e instanceof TandemError && e.status < 500) throw new CliError(e.message, EXIT.USAGE);
    throw e;
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function smartCommand(program: Command): void {
  const smart = program.command('smart').description('SMART on FHIR: register member apps and provider/payer systems, set members\' sign-ins');
  smart
    .command('register')
    .description('register a member app (--kind member-app --redirect-uri URL) or a system (--kind backend --org ORG_ID --jwks FILE|--jwks-uri URL); prints the client id')
    .requiredOption('--kind <kind>', 'member-app or backend', (v: string) => {
      if (v !== 'member-app' && v !== 'backend') throw new InvalidArgumentError('--kind must be member-app or backend');
      return v;
    })
    .requiredOption('--name <name>', 'the app or system as members and administrators will see it')
    .option('--redirect-uri <url...>', 'member app: where the authorization server sends the member back')
    .option('--org <org-id>', 'backend: the provider or payer organization the system acts for')
    .option('--new-payer <name>', "backend: another health plan's system (Payer-to-Payer): adds the payer organization, then registers its system")
    .option('--npi <npi>', "with --new-payer: the other payer's NPI (it names the requester in the match Groups)")
    .option('--jwks <file>', 'backend: a JWK Set file with the system\'s public keys')
    .option('--jwks-uri <url>', 'backend: where the system publishes its JWK Set')
    .option('--payer <org-id>', 'the registering payer (default: the only payer)')
    .option('--json', 'print as JSON')
    .action(async (o: { kind: 'member-app' | 'backend'; name: string; redirectUri?: string[]; org?: string; newPayer?: string; npi?: string; jwks?: string; jwksUri?: string; payer?: string; json?: boolean }) => {
      let input: SmartClientInput;
      if (o.kind === 'member-app') input = { kind: 'member-app', name: o.name, redirectUris: o.redirectUri ?? [] };
      else {
        if (!o.org && !o.newPayer) throw new CliError('--org is required for --kind backend', EXIT.USAGE);
        if (o.org && o.newPayer) throw new CliError('give --org ORG_ID (an organization on file) or --new-payer NAME (another health plan), not both', EXIT.USAGE);
        let jwks: { keys: unknown[] } | undefined;
        if (o.jwks) {
          try {
            jwks = JSON.parse(readFileSync(o.jwks, 'utf8')) as { keys: unknown[] };
          } catch (e) {
            throw new CliError(`--jwks ${o.jwks}: ${(e as Error).message}`, EXIT.USAGE);
          }
          if (!Array.isArray(jwks?.keys)) throw new CliError(`--jwks ${o.jwks}: not a JWK Set (no "keys" array)`, EXIT.USAGE);
        }
        input = { kind: 'backend', name: o.name, orgId: o.org ?? '', jwks, jwksUri: o.jwksUri };
      }
      const c = await withStore(readConfig(), async (store) => {
        const ctx = systemContext(await resolvePayer(store.db, o.payer));
        const server = await createAuthorizationServer(store.db, process.env.TANDEM_PUBLIC_URL ?? 'http://localhost:8080');
        return usage(async () => {
          if (input.kind === 'backend' && o.newPayer) {
            const org = await addPayerOrganization(store.db, ctx, { name: o.newPayer, npi: o.npi });
            input = { ...input, orgId: org.id };
          }
          return registerSmartClient(store.db, server, ctx, input);
        });
      });
      if (o.json) process.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
      else process.stdout.write(`client ${c.clientId}: ${c.name} (${c.kind}, for ${c.orgId})\n  scopes it may be granted: ${c.scope}\n`);
    });
  smart
    .command('clients')
    .description('list the registered SMART clients')
    .option('--payer <org-id>', 'the registering payer (default: the only payer)')
    .option('--json', 'print as JSON')
    .action(async (o: { payer?: string; json?: boolean }) => {
      const rows = await withStore(readConfig(), async (store) => listSmartClients(store.db, await resolvePayer(store.db, o.payer)));
      if (o.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const out = ['client_id                         kind        status    org                 name'];
      for (const r of rows) out.push(`${r.client_id.padEnd(34)}${r.kind.padEnd(12)}${(r.disabled_at ? 'disabled' : 'active').padEnd(10)}${r.org_id.padEnd(20)}${r.name}`);
      process.stdout.write(`${out.join('\n')}\n`);
    });
  smart
    .command('disable')
    .description('disable a client and revoke every token issued to it')
    .argument('<client-id>')
    .action(async (clientId: string) => {
      const done = await withStore(readConfig(), (store) => disableSmartClient(store.db, clientId));
      if (!done) throw new CliError(`no active client ${clientId} (see \`tandem smart clients\`)`, EXIT.USAGE);
      process.stdout.write(`client ${clientId} disabled; its tokens are revoked\n`);
    });
  smart
    .command('member-login')
    .description('set a member\'s sign-in for SMART apps; the password is read from standard input')
    .requiredOption('--member <key>', 'the member key (the FHIR Patient id)')
    .requiredOption('--username <name>', 'the member\'s username')
    .option('--payer <org-id>', 'the member\'s payer (default: the only payer)')
    .action(async (o: { member: string; username: string; payer?: string }) => {
      const password = await readStdin();
      const r = await withStore(readConfig(), async (store) => usage(async () => setMemberLogin(store.db, systemContext(await resolvePayer(store.db, o.payer)), { memberKey: o.member, username: o.username, password })));
      process.stdout.write(`member ${r.memberKey} signs in to SMART apps as ${r.username}\n`);
    });
}
