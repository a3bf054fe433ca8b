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
  // Keys travel as one JSON array parameter (fast on PGlite; no parameter limit).
  const json = JSON.stringify(sorted);
  await sql`insert into accumulator (key, deductible_cents, oop_cents)
            select k, 0, 0 from jsonb_array_elements_text(${json}::jsonb) as k
            on conflict (key) do nothing`.execute(trx);
  const rows = await sql<{ key: string; deductible_cents: number; oop_cents: number }>`
    select key, deductible_cents, oop_cents from accumulator
    where key = any(array(select jsonb_array_elements_text(${json}::jsonb))) order by key for update`.execute(trx);
  return rows.rows.map((r) => [r.key, { deductibleCents: Number(r.deductible_cents), oopCents: Number(r.oop_cents) }]);
}

export async function writeAccumulators(trx: Db, changed: ReadonlyArray<readonly [string, AccumulatorTotals]>): Promise<void> {
  if (changed.length === 0) return;
  const json = JSON.stringify(changed.map(([k, v]) => ({ k, d: v.deductibleCents, o: v.oopCents })));
  await sql`update accumulator as a set deductible_cents = v.d, oop_cents = v.o
            from jsonb_to_recordset(${json}::jsonb) as v(k text, d bigint, o bigint) where a.key = v.k`.execute(trx);
}

/** Reserves `n` consecutive numbers of a named counter; returns the first. */
export async function reserveNumbers(trx: Db, name: string, n: number): Promise<number> {
  const r = await sql<{ value: number }>`
    insert into counter (name, value) values (${name}, ${n})
    on conflict (name) do update set value = counter.value + ${n}
    returning value`.execute(trx);
  return r.rows[0]!.value - n + 1;
}
