import { describe, expect, it } from 'vitest';
import { isValidNpi } from '../ids/index.ts';
import { createPrng, generateClaimsForMember, generateMembers, generateRegistry, type GeneratorOptions } from './index.ts';

const opts: GeneratorOptions = { seed: 7, members: 2500, year: 2026 };

describe('synthetic population', () => {
  it('is deterministic for a seed and different across seeds', () => {
    const a = generateRegistry(opts);
    expect(JSON.stringify(generateRegistry(opts), (_k, v) => (v instanceof Map ? [...v] : v))).toBe(JSON.stringify(a, (_k, v) => (v instanceof Map ? [...v] : v)));
    const m1 = generateMembers(opts, a, 100).next().value!;
    const m2 = generateMembers(opts, a, 100).next().value!;
    expect(m2).toEqual(m1);
    expect(generateClaimsForMember(opts, a, m1.members[3]!, m1.coverages[3]!)).toEqual(generateClaimsForMember(opts, a, m1.members[3]!, m1.coverages[3]!));
    const other = generateMembers({ ...opts, seed: 8 }, generateRegistry({ ...opts, seed: 8 }), 100).next().value!;
    expect(other.members.map((m: { firstName: string }) => m.firstName)).not.toEqual(m1.members.map((m: { firstName: string }) => m.firstName));
    expect(createPrng(1).next()).not.toBe(createPrng(2).next());
  });

  it('has valid, unique NPIs and a benefit design for every plan', () => {
    const r = generateRegistry(opts);
    const npis = [...r.providers.map((p) => p.npi!), ...r.practitioners.map((p) => p.npi)];
    expect(npis.every(isValidNpi)).toBe(true);
    expect(new Set(npis).size).toBe(npis.length);
    for (const plan of r.plans) expect(r.benefitDesigns.some((b) => b.planId === plan.id)).toBe(true);
    expect(r.contracts.length).toBeGreaterThan(r.providers.length / 2);
    expect(r.contracts.length).toBeLessThan(r.providers.length);
    expect(r.feeSchedules.some((f) => f.versions.length === 2)).toBe(true);
  });

  it('yields exactly the requested members in bounded chunks', () => {
    for (const n of [1, 7, 2500]) {
      const r = generateRegistry({ ...opts, members: n });
      let count = 0;
      const ids = new Set<string>();
      for (const chunk of generateMembers({ ...opts, members: n }, r, 1000)) {
        expect(chunk.members.length).toBeLessThanOrEqual(1000);
        expect(chunk.coverages.length).toBe(chunk.members.length);
        for (const c of chunk.coverages) if (c.effectiveTo) expect(c.effectiveTo > c.effectiveFrom).toBe(true);
        count += chunk.members.length;
        chunk.members.forEach((m) => ids.add(m.memberId));
      }
      expect(count).toBe(n);
      expect(ids.size).toBe(n);
    }
  });

  it('makes balanced claims, dated in the year, priced by the base schedule', () => {
    const r = generateRegistry(opts);
    const base = r.feeSchedules.find((f) => f.id === 'fs-base')!.versions[0]!;
    const rates = base.method.kind === 'fixed' ? base.method.rates : new Map();
    let claims = 0;
    let institutional = 0;
    for (const chunk of generateMembers(opts, r, 1000)) {
      chunk.members.forEach((m, i) => {
        for (const c of generateClaimsForMember(opts, r, m, chunk.coverages[i]!)) {
          claims++;
          if (c.kind === 'institutional') institutional++;
          expect(c.lines.length).toBeGreaterThan(0);
          expect(c.totalChargeCents).toBe(c.lines.reduce((s, l) => s + l.chargeCents, 0));
          for (const l of c.lines) {
            expect(l.serviceDateFrom.startsWith('2026')).toBe(true);
            if (l.procedureCode) expect(rates.has(l.procedureCode), l.procedureCode).toBe(true);
            expect(Number.isSafeInteger(l.chargeCents)).toBe(true);
          }
        }
      });
    }
    expect(claims / opts.members).toBeGreaterThan(3);
    expect(institutional / claims).toBeGreaterThan(0.05);
  });
});
