/** Runtime settings from the environment, read once at the edge. */
import { resolve } from 'node:path';

export interface Config {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT === undefined ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`PORT must be a port number, got '${env.PORT}'`, 2);
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.TANDEM_DATA || './.tandem'),
    port,
    host: env.HOST || '0.0.0.0',
    logLevel: env.LOG_LEVEL || 'info',
  };
}

/** An expected failure: printed as one line, exits with `exitCode`. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = 1) {
    super(message);
  }
}

/** Exit codes: 0 ok, 1 failure, 2 usage/bad input, 3 database busy (owned by a running server), 4 rejected by 999. */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, BUSY: 3, REJECTED: 4 } as const;
