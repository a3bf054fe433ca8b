/**
 * The same generated 837s produce the same adjudication and the same 835 money on the
 * embedded database and on PostgreSQL. Runs PGlite always; when DATABASE_URL is set (CI's
 * second pass) it runs PostgreSQL too and compares the two results field by field.
 */
import { claimFiles, loadPopulation, runRemittance, silentLogger, submitClaims, systemContext, type Deps } from '@tandem/server';
import { dropTestSchema, openTestStore } from '@tandem/store/testing';
import { read835 } from '@tandem/x12';
import { describe, expect, it } from 'vitest';

const opts = { members: 150, seed: 11, year: 2026 };

async function run(url: string | undefined) {
  const { store, schema } = await openTestStore(url, 'same');
  try {
    const deps: Deps = { store, clock: () => new Date('2027-02-01T12:00:00Z'), log: silentLogger };
    const registry = await loadPopulation(deps, opts);
    const ctx = systemContext(registry.payer.id);
    const outcomes = [];
    for (const f of claimFiles(opts, registry, 200)) outcomes.push(...(await submitClaims(deps, ctx, { text: f.text, channel: 'cli' })).claims);
    const remits = await runRemittance(deps, ctx);
    const money = remits.flatMap((r) => read835(r.x12).remits).flatMap((r) => r.claims.map((c) => ({ pcn: c.patientControlNumber, status: c.status, charge: c.chargeCents, paid: c.paidCents, resp: c.patientRespCents, cas: c.lines.flatMap((l) => l.adjustments) })));
    return {
      outcomes: outcomes.map(({ claimId: _id, duplicateOf: _d, ...o }) => o).sort((a, b) => a.patientControlNumber.localeCompare(b.patientControlNumber)),
      money: money.sort((a, b) => a.pcn.localeCompare(b.pcn)),
    };
  } finally {
    await store.close();
    if (url && schema) await dropTestSchema(url, schema);
  }
}

describe('generated claims end to end', () => {
  it(`come back as the same balanced 835s on PGlite${process.env.DATABASE_URL ? ' and PostgreSQL' : ''}`, async () => {
    const lite = await run(undefined);
    expect(lite.outcomes.length).toBeGreaterThan(300);
    expect(lite.money.length).toBe(lite.outcomes.length);
    expect(lite.money.some((m) => m.paid > 0)).toBe(true);
    if (process.env.DATABASE_URL) {
      const pgResult = await run(process.env.DATABASE_URL);
      expect(pgResult).toEqual(lite);
    }
  }, 180_000);
});
