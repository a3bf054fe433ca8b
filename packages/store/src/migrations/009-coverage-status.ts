import { sql, type Kysely } from 'kysely';

/**
 * Medicare–Medicaid dual status and Medicare status per enrollment span (as CMS's MMR and
 * CCLF files and the Tuva input layer carry them), so a risk run can choose the member's
 * CMS-HCC segment. Null when the source does not say (generated and 834 enrollment).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table coverage add column dual_status text check (dual_status ~ '^[0-9]{2}$')`.execute(db);
  await sql`alter table coverage add column medicare_status text check (medicare_status ~ '^[0-9]{1,2}$')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table coverage drop column medicare_status`.execute(db);
  await sql`alter table coverage drop column dual_status`.execute(db);
}
