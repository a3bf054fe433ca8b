import { describe, expect, it } from 'vitest';
import { adjudicateClaim } from '../adjudication/index.ts';
import { aClaim, aContext, aLine, MEMBER, PLAN } from '../testing/index.ts';
import { AuthorizationLedger, authRequirement, clockState, dueAt, evaluateItem, parseAuthRules, priorAuthMetrics, requestStatus, type AuthRuleSet } from './index.ts';

const { rules, issues } = parseAuthRules([
  { id: 'mri-lumbar', codes: ['72148'], description: 'MRI lumbar spine', documentation: ['6 weeks of conservative therapy'], validDays: 60,
    autoApprove: [{ kind: 'diagnosis', anyOf: ['M54.16', 'M51'] }, { kind: 'prior-service', codes: ['97110'], withinDays: 90, minCount: 2, text: 'physical therapy' }] },
  { id: 'pt-extended', codes: ['97110'], description: 'Physical therapy past 12 visits', unitsOver: 12, documentation: ['plan of care'] },
  { id: 'sleep-study-home', codes: ['95810'], description: 'Sleep study in a facility', placesOfService: ['21', '22'], documentation: [], autoApprove: [{ kind: 'answer', linkId: 'home-test-failed', equals: true }] },
  { id: 'cpap-for-osa', codes: ['E0601'], description: 'CPAP device for obstructive sleep apnea', diagnoses: ['G47.33'], documentation: ['sleep study'] },
]);
const SETS: AuthRuleSet[] = [{ id: 'ars-1', payerOrgId: 'org-payer', planIds: null, effectiveFrom: '2026-01-01', effectiveTo: null, rules }];

describe('rules as data', () => {
  it('parses valid rules and names every problem of invalid ones', () => {
    expect(issues).toEqual([]);
    const bad = parseAuthRules([{ id: 'X', codes: ['7214'], description: '', autoApprove: [{ kind: 'vibes' }] }, { id: 'ok', codes: ['J1234'], description: 'd', validDays: 0 }]);
    expect(bad.issues).toEqual([
      'rules[0].id: lower-case letters, digits and dashes',
      'rules[0].codes: must be an array of valid codes',
      'rules[0].codes: at least one CPT/HCPCS code',
      'rules[0].description: required',
      "rules[0].autoApprove[0]: unknown kind 'vibes' (diagnosis, answer, answer-at-least, prior-service, max-units)",
      'rules[1].validDays: an integer from 1 to 366',
    ]);
  });

  it('applies place of service, units and effective dates', () => {
    const base = { planId: PLAN.id, date: '2026-03-01', placeOfService: '11', units: 1, diagnoses: [] };
    expect(authRequirement(SETS, { ...base, code: '72148' })?.rule.id).toBe('mri-lumbar');
    expect(authRequirement(SETS, { ...base, code: '72148', date: '2025-12-31' })).toBeNull();
    expect(authRequirement(SETS, { ...base, code: '97110', units: 12 })).toBeNull();
    expect(authRequirement(SETS, { ...base, code: '97110', units: 13 })?.rule.id).toBe('pt-extended');
    expect(authRequirement(SETS, { ...base, code: '95810' })).toBeNull();
    expect(authRequirement(SETS, { ...base, code: '95810', placeOfService: '22' })?.rule.id).toBe('sleep-study-home');
  });

  it('applies a rule narrowed by diagnosis only when the diagnosis is there, with or without its dot', () => {
    const base = { planId: PLAN.id, date: '2026-03-01', placeOfService: '12', units: 1, code: 'E0601' };
    expect(authRequirement(SETS, { ...base, diagnoses: ['G47.33'] })?.rule.id).toBe('cpap-for-osa');
    expect(authRequirement(SETS, { ...base, diagnoses: ['J45.909', 'g4733'] })?.rule.id).toBe('cpap-for-osa');
    expect(authRequirement(SETS, { ...base, diagnoses: ['J45.909'] })).toBeNull();
    expect(authRequirement(SETS, { ...base, diagnoses: ['G47.30'] })).toBeNull();
    expect(authRequirement(SETS, { ...base, diagnoses: [] })).toBeNull();
    // Claims apply the same rule: with the diagnosis the line needs an authorization (CO-197), without it pays.
    const cpap = aLine({ procedureCode: 'E0601', chargeCents: 90_000 });
    const ctx = () => ({ ...aContext(), authorization: { ruleSets: SETS, ledger: new AuthorizationLedger() } });
    const withDx = adjudicateClaim(ctx(), aClaim({ diagnoses: [{ qualifier: 'ABK', code: 'G4733' }], lines: [cpap] }));
    expect(withDx.lines[0]!.adjustments).toEqual([{ group: 'CO', carc: '197', amountCents: 90_000 }]);
    const withoutDx = adjudicateClaim(ctx(), aClaim({ lines: [cpap] }));
    expect(withoutDx.lines[0]!.adjustments.map((a) => a.carc)).not.toContain('197');
    expect(withoutDx.status).toBe('paid');
  });
});

