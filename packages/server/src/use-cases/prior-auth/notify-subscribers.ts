/**
 * Tells the submitter a pended request was decided (or needs more information): every active
 * PAS Subscription of the requesting organization gets an R4-backport rest-hook notification
 * with the full ClaimResponse (payload content full-resource). Sent after the decision commits;
 * each delivery — status or error — is logged, and a failed one never undoes the decision.
 * http://hl7.org/fhir/us/davinci-pas/STU2/specification.html#subscription
 */
import type { PriorAuthView } from '@tandem/core';
import { subscriptionNotification } from '@tandem/fhir';
import { activeSubscriptions, nextSubscriptionEvent, recordDelivery } from '@tandem/store';
import type { Deps } from '../../deps.ts';

export const PAS_TOPIC = 'http://hl7.org/fhir/us/davinci-pas/SubscriptionTopic/PASSubscriptionTopic';
const TIMEOUT_MS = 5_000;

export interface Delivery {
  readonly subscriptionId: string;
  readonly httpStatus: number | null;
  readonly error: string | null;
}

export async function notifySubscribers(deps: Deps, view: PriorAuthView, base: string): Promise<Delivery[]> {
  const db = deps.store.db;
  const subs = await activeSubscriptions(db, view.provider.orgId, PAS_TOPIC);
  const out: Delivery[] = [];
  for (const s of subs) {
    const eventNumber = await nextSubscriptionEvent(db, s.id);
    const at = deps.clock().toISOString();
    const body = subscriptionNotification(view, { base, timestamp: at, subscriptionUrl: `${base}/Subscription/${s.id}`, topic: PAS_TOPIC, eventNumber });
    const headers: Record<string, string> = { 'content-type': 'application/fhir+json' };
    for (const h of s.headers) {
      const i = h.indexOf(':');
      if (i > 0) headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
    }
    let httpStatus: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(s.endpoint, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
      httpStatus = res.status;
      await res.arrayBuffer();
      if (!res.ok) error = `endpoint answered ${res.status}`;
    } catch (e) {
      error = (e as Error).message;
    }
    await recordDelivery(db, { subscriptionId: s.id, authId: view.id, eventNumber, at, httpStatus, error });
    if (error) deps.log.warn({ subscription: s.id, priorAuth: view.id, error }, 'subscription notification failed');
    out.push({ subscriptionId: s.id, httpStatus, error });
  }
  return out;
}
