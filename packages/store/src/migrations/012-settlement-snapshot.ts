import { sql, type Kysely } from 'kysely';

/**
 * - Settlement runs are immutable snapshots (issue 4: "a settlement run is an immutable snapshot
 *   of its inputs … and outputs"): a trigger refuses UPDATE, DELETE and TRUNCATE of
 *   `settlement_run`, so a stored statement cannot drift from what both parties were shown; a
 *   correction is a new run. Plain PL/pgSQL, the same on PGlite and PostgreSQL.
 * - Voluntary alignment as recorded by the payer (42 CFR 425.402(e)): the practitioner the
 *   member named (optional), the end of the designation (optional), who recorded it and when.
 */
const statements = [
  `create function settlement_run_immutable() returns trigger language plpgsql as $$
   begin
     raise exception 'settlement runs are immutable: % refused on settlement_run (a correction is a new run)', tg_op
       using errcode = 'integrity_constraint_violation';
   end $$`,
  `create trigger settlement_run_no_update_delete before update or delete on settlement_run for each row execute function settlement_run_immutable()`,
  `create trigger settlement_run_no_truncate before truncate on settlement_run for each statement execute function settlement_run_immutable()`,
  `alter table member_alignment add column practitioner_npi text, add column effective_to date,
     add column recorded_by text, add column recorded_at timestamptz not null default now()`,
  `alter table member_alignment add constraint member_alignment_period check (effective_to is null or effective_to >= designated_on)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const s of [
    'drop trigger if exists settlement_run_no_truncate on settlement_run',
    'drop trigger if exists settlement_run_no_update_delete on settlement_run',
    'drop function if exists settlement_run_immutable()',
    'alter table member_alignment drop constraint if exists member_alignment_period',
    'alter table member_alignment drop column if exists practitioner_npi, drop column if exists effective_to, drop column if exists recorded_by, drop column if exists recorded_at',
  ]) await sql.raw(s).execute(db);
}
