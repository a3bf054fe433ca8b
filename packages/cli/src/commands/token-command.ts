import { createTokenService } from '@tandem/server';
import { findUserByUsername } from '@tandem/store';
import type { Command } from 'commander';
import { CliError, EXIT, readConfig } from '../config.ts';
import { callServer } from '../http-client.ts';
import { openTarget } from '../local-store.ts';
import { intOption } from './options.ts';

export function tokenCommand(program: Command): void {
  program
    .command('token')
    .description('mint a bearer token for a user, for scripts: curl -H "Authorization: Bearer $(tandem token --user payer.admin)"')
    .requiredOption('--user <username>', 'the user the token acts as (see the demo sign-ins printed by `npm start`)')
    .option('--ttl <seconds>', 'lifetime', intOption('--ttl', 60, 30 * 24 * 3600), 8 * 3600)
    .action(async (o: { user: string; ttl: number }) => {
      const config = readConfig();
      const target = await openTarget(config, { allowServer: true });
      if (target.kind === 'server') {
        const res = await callServer(target.lock.url, target.lock.token, '/api/tokens', { method: 'POST', body: JSON.stringify({ username: o.user, ttlSeconds: o.ttl }), contentType: 'application/json' });
        process.stdout.write(`${((await res.json()) as { token: string }).token}\n`);
        return;
      }
      try {
        const u = await findUserByUsername(target.store.db, o.user);
        if (!u) throw new CliError(`no user '${o.user}' in ${target.store.description}`, EXIT.USAGE);
        const tokens = await createTokenService(target.store.db);
        process.stdout.write(`${await tokens.sign({ sub: u.username, orgId: u.org_id, orgKind: u.org_kind, role: u.role as 'admin' }, o.ttl)}\n`);
      } finally {
        await target.store.close();
      }
    });
}
