import { describe, expect, it } from 'vitest';
import { aClaim, aContext, aLine, aTier, BENEFIT, costShareTable } from '../testing/index.ts';
import { accumulatorKey, AccumulatorLedger, adjudicateClaim, type AdjudicatedClaim } from './index.ts';

function expectBalanced(c: AdjudicatedClaim) {
  for (const l of c.lines) {
    const adj = l.adjustments.reduce((s, a) => s + a.amountCents, 0);
    expect(l.billedCents - adj).toBe(l.paidCents);
    expect(l.deductibleCents + l.copayCents + l.coinsuranceCents).toBe(l.patientRespCents);
    expect(l.allowedCents - l.patientRespCents).toBe(l.paidCents);
  }
  expect(c.billedCents).toBe(c.lines.reduce((s, l) => s + l.billedCents, 0));
}

describe('adjudicateClaim', () => {
  it('prices in-network from percent-of-base and applies a primary-care copay', () => {
    const r = adjudicateClaim(aContext(), aClaim());
    // base 99213 $90 × 120 % = $108 allowed; copay $25, no deductible for primary care
    expect(r.status).toBe('paid');
    expect(r.allowedCents).toBe(10_800);
    expect(r.patientRespCents).toBe(2_500);
    expect(r.paidCents).toBe(8_300);
    expect(r.lines[0]!.adjustments).toEqual([
      { group: 'CO', carc: '45', amountCents: 9_200 },
      { group: 'PR', carc: '3', amountCents: 2_500 },
    ]);
    expect(r.provenance.feeScheduleVersionIds).toEqual(['fsv-riverside-1', 'fsv-base-1']);
    expectBalanced(r);
  });

  it('applies deductible then coinsurance, carrying accumulators across claims', () => {
    const ctx = aContext();
    const lab = aLine({ procedureCode: '80053', chargeCents: 100_000, units: '40' }); // 40 × $18 = $720 allowed
    const first = adjudicateClaim(ctx, aClaim({ lines: [lab] }));
    // $500 deductible, then 20 % of $220 = $44
    expect(first.lines[0]!.deductibleCents).toBe(50_000);
    expect(first.lines[0]!.coinsuranceCents).toBe(4_400);
    const second = adjudicateClaim(ctx, aClaim({ patientControlNumber: 'PCN-2', lines: [lab] }));
    expect(second.lines[0]!.deductibleCents).toBe(0);
    expect(second.lines[0]!.coinsuranceCents).toBe(14_400);
    expect(ctx.ledger.get(accumulatorKey('member', 'mem-1|in', 'plan-1', 2026))).toEqual({ deductibleCents: 50_000, oopCents: 68_800 });
    expectBalanced(first);
    expectBalanced(second);
  });

  it('stops cost share at the out-of-pocket maximum', () => {
    const key = accumulatorKey('member', 'mem-1|in', 'plan-1', 2026);
    const ledger = new AccumulatorLedger([[key, { deductibleCents: 50_000, oopCents: 299_000 }]]);
    const r = adjudicateClaim(aContext({ ledger }), aClaim({ lines: [aLine({ procedureCode: '71046', units: '10', chargeCents: 90_000 })] }));
    expect(r.patientRespCents).toBe(1_000);
    expect(r.paidCents).toBe(r.allowedCents - 1_000);
    expectBalanced(r);
  });

  it('denies unknown members with CARC 31, unknown providers with 208, duplicates with 18', () => {
    expect(adjudicateClaim(aContext({ member: null }), aClaim()).lines[0]!.adjustments[0]).toEqual({ group: 'CO', carc: '31', amountCents: 20_000 });
    const np = adjudicateClaim(aContext({ provider: null }), aClaim());
    expect(np.lines[0]!.adjustments[0]!.carc).toBe('208');
    expect(np.lines[0]!.remarks).toEqual(['N257']);
    const dup = adjudicateClaim(aContext({ duplicateOf: 'claim-0' }), aClaim());
    expect(dup.status).toBe('duplicate');
    expect(dup.paidCents).toBe(0);
  });

  it('denies replacement and void claims rather than paying them as new claims', () => {
    for (const frequencyCode of ['7', '8']) {
      const r = adjudicateClaim(aContext(), aClaim({ frequencyCode }));
      expect(r.status).toBe('denied');
      expect(r.paidCents).toBe(0);
      expect(r.lines[0]!.adjustments[0]).toMatchObject({ group: 'CO', carc: '16' });
      expect(r.lines[0]!.remarks).toEqual(['MA130']);
    }
  });

  it('denies dates of service outside coverage with CARC 26 / 27', () => {
    const before = adjudicateClaim(aContext(), aClaim({ lines: [aLine({ serviceDateFrom: '2025-12-30', serviceDateTo: '2025-12-30' })] }));
    expect(before.lines[0]!.adjustments[0]!.carc).toBe('26');
    const after = adjudicateClaim(aContext(), aClaim({ lines: [aLine({ serviceDateFrom: '2027-01-05', serviceDateTo: '2027-01-05' })] }));
    expect(after.lines[0]!.adjustments[0]!.carc).toBe('27');
    const mixed = adjudicateClaim(aContext(), aClaim({ lines: [aLine(), aLine({ lineNumber: 2, serviceDateFrom: '2027-01-05', serviceDateTo: '2027-01-05' })] }));
    expect(mixed.status).toBe('partial');
    expectBalanced(mixed);
  });

  it('prices out-of-network off the base schedule and denies when the plan has no OON benefit', () => {
    const oon = adjudicateClaim(aContext({ contracts: [] }), aClaim({ lines: [aLine({ procedureCode: '99214', chargeCents: 30_000 })] }));
    expect(oon.network).toBe('out');
    expect(oon.allowedCents).toBe(13_000);
    expect(oon.lines[0]!.remarks).toContain('N130');
    const hmo = { ...BENEFIT, outOfNetwork: null };
    const terms = aContext().coverages.map((c) => ({ ...c, benefitDesigns: [hmo] }));
    const denied = adjudicateClaim(aContext({ contracts: [], coverages: terms }), aClaim());
    expect(denied.lines[0]!.adjustments[0]!.carc).toBe('242');
    // …but an emergency is paid at the in-network tier
    const er = adjudicateClaim(aContext({ contracts: [], coverages: terms }), aClaim({ lines: [aLine({ procedureCode: '99284' })] }));
    expect(er.status).toBe('paid');
  });

  it('uses percent-of-charges for codes not on the schedule and caps allowed at billed', () => {
    const r = adjudicateClaim(aContext(), aClaim({ lines: [aLine({ procedureCode: '99999', chargeCents: 10_001 })] }));
    expect(r.allowedCents).toBe(6_001); // 60 % of $100.01, half-up
    const cheap = adjudicateClaim(aContext(), aClaim({ lines: [aLine({ chargeCents: 5_000 })] }));
    expect(cheap.allowedCents).toBe(5_000);
    expectBalanced(r);
  });

  it('honours family deductibles across members of one subscriber', () => {
    const tier = aTier({ deductibleIndividualCents: 50_000, deductibleFamilyCents: 60_000, categories: costShareTable({ copayCents: 0, coinsuranceBp: 0, deductibleApplies: true }) });
    const benefit = { ...BENEFIT, inNetwork: tier };
    const base = aContext();
    const coverages = base.coverages.map((c) => ({ ...c, benefitDesigns: [benefit] }));
    const ledger = new AccumulatorLedger([[accumulatorKey('family', 'mem-1|in', 'plan-1', 2026), { deductibleCents: 55_000, oopCents: 55_000 }]]);
    const r = adjudicateClaim(aContext({ coverages, ledger }), aClaim({ lines: [aLine({ procedureCode: '80053', units: '10', chargeCents: 50_000 })] }));
    expect(r.lines[0]!.deductibleCents).toBe(5_000);
  });
});