describe('automatic decisions', () => {
  const service = { planId: PLAN.id, date: '2026-03-01', code: '72148', placeOfService: '11', units: 1, diagnoses: ['M54.16'] };
  it('approves when every criterion holds, with the reasons', () => {
    const e = evaluateItem(SETS, service, { answers: {}, history: [{ code: '97110', date: '2026-01-10' }, { code: '97110', date: '2026-01-17' }] });
    expect(e.action).toBe('approved');
    expect(e.criteria.map((c) => c.met)).toEqual([true, true]);
  });
  it('pends (never denies) when a criterion fails, saying which', () => {
    const e = evaluateItem(SETS, service, { answers: {}, history: [{ code: '97110', date: '2025-10-01' }, { code: '97110', date: '2026-01-17' }] });
    expect(e.action).toBe('pended');
    expect(e.reason).toBe('clinical review: physical therapy: 1 on claims in the 90 days before the service, needs 2');
  });
  it('needs no authorization for uncovered codes, and pends rules without criteria', () => {
    expect(evaluateItem(SETS, { ...service, code: '99213' }, { answers: {}, history: [] }).action).toBe('not-required');
    expect(evaluateItem(SETS, { ...service, code: '97110', units: 20 }, { answers: {}, history: [] }).reason).toBe('rule pt-extended requires clinical review');
    expect(evaluateItem(SETS, { ...service, code: '95810', placeOfService: '21' }, { answers: { 'home-test-failed': true }, history: [] }).action).toBe('approved');
  });
  it('derives the request status from its items', () => {
    expect(requestStatus(['approved', 'pended'])).toBe('pended');
    expect(requestStatus(['approved', 'pended'], true)).toBe('info-requested');
    expect(requestStatus(['approved', 'not-required'])).toBe('approved');
    expect(requestStatus(['approved', 'denied'])).toBe('partial');
    expect(requestStatus(['modified', 'approved'])).toBe('modified');
    expect(requestStatus(['denied'])).toBe('denied');
  });
});

describe('time limits', () => {
  const received = new Date('2026-03-01T10:00:00Z');
  it('gives 72 hours to expedited and 7 calendar days to standard requests', () => {
    expect(dueAt(received, 'expedited').toISOString()).toBe('2026-03-04T10:00:00.000Z');
    expect(dueAt(received, 'standard').toISOString()).toBe('2026-03-08T10:00:00.000Z');
    expect(dueAt(received, 'standard', true).toISOString()).toBe('2026-03-22T10:00:00.000Z');
  });
  it('warns before the deadline and flags late decisions', () => {
    const due = dueAt(received, 'expedited');
    expect(clockState(new Date('2026-03-02T09:00:00Z'), due, 'expedited', null)).toBe('on-time');
    expect(clockState(new Date('2026-03-03T11:00:00Z'), due, 'expedited', null)).toBe('due-soon');
    expect(clockState(new Date('2026-03-04T10:00:01Z'), due, 'expedited', null)).toBe('overdue');
    expect(clockState(received, due, 'expedited', new Date('2026-03-05T00:00:00Z'))).toBe('decided-late');
  });
});

