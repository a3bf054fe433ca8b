/**
 * Storage for the SMART on FHIR authorization server: the rows oidc-provider persists
 * through its adapter contract (https://github.com/panva/node-oidc-provider/blob/main/example/my_adapter.js),
 * the clients a payer administrator registers, and members' sign-ins.
 */
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';

export interface OidcRow {
  readonly payload: Record<string, unknown>;
  readonly grantId: string | null;
  readonly uid: string | null;
  readonly userCode: string | null;
  readonly expiresAt: Date | null;
}

export async function upsertOidcModel(db: Db, model: string, id: string, row: OidcRow): Promise<void> {
  const values = {
    model, id, payload: JSON.stringify(row.payload), grant_id: row.grantId, uid: row.uid, user_code: row.userCode,
    expires_at: row.expiresAt ? row.expiresAt.toISOString() : null, consumed_at: null,
  };
  await db
    .insertInto('oidc_model')
    .values(values)
    .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet({ payload: values.payload, grant_id: values.grant_id, uid: values.uid, user_code: values.user_code, expires_at: values.expires_at }))
    .execute();
}

type Found = Record<string, unknown> | undefined;

async function findBy(db: Db, model: string, column: 'id' | 'uid' | 'user_code', value: string): Promise<Found> {
  const r = await db
    .selectFrom('oidc_model')
    .select(['payload', 'consumed_at'])
    .where('model', '=', model)
    .where(column, '=', value)
    // Expired rows are as good as gone (the library also checks exp itself).
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<string>`now()`)]))
    .executeTakeFirst();
  if (!r) return undefined;
  // The library learns that a code or token was used from `consumed` in the payload.
  return r.consumed_at ? { ...r.payload, consumed: Math.floor(new Date(r.consumed_at).getTime() / 1000) } : r.payload;
}

export const findOidcModel = (db: Db, model: string, id: string) => findBy(db, model, 'id', id);
export const findOidcModelByUid = (db: Db, model: string, uid: string) => findBy(db, model, 'uid', uid);
export const findOidcModelByUserCode = (db: Db, model: string, code: string) => findBy(db, model, 'user_code', code);

export async function consumeOidcModel(db: Db, model: string, id: string): Promise<void> {
  await db.updateTable('oidc_model').set({ consumed_at: sql<string>`now()` }).where('model', '=', model).where('id', '=', id).execute();
}

export async function destroyOidcModel(db: Db, model: string, id: string): Promise<void> {
  await db.deleteFrom('oidc_model').where('model', '=', model).where('id', '=', id).execute();
}

/** Revokes everything issued under a grant (codes, access and refresh tokens) in every model. */
export async function revokeOidcGrant(db: Db, grantId: string): Promise<number> {
  const r = await db.deleteFrom('oidc_model').where('grant_id', '=', grantId).executeTakeFirst();
  const g = await db.deleteFrom('oidc_model').where('model', '=', 'Grant').where('id', '=', grantId).executeTakeFirst();
  return Number(r.numDeletedRows) + Number(g.numDeletedRows);
}

/** Rows past their expiry; the server sweeps them now and then so the table does not grow without bound. */
export async function sweepExpiredOidc(db: Db): Promise<number> {
  const r = await db.deleteFrom('oidc_model').where('expires_at', '<', sql<string>`now()`).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The apps a member has authorized (live grants), newest first, with the client's name. */
export async function listMemberGrants(db: Db, memberKey: string) {
  const rows = await db
    .selectFrom('oidc_model as g')
    .leftJoin('smart_client as c', (j) => j.on(sql`c.client_id`, '=', sql`g.payload->>'clientId'`))
    .select(['g.id', 'g.payload', 'g.expires_at', 'c.name', 'c.client_id'])
    .where('g.model', '=', 'Grant')
    .where(sql`g.payload->>'accountId'`, '=', memberKey)
    .where((eb) => eb.or([eb('g.expires_at', 'is', null), eb('g.expires_at', '>', sql<string>`now()`)]))
    .orderBy(sql`g.payload->>'iat'`, 'desc')
    .execute();
  return rows.map((r) => ({
    grantId: r.id, clientId: (r.client_id ?? (r.payload['clientId'] as string)), appName: r.name ?? (r.payload['clientId'] as string),
    grantedAt: new Date(Number(r.payload['iat']) * 1000).toISOString(), expiresAt: r.expires_at,
    scopes: [...String((r.payload['openid'] as { scope?: string } | undefined)?.scope ?? '').split(' '), ...Object.values((r.payload['resources'] as Record<string, string> | undefined) ?? {}).flatMap((s) => s.split(' '))].filter(Boolean),
  }));
}

export interface SmartClientRecord {
  readonly clientId: string;
  readonly kind: 'member-app' | 'backend';
  readonly name: string;
  readonly orgId: string;
  readonly registeredBy: string;
  readonly metadata: Record<string, unknown>;
}

export async function insertSmartClient(db: Db, c: SmartClientRecord): Promise<void> {
  await db.insertInto('smart_client').values({ client_id: c.clientId, kind: c.kind, name: c.name, org_id: c.orgId, registered_by: c.registeredBy, metadata: JSON.stringify(c.metadata), disabled_at: null }).execute();
}

/** A client's oidc-provider metadata, or undefined when unknown or disabled. */
export async function findSmartClientMetadata(db: Db, clientId: string): Promise<Record<string, unknown> | undefined> {
  const r = await db.selectFrom('smart_client').select('metadata').where('client_id', '=', clientId).where('disabled_at', 'is', null).executeTakeFirst();
  return r?.metadata;
}

export async function getSmartClient(db: Db, clientId: string) {
  return db.selectFrom('smart_client').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

/** Clients registered by (or acting for) an organization; a payer sees all it registered. */
export async function listSmartClients(db: Db, registrarOrgId: string) {
  return db
    .selectFrom('smart_client as c')
    .innerJoin('organization as o', 'o.id', 'c.org_id')
    .select(['c.client_id', 'c.kind', 'c.name', 'c.org_id', 'o.name as org_name', 'c.registered_by', 'c.metadata', 'c.created_at', 'c.disabled_at'])
    .where((eb) => eb.or([eb('c.org_id', '=', registrarOrgId), eb(sql`c.metadata->>'tandem_registrar_org_id'`, '=', registrarOrgId)]))
    .orderBy('c.created_at')
    .orderBy('c.client_id')
    .execute();
}

/** Disables a client and removes everything issued to it. */
export async function disableSmartClient(db: Db, clientId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx.updateTable('smart_client').set({ disabled_at: sql<string>`now()` }).where('client_id', '=', clientId).where('disabled_at', 'is', null).executeTakeFirst();
    await trx.deleteFrom('oidc_model').where(sql`payload->>'clientId'`, '=', clientId).execute();
    return Number(r.numUpdatedRows) > 0;
  });
}

