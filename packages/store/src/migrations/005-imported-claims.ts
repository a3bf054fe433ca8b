import { sql, type Kysely } from 'kysely';

/**
 * Claims adjudicated elsewhere (imported, e.g. the Tuva input layer) keep their amounts as
 * given — paid may exceed allowed, charges may be below paid — so the balance rule applies
 * to claims Tandem adjudicated only. MS-DRG on the claim, for bundled-episode triggers.
 */
const statements = [
  `alter table claim add column origin text not null default 'adjudicated' check (origin in ('adjudicated','imported'))`,
  `alter table claim add column drg_code text`,
  `alter table claim drop constraint claim_check`,
  `alter table claim add constraint claim_amounts_balance check (origin = 'imported' or (billed_cents >= allowed_cents and allowed_cents = paid_cents + patient_resp_cents))`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const s of [
    `alter table claim drop constraint claim_amounts_balance`,
    `alter table claim add constraint claim_check check (billed_cents >= allowed_cents and allowed_cents = paid_cents + patient_resp_cents)`,
    `alter table claim drop column drg_code`,
    `alter table claim drop column origin`,
  ]) await sql.raw(s).execute(db);
}
