/**
 * Members in families (subscriber, spouse, children) with coverage, produced in chunks so a
 * million members never sit in memory at once. Plan mix: 25 % Medicare Advantage (65+),
 * 25 % Medicaid (younger), 40 % commercial PPO, 10 % commercial HMO. About 8 % of members
 * join or leave mid-year, so some claims fall outside coverage.
 */
import type { Coverage, Member } from '../registry/index.ts';
import { FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES } from './code-tables.ts';
import { createPrng, deriveSeed, type Prng } from './prng.ts';
import type { GeneratorOptions, RegistryData } from './registry-generator.ts';

export interface MemberChunk {
  readonly members: Member[];
  readonly coverages: Coverage[];
}

const two = (n: number) => String(n).padStart(2, '0');

function dob(p: Prng, year: number, minAge: number, maxAge: number): string {
  return `${year - p.int(minAge, maxAge)}-${two(p.int(1, 12))}-${two(p.int(1, 28))}`;
}

function lastDay(year: number, month: number): string {
  return `${year}-${two(month)}-${two(new Date(Date.UTC(year, month, 0)).getUTCDate())}`;
}

export function* generateMembers(opts: GeneratorOptions, registry: RegistryData, chunkSize = 5_000): Generator<MemberChunk> {
  const p = createPrng(deriveSeed(opts.seed, 'members'));
  let members: Member[] = [];
  let coverages: Coverage[] = [];
  let index = 0;
  let family = 0;
  const planIds = new Set(registry.plans.map((x) => x.id));
  while (index < opts.members) {
    family++;
    const plan = p.weighted([['plan-ma-hmo', 25], ['plan-medicaid', 25], ['plan-ppo', 40], ['plan-hmo', 10]] as const);
    const planId = planIds.has(plan) ? plan : registry.plans[0]!.id;
    const last = p.pick(LAST_NAMES);
    const ma = plan === 'plan-ma-hmo';
    const size = ma ? (p.chance(0.25) ? 2 : 1) : p.weighted([[1, 40], [2, 20], [3, 18], [4, 15], [5, 7]] as const);
    // Coverage period for the family: most all year, some join or leave mid-year.
    const startMonth = p.chance(0.05) ? p.int(2, 9) : 1;
    const start = startMonth > 1 ? `${opts.year}-${two(startMonth)}-01` : p.chance(0.5) ? `${opts.year - 1}-01-01` : `${opts.year}-01-01`;
    // Leavers end after they start (months startMonth+1 … 11).
    const end = p.chance(0.04) && startMonth < 11 ? lastDay(opts.year, p.int(Math.max(3, startMonth + 1), 11)) : null;
    const subscriberKey = `m-${index + 1}`;
    for (let person = 1; person <= size && index < opts.members; person++) {
      index++;
      const female = person === 1 ? p.chance(0.52) : person === 2 ? p.chance(0.5) : p.chance(0.49);
      const relationship: Member['relationship'] = person === 1 ? 'self' : person === 2 && !ma ? 'spouse' : ma ? 'spouse' : 'child';
      const birth = ma ? dob(p, opts.year, 65, 94) : relationship === 'child' ? dob(p, opts.year, 0, 17) : plan === 'plan-medicaid' ? dob(p, opts.year, 19, 55) : dob(p, opts.year, 22, 64);
      const key = `m-${index}`;
      members.push({
        key, payerOrgId: registry.payer.id, memberId: `TM${String(family).padStart(8, '0')}-${two(person)}`, subscriberKey, relationship,
        firstName: p.pick(female ? FIRST_NAMES_F : FIRST_NAMES_M), lastName: last, dateOfBirth: birth, gender: female ? 'F' : 'M',
      });
      coverages.push({ id: `cov-${index}`, memberKey: key, subscriberKey, planId, effectiveFrom: start, effectiveTo: end });
      if (members.length >= chunkSize) {
        yield { members, coverages };
        members = [];
        coverages = [];
      }
    }
  }
  if (members.length) yield { members, coverages };
}