describe('claims honour authorizations', () => {
  const mri = aLine({ procedureCode: '72148', chargeCents: 120_000 });
  const approved = { authId: 'pa-1', sequence: 1, authNumber: 'PA2026-1', memberKey: MEMBER.key, code: '72148', from: '2026-03-01', to: '2026-04-30', unitsApproved: 1, unitsUsed: 0 };
  it('denies CO-197/M62 without an authorization and CO-198/N54 once its units are used', () => {
    const none = adjudicateClaim({ ...aContext(), authorization: { ruleSets: SETS, ledger: new AuthorizationLedger() } }, aClaim({ lines: [mri] }));
    expect(none.status).toBe('denied');
    expect(none.lines[0]!.adjustments).toEqual([{ group: 'CO', carc: '197', amountCents: 120_000 }]);
    expect(none.lines[0]!.remarks).toEqual(['M62']);
    const ledger = new AuthorizationLedger([approved]);
    const ctx = { ...aContext(), authorization: { ruleSets: SETS, ledger } };
    const paid = adjudicateClaim(ctx, aClaim({ lines: [mri] }));
    expect(paid.status).toBe('paid');
    expect(paid.provenance.authorizationNumbers).toEqual(['PA2026-1']);
    expect(ledger.changed()).toEqual([{ authId: 'pa-1', sequence: 1, unitsUsed: 1 }]);
    const again = adjudicateClaim(ctx, aClaim({ patientControlNumber: 'PCN-9', lines: [mri] }));
    expect(again.lines[0]!.adjustments[0]).toEqual({ group: 'CO', carc: '198', amountCents: 120_000 });
  });
  it('draws only the authorization a claim cites (REF*G1, the line before the claim); a number that does not cover the service is CO-197/M62', () => {
    const second = { ...approved, authId: 'pa-2', authNumber: 'PA2026-2', to: '2026-05-31' };
    const ledger = new AuthorizationLedger([approved, second]);
    const ctx = { ...aContext(), authorization: { ruleSets: SETS, ledger } };
    // Uncited, the one ending first would be drawn (pa-1); cited, pa-2 is.
    const cited = adjudicateClaim(ctx, aClaim({ priorAuthorization: 'PA2026-2', lines: [mri] }));
    expect([cited.status, cited.provenance.authorizationNumbers]).toEqual(['paid', ['PA2026-2']]);
    const lineCited = adjudicateClaim(ctx, aClaim({ patientControlNumber: 'PCN-L', priorAuthorization: 'PA2026-2', lines: [{ ...mri, priorAuthorization: 'PA2026-1' }] }));
    expect(lineCited.provenance.authorizationNumbers).toEqual(['PA2026-1']);
    const wrong = adjudicateClaim(ctx, aClaim({ patientControlNumber: 'PCN-W', priorAuthorization: 'PA-NOT-OURS', lines: [mri] }));
    expect(wrong.lines[0]!.adjustments).toEqual([{ group: 'CO', carc: '197', amountCents: 120_000 }]);
    expect(wrong.lines[0]!.remarks).toEqual(['M62']);
    expect(ledger.changed()).toEqual([{ authId: 'pa-2', sequence: 1, unitsUsed: 1 }, { authId: 'pa-1', sequence: 1, unitsUsed: 1 }]);
  });
  it("counts a 'more than N units' rule over the claim's lines of the code, not line by line", () => {
    const ctx = () => ({ ...aContext(), authorization: { ruleSets: SETS, ledger: new AuthorizationLedger() } });
    const pt = (lineNumber: number, units: string) => aLine({ lineNumber, procedureCode: '97110', units, chargeCents: 10_000 });
    // 12 units over two lines: at the threshold, no authorization needed.
    expect(adjudicateClaim(ctx(), aClaim({ lines: [pt(1, '6'), pt(2, '6')] })).lines.map((l) => l.adjustments.find((a) => a.carc === '197'))).toEqual([undefined, undefined]);
    // 20 units split 10 + 10: each line alone is under 12, the claim is not.
    const split = adjudicateClaim(ctx(), aClaim({ patientControlNumber: 'PCN-S', lines: [pt(1, '10'), pt(2, '10')] }));
    expect(split.lines.map((l) => l.adjustments.find((a) => a.group === 'CO' && a.carc === '197')?.amountCents)).toEqual([10_000, 10_000]);
  });
  it('ignores an authorization outside its dates, and services that need none', () => {
    const ledger = new AuthorizationLedger([{ ...approved, to: '2026-03-01' }]);
    const r = adjudicateClaim({ ...aContext(), authorization: { ruleSets: SETS, ledger } }, aClaim({ lines: [{ ...mri, serviceDateFrom: '2026-03-02', serviceDateTo: '2026-03-02' }, aLine({ lineNumber: 2 })] }));
    expect(r.lines.map((l) => l.adjustments[0]?.carc)).toEqual(['197', '45']);
  });
});