export async function upsertMemberLogin(db: Db, l: { username: string; memberKey: string; passwordHash: string }): Promise<void> {
  await db
    .insertInto('member_login')
    .values({ username: l.username, member_key: l.memberKey, password_hash: l.passwordHash })
    .onConflict((oc) => oc.column('member_key').doUpdateSet({ username: l.username, password_hash: l.passwordHash }))
    .execute();
}

export async function findMemberLogin(db: Db, username: string) {
  return db
    .selectFrom('member_login as l')
    .innerJoin('member as m', 'm.key', 'l.member_key')
    .select(['l.username', 'l.member_key', 'l.password_hash', 'm.payer_org_id', 'm.first_name', 'm.last_name', 'm.date_of_birth'])
    .where('l.username', '=', username)
    .executeTakeFirst();
}

export async function getMemberIdentity(db: Db, memberKey: string) {
  return db.selectFrom('member').select(['key', 'payer_org_id', 'first_name', 'last_name', 'date_of_birth', 'member_id']).where('key', '=', memberKey).executeTakeFirst();
}

/** Organizations by id (payers and providers are not member data; an EOB names them). */
export async function organizationsByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('organization').select(['id', 'kind', 'name', 'npi', 'tin']).where('id', 'in', [...ids]).orderBy('id').execute();
}

/**
 * Patient Access usage (CMS-0057-F, 42 CFR 422.119(f)(2)): members whose data went to an app
 * they authorized in [from, to), and those whose data went more than once — counted from the
 * audit trail, where every SMART member-app read names its member.
 */
export async function patientAccessMetrics(db: Db, payerOrgId: string, from: string, to: string) {
  const r = await sql<{ members: number; more_than_once: number; disclosures: number; apps: number }>`
    with d as (
      select k.value as member_key, e.actor
      from audit_event e, jsonb_array_elements_text(e.member_keys) k
      where e.org_id = ${payerOrgId} and e.actor like 'member:% via app:%' and e.outcome = 'success'
        and e.action in ('read', 'search', 'export') and e.at >= ${from} and e.at < ${to})
    select count(distinct member_key)::int as members,
      (select count(*) from (select member_key from d group by member_key having count(*) > 1) x)::int as more_than_once,
      count(*)::int as disclosures, count(distinct substring(actor from ' via app:(.*)$'))::int as apps
    from d`.execute(db);
  return r.rows[0]!;
}

export interface AccessChoices {
  readonly providerAccessOptOut: boolean;
  readonly payerToPayerOptIn: boolean;
  readonly updatedAt: string | null;
}

/** A member's access choices; the defaults (Provider Access on, Payer-to-Payer off) when never recorded. */
export async function getAccessChoices(db: Db, memberKey: string): Promise<AccessChoices> {
  const r = await db.selectFrom('member_access_choice').selectAll().where('member_key', '=', memberKey).executeTakeFirst();
  return { providerAccessOptOut: r?.provider_access_opt_out ?? false, payerToPayerOptIn: r?.payer_to_payer_opt_in ?? false, updatedAt: (r?.updated_at as string | undefined) ?? null };
}

export async function setAccessChoices(db: Db, memberKey: string, c: { providerAccessOptOut: boolean; payerToPayerOptIn: boolean }, recordedBy: string): Promise<void> {
  const v = { provider_access_opt_out: c.providerAccessOptOut, payer_to_payer_opt_in: c.payerToPayerOptIn, recorded_by: recordedBy };
  await db.insertInto('member_access_choice').values({ member_key: memberKey, ...v }).onConflict((oc) => oc.column('member_key').doUpdateSet({ ...v, updated_at: sql<string>`now()` })).execute();
}

/** The payer's Provider Access opt-out list (members who opted out), in key order. */
export async function providerAccessOptOuts(db: Db, payerOrgId: string) {
  return db.selectFrom('member_access_choice as o').innerJoin('member as m', 'm.key', 'o.member_key')
    .select(['m.key', 'm.member_id', 'o.updated_at']).where('m.payer_org_id', '=', payerOrgId).where('o.provider_access_opt_out', '=', true).orderBy('m.key').execute();
}

/** What the library revokes model by model when a grant's tokens go (the Grant row itself is the library's to destroy). */
export async function revokeOidcModelByGrant(db: Db, model: string, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_model').where('model', '=', model).where('grant_id', '=', grantId).execute();
}
