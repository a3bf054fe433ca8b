import { describe, expect, it } from 'vitest';
import { attributeMembers, rosterChanges } from './attribute.ts';
import type { AttributionService } from './attribution-model.ts';

const FAMILY = '207Q00000X';
const CARDIOLOGY = '207RC0000X';
let line = 0;
const svc = (memberKey: string, orgId: string, taxonomy: string, code: string, allowedCents: number, serviceDate = '2026-03-01'): AttributionService => ({
  memberKey, orgId, taxonomy, practitionerNpi: `npi-${orgId}`, procedureCode: code, serviceDate, allowedCents, claimId: `c-${++line}`, lineNumber: 1,
});

describe('MSSP attribution (42 CFR 425.402)', () => {
  it('step 1: plurality of primary care allowed charges among primary care practitioners', () => {
    const [a] = attributeMembers(['m1'], [
      svc('m1', 'org-a', FAMILY, '99213', 10_000), svc('m1', 'org-a', FAMILY, '99214', 12_000),
      svc('m1', 'org-b', FAMILY, '99215', 20_000),
      svc('m1', 'org-c', CARDIOLOGY, '99215', 90_000), // a specialist: not in step 1 when a PCP was seen
      svc('m1', 'org-b', FAMILY, '80053', 50_000), // a lab: not a primary care service
    ], new Map());
    expect(a).toMatchObject({ orgId: 'org-a', step: 'primary-care-practitioner' });
    expect(a!.totals.map((t) => [t.orgId, t.allowedCents])).toEqual([['org-a', 22_000], ['org-b', 20_000]]);
    expect(a!.services.map((s) => s.procedureCode)).toEqual(['99213', '99214']);
  });

  it('step 2: specialists when no primary care practitioner was seen; none without any service', () => {
    const [b, c] = attributeMembers(['m2', 'm3'], [svc('m2', 'org-c', CARDIOLOGY, '99214', 15_000), svc('m2', 'org-d', CARDIOLOGY, '99213', 9_000)], new Map());
    expect(b).toMatchObject({ orgId: 'org-c', step: 'specialist' });
    expect(c).toMatchObject({ orgId: null, step: 'none' });
  });

  it('voluntary alignment wins over claims', () => {
    const [v] = attributeMembers(['m4'], [svc('m4', 'org-a', FAMILY, '99213', 50_000)], new Map([['m4', 'org-z']]));
    expect(v).toMatchObject({ orgId: 'org-z', step: 'voluntary' });
    // The designation's details, and the plurality it overrode, are in the explanation.
    const [w] = attributeMembers(['m4'], [svc('m4', 'org-a', FAMILY, '99213', 50_000)], new Map([['m4', { orgId: 'org-z', practitionerNpi: '1234567893', from: '2026-05-01', until: null }]]));
    expect(w).toMatchObject({ orgId: 'org-z', step: 'voluntary', totals: [{ orgId: 'org-a', allowedCents: 50_000 }], services: [] });
    expect(w!.reason).toBe('the member designated this organization (practitioner NPI 1234567893) from 2026-05-01; voluntary alignment wins over claims — the plurality of primary care allowed charges would have assigned org-a ($500.00 over 1 service(s))');
  });

  it('breaks ties by the most recent service, then the lower organization id', () => {
    const [t1] = attributeMembers(['m5'], [svc('m5', 'org-a', FAMILY, '99213', 10_000, '2026-02-01'), svc('m5', 'org-b', FAMILY, '99213', 10_000, '2026-05-01')], new Map());
    expect(t1!.orgId).toBe('org-b');
    expect(t1!.reason).toContain('tied');
    const [t2] = attributeMembers(['m6'], [svc('m6', 'org-b', FAMILY, '99213', 10_000), svc('m6', 'org-a', FAMILY, '99213', 10_000)], new Map());
    expect(t2!.orgId).toBe('org-a');
  });

  it('reports new, changed and dropped members between runs', () => {
    const prev = new Map<string, string | null>([['m1', 'org-a'], ['m2', 'org-a'], ['m3', 'org-b']]);
    const cur = new Map<string, string | null>([['m1', 'org-a'], ['m2', 'org-b'], ['m3', null], ['m4', 'org-a']]);
    expect(rosterChanges(prev, cur)).toEqual([
      { memberKey: 'm2', change: 'changed', from: 'org-a', to: 'org-b' },
      { memberKey: 'm3', change: 'dropped', from: 'org-b', to: null },
      { memberKey: 'm4', change: 'new', from: null, to: 'org-a' },
    ]);
  });
});