describe('CMS-0057-F metrics', () => {
  const at = (h: number) => new Date(Date.parse('2026-02-01T00:00:00Z') + h * 3_600_000);
  it('computes percentages and average/median decision times per priority, from the initial determination', () => {
    const m = priorAuthMetrics(2026, [
      { priority: 'standard', status: 'approved', current: 'approved', receivedAt: at(0), decidedAt: at(0.001), extended: false, appealed: false },
      { priority: 'standard', status: 'denied', current: 'denied', receivedAt: at(0), decidedAt: at(48), extended: false, appealed: false },
      // Denied at 100 h, approved on appeal later: denied in the initial count, and approved after appeal.
      { priority: 'standard', status: 'denied', current: 'approved', receivedAt: at(0), decidedAt: at(100), extended: true, appealed: true },
      { priority: 'standard', status: 'modified', current: 'modified', receivedAt: at(0), decidedAt: at(200), extended: true, appealed: false },
      { priority: 'expedited', status: 'modified', current: 'modified', receivedAt: at(0), decidedAt: at(10), extended: false, appealed: false },
      { priority: 'expedited', status: 'approved', current: 'approved', receivedAt: new Date('2025-12-30T00:00:00Z'), decidedAt: new Date('2025-12-31T00:00:00Z'), extended: false, appealed: false },
      { priority: 'expedited', status: 'cancelled', current: 'cancelled', receivedAt: at(0), decidedAt: at(1), extended: false, appealed: false },
    ]);
    expect(m.requests).toBe(5);
    expect(m.standard).toEqual({
      requests: 4, approved: 2, denied: 2, appealed: 1, approvedAfterAppeal: 1,
      approvedPct: 50, deniedPct: 50, approvedAfterAppealPct: 25, averageDecisionHours: 87, medianDecisionHours: 74,
    });
    expect(m.standard.approvedPct + m.standard.deniedPct).toBe(100);
    expect(m.expedited).toMatchObject({ requests: 1, approvedPct: 100, deniedPct: 0, averageDecisionHours: 10, medianDecisionHours: 10 });
    // The extended request that was approved at first (the appealed one was extended but denied first).
    expect(m.extendedAndApprovedPct).toBe(20);
  });
  it('counts a denial under appeal, or upheld on appeal, as denied and not approved after appeal', () => {
    const m = priorAuthMetrics(2026, [
      { priority: 'expedited', status: 'denied', current: 'pended', receivedAt: at(0), decidedAt: at(5), extended: false, appealed: true },
      { priority: 'expedited', status: 'denied', current: 'denied', receivedAt: at(0), decidedAt: at(7), extended: false, appealed: true },
    ]);
    expect(m.expedited).toMatchObject({ requests: 2, deniedPct: 100, appealed: 2, approvedAfterAppeal: 0, approvedAfterAppealPct: 0, averageDecisionHours: 6 });
  });
});
