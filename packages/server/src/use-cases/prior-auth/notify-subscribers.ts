/**
 * Tells the submitter a pended request was decided (or needs more information): every active
 * PAS Subscription of the requesting organization gets an R4-backport rest-hook notification
 * with the full ClaimResponse (payload content full-resource). Sent after the decision commits;
 * each delivery attempt — status or error — is logged, and a failed one never undoes the decision.
 * http://hl7.org/fhir/us/davinci-pas/STU2/specification.html#subscription
 *
 * A delivery that fails for a reason that may pass (no answer, a timeout, 408, 429 or 5xx) is
 * tried again in the background, the same notification (same event number), after 1 s and then
 * 5 s: three attempts in all. The first attempt is awaited so the reviewer's answer says whether
 * it arrived. The retries live in this process only (a restart forgets them); the subscriber can
 * always ask for the current state with `Claim/$inquire`.
 */
import type { PriorAuthView } from '@tandem/core';
import { subscriptionNotification } from '@tandem/fhir';
import { activeSubscriptions, laterDeliveryAttempted, nextSubscriptionEvent, recordDelivery } from '@tandem/store';
import type { Deps } from '../../deps.ts';

export const PAS_TOPIC = 'http://hl7.org/fhir/us/davinci-pas/SubscriptionTopic/PASSubscriptionTopic';
const TIMEOUT_MS = 5_000;
/** Waits before the second and third attempts of a failed delivery. */
export const RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000];

/** The first attempt of one notification. */
export interface Delivery {
  readonly subscriptionId: string;
  readonly httpStatus: number | null;
  readonly error: string | null;
}

interface Notification {
  readonly subscriptionId: string;
  readonly endpoint: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly eventNumber: number;
}

/** Worth trying again: the endpoint did not answer, or answered that it could not take it now. */
const mayPass = (d: Delivery) => d.httpStatus === null || d.httpStatus === 408 || d.httpStatus === 429 || d.httpStatus >= 500;

async function attempt(deps: Deps, authId: string, n: Notification, number: number): Promise<Delivery> {
  let httpStatus: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(n.endpoint, { method: 'POST', headers: n.headers, body: n.body, signal: AbortSignal.timeout(TIMEOUT_MS) });
    httpStatus = res.status;
    await res.arrayBuffer();
    if (!res.ok) error = `endpoint answered ${res.status}`;
  } catch (e) {
    error = (e as Error).message;
  }
  await recordDelivery(deps.store.db, { subscriptionId: n.subscriptionId, authId, eventNumber: n.eventNumber, at: deps.clock().toISOString(), httpStatus, error });
  if (error) deps.log.warn({ subscription: n.subscriptionId, priorAuth: authId, event: n.eventNumber, attempt: number, error }, 'subscription notification failed');
  else if (number > 1) deps.log.info({ subscription: n.subscriptionId, priorAuth: authId, event: n.eventNumber, attempt: number }, 'subscription notification delivered on retry');
  return { subscriptionId: n.subscriptionId, httpStatus, error };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

async function retry(deps: Deps, authId: string, n: Notification, delays: readonly number[]): Promise<void> {
  for (const [i, ms] of delays.entries()) {
    await sleep(ms);
    // The request changed since and its newer notification went out: resending this one would leave the subscriber on a stale status.
    if (await laterDeliveryAttempted(deps.store.db, n.subscriptionId, authId, n.eventNumber)) {
      deps.log.info({ subscription: n.subscriptionId, priorAuth: authId, event: n.eventNumber }, 'subscription notification superseded; not retried');
      return;
    }
    const d = await attempt(deps, authId, n, i + 2);
    if (!d.error || !mayPass(d)) return;
  }
  deps.log.error({ subscription: n.subscriptionId, priorAuth: authId, event: n.eventNumber, attempts: delays.length + 1 }, 'subscription notification abandoned');
}

export async function notifySubscribers(deps: Deps, view: PriorAuthView, base: string, retryDelaysMs: readonly number[] = RETRY_DELAYS_MS): Promise<Delivery[]> {
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
    const n: Notification = { subscriptionId: s.id, endpoint: s.endpoint, headers, body: JSON.stringify(body), eventNumber };
    const first = await attempt(deps, view.id, n, 1);
    out.push(first);
    if (first.error && mayPass(first) && retryDelaysMs.length > 0)
      void retry(deps, view.id, n, retryDelaysMs).catch((e: unknown) => deps.log.error({ err: e, subscription: s.id, priorAuth: view.id }, 'subscription notification retry failed'));
  }
  return out;
}
