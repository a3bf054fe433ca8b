/**
 * Typed 834 enrollment (005010X220A1): the file's purpose and parties, then each member's
 * maintenance (add, change, cancel, reinstate …) with identity and health coverages.
 */
import type { LoopNode } from '../loop-walker.ts';
import { dates, el, kid, kids, opt, party, person, seg, segs, type Party, type Person } from './query.ts';

export interface EnrolledCoverage {
  /** HD01: 001 change, 021 addition, 024 cancellation or termination, 025 reinstatement, 030 audit … */
  maintenanceType: string;
  /** HD03: HLT health, DEN dental, VIS vision … */
  insuranceLine: string;
  planDescription?: string;
  coverageLevel?: string;
  start?: string;
  end?: string;
  policyNumbers: string[];
}

export interface EnrolledMember {
  subscriber: boolean;
  /** INS02: 18 self, 01 spouse, 19 child … */
  relationship: string;
  maintenanceType: string;
  maintenanceReason?: string;
  benefitStatus?: string;
  subscriberId?: string;
  memberId?: string;
  groupNumber?: string;
  person: Person;
  address?: { line1: string; line2?: string; city: string; state?: string; postalCode?: string };
  dates: Array<{ qualifier: string; from: string; to: string }>;
  coverages: EnrolledCoverage[];
}

export interface Enrollment {
  /** BGN01: 00 original, 15 re-submission, 22 information copy. */
  purpose: string;
  reference: string;
  /** BGN08: 2 change (update), 4 verify, RX replace. */
  action?: string;
  sponsor: Party;
  payer: Party;
  members: EnrolledMember[];
}

export function read834(root: LoopNode): Enrollment {
  const bgn = seg(root, 'BGN');
  const sponsor = root.children.find((c) => c.def.id === '1000A');
  const payer = root.children.find((c) => c.def.id === '1000B' || (c.def.id === '1000C' && el(c.segments[0], 1) === 'IN'));
  return {
    purpose: el(bgn, 1), reference: el(bgn, 2), ...opt('action', el(bgn, 8)),
    sponsor: party(sponsor?.segments[0]), payer: party(payer?.segments[0]),
    members: kids(root, '2000').map((m) => {
      const ins = m.segments[0]!;
      const name = kid(m, '2100A');
      const n3 = seg(name, 'N3');
      const n4 = seg(name, 'N4');
      return {
        subscriber: el(ins, 1) === 'Y', relationship: el(ins, 2), maintenanceType: el(ins, 3), ...opt('maintenanceReason', el(ins, 4)), ...opt('benefitStatus', el(ins, 5)),
        ...opt('subscriberId', el(seg(m, 'REF', [1, '0F']), 2)), ...opt('memberId', el(seg(m, 'REF', [1, '23']), 2) || el(seg(name, 'NM1'), 9)),
        ...opt('groupNumber', el(seg(m, 'REF', [1, '1L']), 2)),
        person: person(name),
        ...opt('address', n3 ? { line1: el(n3, 1), ...opt('line2', el(n3, 2)), city: el(n4, 1), ...opt('state', el(n4, 2)), ...opt('postalCode', el(n4, 3)) } : undefined),
        dates: segs(m, 'DTP').map((t) => ({ qualifier: el(t, 1), ...dates(t)! })),
        coverages: kids(m, '2300').map((c) => {
          const hd = c.segments[0]!;
          return {
            maintenanceType: el(hd, 1), insuranceLine: el(hd, 3), ...opt('planDescription', el(hd, 4)), ...opt('coverageLevel', el(hd, 5)),
            ...opt('start', dates(seg(c, 'DTP', [1, '348']))?.from), ...opt('end', dates(seg(c, 'DTP', [1, '349']))?.from),
            policyNumbers: segs(c, 'REF').map((r) => el(r, 2)),
          };
        }),
      };
    }),
  };
}
