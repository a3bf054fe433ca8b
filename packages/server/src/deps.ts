/**
 * What the use cases need from the outside world, passed in (no singletons): the store,
 * a clock, and a logger. Tests pass a fixed clock.
 */
import type { Store } from '@tandem/store';

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface Deps {
  readonly store: Store;
  readonly clock: () => Date;
  readonly log: Logger;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** ISO date (UTC) of a clock reading. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
