import { InvalidArgumentError } from 'commander';

export function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/** One of a fixed list of values, e.g. `oneOf('--sex', ['F', 'M'] as const)`. */
export function oneOf<T extends string>(name: string, values: readonly T[]) {
  return (v: string): T => {
    if (!(values as readonly string[]).includes(v)) throw new InvalidArgumentError(`${name} must be one of ${values.join(', ')}`);
    return v as T;
  };
}

/** A calendar date, YYYY-MM-DD (2026-02-30 is refused). */
export function dateOption(name: string) {
  return (v: string): string => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new InvalidArgumentError(`${name} must be a date YYYY-MM-DD`);
    return v;
  };
}
