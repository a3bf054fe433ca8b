/** Users, API clients and system settings (such as the token-signing key). */
import type { Db } from '../open-database.ts';

export interface UserRecord {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly passwordHash: string;
  readonly orgId: string;
  readonly role: string;
}

export async function findUserByUsername(db: Db, username: string) {
  return db
    .selectFrom('app_user')
    .innerJoin('organization', 'organization.id', 'app_user.org_id')
    .select(['app_user.id', 'app_user.username', 'app_user.display_name', 'app_user.password_hash', 'app_user.org_id', 'app_user.role', 'organization.name as org_name', 'organization.kind as org_kind'])
    .where('app_user.username', '=', username)
    .executeTakeFirst();
}

export async function insertUsers(db: Db, users: readonly UserRecord[]): Promise<void> {
  if (users.length === 0) return;
  await db.insertInto('app_user').values(users.map((u) => ({ id: u.id, username: u.username, display_name: u.displayName, password_hash: u.passwordHash, org_id: u.orgId, role: u.role }))).execute();
}

export async function listUsers(db: Db) {
  return db.selectFrom('app_user').innerJoin('organization', 'organization.id', 'app_user.org_id').select(['username', 'display_name', 'role', 'organization.name as org_name', 'organization.kind as org_kind', 'org_id']).orderBy('username').execute();
}

export async function getSetting(db: Db, key: string): Promise<string | null> {
  const r = await db.selectFrom('system_setting').select('value').where('key', '=', key).executeTakeFirst();
  return r?.value ?? null;
}

/** Sets a value only if absent and returns whichever value won (safe when two servers start at once). */
export async function ensureSetting(db: Db, key: string, value: string): Promise<string> {
  await db.insertInto('system_setting').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
  return (await getSetting(db, key))!;
}

export async function getOrganization(db: Db, id: string) {
  return db.selectFrom('organization').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The payer a single-payer deployment acts for (the first by id), or null before a registry is loaded. */
export async function defaultPayerId(db: Db): Promise<string | null> {
  const r = await db.selectFrom('organization').select('id').where('kind', '=', 'payer').orderBy('id').executeTakeFirst();
  return r?.id ?? null;
}
