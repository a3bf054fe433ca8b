/**
 * Typed 820 premium payments (005010X218, X306): the payment, the parties, and each
 * organization or individual remittance with its amounts and adjustments.
 */
import type { LoopNode } from '../loop-walker.ts';
import { cents, el, kid, kids, opt, party, seg, type Party } from './query.ts';

export interface PremiumRemittance {
  level: 'organization' | 'individual';
  entity?: Party;
  /** RMR01/RMR02: reference qualifier and number (e.g. IK invoice, CT contract). */
  referenceQualifier: string;
  reference: string;
  paidCents?: number;
  billedCents?: number;
  adjustments: Array<{ amountCents: number; reason: string }>;
}

export interface PremiumPayment {
  /** BPR01: I remittance with payment, U split payment and remittance … */
  handling: string;
  totalCents: number;
  /** BPR04: ACH, CHK, FWT, NON. */
  method: string;
  traceNumber: string;
  receiver: Party;
  payer: Party;
  remittances: PremiumRemittance[];
}

export function read820(root: LoopNode): PremiumPayment {
  const bpr = seg(root, 'BPR');
  const remittances: PremiumRemittance[] = [];
  for (const ent of kids(root, '2000A', '2000B')) {
    const who = kid(ent, '2100B');
    for (const rmr of kids(ent, '2300A', '2300B')) {
      const r = rmr.segments[0]!;
      remittances.push({
        level: ent.def.id === '2000A' ? 'organization' : 'individual', ...opt('entity', who ? party(who.segments[0]) : undefined),
        referenceQualifier: el(r, 1), reference: el(r, 2), ...opt('paidCents', cents(r, 4)), ...opt('billedCents', cents(r, 5)),
        adjustments: kids(rmr, '2320A', '2320B').map((a) => ({ amountCents: cents(a.segments[0], 1) ?? 0, reason: el(a.segments[0], 2) })),
      });
    }
  }
  return {
    handling: el(bpr, 1), totalCents: cents(bpr, 2) ?? 0, method: el(bpr, 4), traceNumber: el(seg(root, 'TRN'), 2),
    receiver: party(kid(root, '1000A')?.segments[0]), payer: party(kid(root, '1000B')?.segments[0]), remittances,
  };
}
