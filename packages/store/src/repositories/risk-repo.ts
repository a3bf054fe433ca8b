/**
 * Reads what a risk adjustment run needs (Medicare Advantage members and their claims of the
 * diagnosis year) and stores a run with its scores in one transaction.
 */
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import { insertJsonRows } from './json-insert.ts';

export interface RiskMember {
  key: string;
  dateOfBirth: string;
  gender: string;
  /** Dual status code of the latest Medicare Advantage span in the window, or null. */
  dualStatus: string | null;
  medicareStatuses: string[];
}

export interface RiskClaim {
  memberKey: string;
  kind: string;
  typeOfBill: string | null;
  diagnoses: Array<{ qualifier: string; code: string }>;
  procedures: string[];
}

/**
 * Members with Medicare Advantage coverage overlapping [from, to], with the dual status of
 * their latest such span and every Medicare status their spans up to `to` carried (for the
 * segment: see `chooseCommunitySegment` in core).
 */
export async function riskPopulation(db: Db, payerId: string, from: string, to: string): Promise<RiskMember[]> {
  const rows = await sql<{ key: string; dob: string; gender: string; dual: string | null; statuses: string[] | null }>`
    select m.key, to_char(m.date_of_birth, 'YYYY-MM-DD') as dob, m.gender,
      (array_agg(c.dual_status order by c.effective_from desc) filter (where ma.inside))[1] as dual,
      array_agg(distinct c.medicare_status) filter (where c.medicare_status is not null and c.effective_from <= ${to}::date) as statuses
    from member m
    join coverage c on c.member_key = m.key
    join plan p on p.id = c.plan_id
    cross join lateral (select p.line_of_business = 'medicare_advantage' and c.effective_from <= ${to}::date and (c.effective_to is null or c.effective_to >= ${from}::date) as inside) ma
    where m.payer_org_id = ${payerId}
    group by m.key, m.date_of_birth, m.gender
    having bool_or(ma.inside)
    order by m.key`.execute(db);
  return rows.rows.map((r) => ({ key: r.key, dateOfBirth: r.dob, gender: r.gender, dualStatus: r.dual, medicareStatuses: r.statuses ?? [] }));
}

/** The claims of those members with service in [from, to] (duplicates excluded), with their line procedure codes. */
export async function riskClaims(db: Db, payerId: string, from: string, to: string): Promise<RiskClaim[]> {
  const rows = await db
    .selectFrom('claim as c')
    .select([
      'c.member_key', 'c.kind', 'c.type_of_bill', 'c.diagnoses',
      sql<string[]>`coalesce((select json_agg(l.procedure_code) from claim_line l where l.claim_id = c.id and l.procedure_code is not null), '[]'::json)`.as('procedures'),
    ])
    .where('c.payer_org_id', '=', payerId)
    .where('c.member_key', 'is not', null)
    .where('c.status', '<>', 'duplicate')
    .where('c.service_date_from', '>=', from)
    .where('c.service_date_from', '<=', to)
    .execute();
  return rows.map((r) => ({ memberKey: r.member_key!, kind: r.kind, typeOfBill: r.type_of_bill, diagnoses: r.diagnoses as RiskClaim['diagnoses'], procedures: r.procedures }));
}

export interface RiskRunRow {
  id: string;
  payerOrgId: string;
  paymentYear: number;
  diagnosisYear: number;
  model: string;
  parameters: Record<string, string>;
}

export interface RiskScoreRow {
  memberKey: string;
  segment: string;
  age: number;
  raw: string;
  payment: string;
  hccs: string[];
  explanation: Record<string, unknown>;
}

export async function insertRiskRun(db: Db, run: RiskRunRow, scores: readonly RiskScoreRow[]): Promise<void> {
  await db
    .insertInto('risk_run')
    .values({ id: run.id, payer_org_id: run.payerOrgId, payment_year: run.paymentYear, diagnosis_year: run.diagnosisYear, model: run.model, parameters: JSON.stringify(run.parameters), members: scores.length })
    .execute();
  await insertJsonRows(db, 'risk_score', ['run_id', 'member_key', 'segment', 'age', 'raw_score', 'payment_score', 'hccs', 'explanation'],
    scores.map((s) => ({ run_id: run.id, member_key: s.memberKey, segment: s.segment, age: s.age, raw_score: s.raw, payment_score: s.payment, hccs: s.hccs, explanation: s.explanation })));
}

/** Scores of a run, for reports (payment score order, highest first). */
export async function riskScores(db: Db, runId: string, limit = 100) {
  return db.selectFrom('risk_score').selectAll().where('run_id', '=', runId).orderBy('payment_score', 'desc').orderBy('member_key').limit(limit).execute();
}
