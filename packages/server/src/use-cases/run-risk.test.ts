/**
 * A risk adjustment run over stored claims, on PGlite and on PostgreSQL: only eligible
 * claims' diagnoses count, each member's stored score equals the model's, the run is audited.
 */
import { aClaim, aLine, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { scoreHcc } from '@tandem/core';
import { riskScores } from '@tandem/store';
import { write837 } from '@tandem/x12';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim837From } from '../exchange/claim-to-837.ts';
import { HCC_PARAMETERS_DEFAULT, loadHccV28 } from '../reference-data/hcc-v28.ts';
import { createTestApp, MEMBER_2, type TestApp } from '../testing/test-app.ts';
import { runRiskAdjustment } from './run-risk.ts';
import { systemContext } from './seed-demo.ts';

describe(`risk adjustment run on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.deps.store.db.updateTable('plan').set({ line_of_business: 'medicare_advantage' }).execute();
    const token = await t.login('riverside.billing');
    const claims = [
      // Office visit (eligible CPT 99213): diabetes with complications and heart failure count.
      claim837From(aClaim({ patientControlNumber: 'RA-1', memberId: MEMBER_2.memberId, diagnoses: [{ qualifier: 'ABK', code: 'E1169' }, { qualifier: 'ABF', code: 'I5030' }], lines: [aLine({ serviceDateFrom: '2026-02-10', serviceDateTo: '2026-02-10' })] }), { payer: PAYER, provider: PROVIDER, member: MEMBER_2 }),
      // A lab panel only (80053 is not risk-adjustment eligible): its COPD diagnosis does not count.
      claim837From(aClaim({ patientControlNumber: 'RA-2', diagnoses: [{ qualifier: 'ABK', code: 'J449' }], lines: [aLine({ procedureCode: '80053', serviceDateFrom: '2026-04-10', serviceDateTo: '2026-04-10' })] }), { payer: PAYER, provider: PROVIDER, member: MEMBER }),
    ];
    const text = write837(claims, { kind: 'professional', senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: 1, date: new Date('2026-06-01T10:00:00Z') });
    const res = await t.app.inject({ method: 'POST', url: '/x12', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/edi-x12' }, payload: text });
    expect(res.headers['x-tandem-accepted']).toBe('true');
  });
  afterAll(async () => t?.close());

  it('scores every Medicare Advantage member from eligible claims and stores the explanation', async () => {
    const summary = await runRiskAdjustment(t.deps, systemContext(PAYER.id), { paymentYear: 2027 });
    expect(summary).toMatchObject({ paymentYear: 2027, diagnosisYear: 2026, members: 2, membersWithHccs: 1 });
    const rows = await riskScores(t.deps.store.db, summary.id);
    const byKey = Object.fromEntries(rows.map((r) => [r.member_key, r]));
    const expected = scoreHcc(loadHccV28(), { age: 70, sex: 'F', segment: 'CNA', orec: '0', diagnoses: ['E1169', 'I5030'] }, HCC_PARAMETERS_DEFAULT);
    expect(byKey[MEMBER_2.key]).toMatchObject({ segment: 'CNA', age: 70, hccs: ['37', '226'] });
    expect(Number(byKey[MEMBER_2.key]!.raw_score).toFixed(3)).toBe(expected.raw);
    expect(Number(byKey[MEMBER_2.key]!.payment_score).toFixed(4)).toBe(expected.payment);
    // Under 65 in Medicare Advantage: disabled segment; the lab-only claim's COPD is not counted.
    expect(byKey[MEMBER.key]).toMatchObject({ segment: 'CND', hccs: [] });
    expect(Number(byKey[MEMBER.key]!.raw_score).toFixed(3)).toBe('0.340');
    const audit = await t.deps.store.db.selectFrom('audit_event').selectAll().where('resource_type', '=', 'RiskRun').execute();
    expect(audit.map((a) => a.resource_id)).toEqual([summary.id]);
  });
});
