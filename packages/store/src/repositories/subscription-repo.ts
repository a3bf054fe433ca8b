/**
 * R4-backport Subscriptions (rest-hook) a provider organization holds, and the log of
 * notifications sent on them. https://hl7.org/fhir/uv/subscriptions-backport/
 */
import type { AccessContext } from '@tandem/core';
import type { Db } from '../open-database.ts';

export interface SubscriptionRecord {
  readonly id: string;
  readonly orgId: string;
  readonly topic: string;
  readonly filter: string | null;
  readonly endpoint: string;
  readonly headers: readonly string[];
  readonly resource: Record<string, unknown>;
  readonly createdAt: string;
}

export async function insertSubscription(db: Db, s: SubscriptionRecord): Promise<void> {
  await db.insertInto('fhir_subscription').values({
    id: s.id, org_id: s.orgId, topic: s.topic, filter: s.filter, endpoint: s.endpoint, headers: JSON.stringify(s.headers), status: 'active', resource: JSON.stringify(s.resource), created_at: s.createdAt,
  }).execute();
}

/** A subscription of the caller's organization, or null. */
export async function getSubscription(db: Db, ctx: AccessContext, id: string) {
  return db.selectFrom('fhir_subscription').selectAll().where('id', '=', id).where('org_id', '=', ctx.orgId).executeTakeFirst() ?? null;
}

export async function setSubscriptionStatus(db: Db, ctx: AccessContext, id: string, status: 'active' | 'off' | 'error'): Promise<boolean> {
  const r = await db.updateTable('fhir_subscription').set({ status }).where('id', '=', id).where('org_id', '=', ctx.orgId).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function activeSubscriptions(db: Db, orgId: string, topic: string) {
  return db.selectFrom('fhir_subscription').selectAll().where('org_id', '=', orgId).where('topic', '=', topic).where('status', '=', 'active').orderBy('id').execute();
}

/** Counts one more event on the subscription and returns its number (events-since-subscription-start). */
export async function nextSubscriptionEvent(db: Db, id: string): Promise<number> {
  const r = await db.updateTable('fhir_subscription').set((eb) => ({ events_since_start: eb('events_since_start', '+', 1) })).where('id', '=', id).returning('events_since_start').executeTakeFirstOrThrow();
  return r.events_since_start;
}

export async function recordDelivery(db: Db, d: { subscriptionId: string; authId: string; eventNumber: number; at: string; httpStatus: number | null; error: string | null }): Promise<void> {
  await db.insertInto('subscription_delivery').values({ subscription_id: d.subscriptionId, auth_id: d.authId, event_number: d.eventNumber, at: d.at, http_status: d.httpStatus, error: d.error }).execute();
}

/** Whether a later event of this subscription about this request has been attempted (a retry of an older one would overwrite it). */
export async function laterDeliveryAttempted(db: Db, subscriptionId: string, authId: string, eventNumber: number): Promise<boolean> {
  const row = await db.selectFrom('subscription_delivery').select('id').where('subscription_id', '=', subscriptionId).where('auth_id', '=', authId).where('event_number', '>', eventNumber).limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function listDeliveries(db: Db, authId: string) {
  return db.selectFrom('subscription_delivery').selectAll().where('auth_id', '=', authId).orderBy('id').execute();
}
