/**
 * Accumulators are read under row locks and written back in the same transaction, so
 * two submissions for one family cannot both spend the same deductible.
 */
import type { AccumulatorTotals } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';

export async function lockAccumulators(trx: Db, keys: readonly string[]): Promise<Array<[string, AccumulatorTotals]>> {
  if (keys.length === 0) return [];
  const sorted = [...new Set(keys)].sort(); // one lock order everywhere: no deadlocks
  // Make the rows exist first: SELECT … FOR UPDATE cannot lock a row that is not there.
  for (let i = 0; i < sorted.length; i += 20_000) {
    const chunk = sorted.slice(i, i + 20_000);
    await trx.insertInto('accumulator').values(chunk.map((key) => ({ key, deductible_cents: 0, oop_cents: 0 }))).onConflict((oc) => oc.column('key').doNothing()).execute();
  }
  const rows = await trx.selectFrom('accumulator').selectAll().where('key', 'in', sorted).orderBy('key').forUpdate().execute();
  return rows.map((r) => [r.key, { deductibleCents: r.deductible_cents, oopCents: r.oop_cents }]);
}

export async function writeAccumulators(trx: Db, changed: ReadonlyArray<readonly [string, AccumulatorTotals]>): Promise<void> {
  if (changed.length === 0) return;
  for (let i = 0; i < changed.length; i += 10_000) {
    const chunk = changed.slice(i, i + 10_000);
    const values = sql.join(chunk.map(([k, v]) => sql`(${k}, ${v.deductibleCents}::bigint, ${v.oopCents}::bigint)`));
    await sql`update accumulator as a set deductible_cents = v.d, oop_cents = v.o
              from (values ${values}) as v(k, d, o) where a.key = v.k`.execute(trx);
  }
}

/** Reserves `n` consecutive numbers of a named counter; returns the first. */
export async function reserveNumbers(trx: Db, name: string, n: number): Promise<number> {
  const r = await sql<{ value: number }>`
    insert into counter (name, value) values (${name}, ${n})
    on conflict (name) do update set value = counter.value + ${n}
    returning value`.execute(trx);
  return r.rows[0]!.value - n + 1;
}
