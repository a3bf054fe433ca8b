/**
 * A stored prior authorization → the Da Vinci PAS response Bundle (profile-pas-response-bundle):
 * the ClaimResponse first, each item with its reviewAction (X12 306 code, the authorization
 * number, the reason), then the Patient, insurer and requestor it references. The same
 * ClaimResponse answers $submit and $inquire and rides in subscription notifications.
 * http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-claimresponse
 */
import type { Bundle, BundleEntry, ClaimResponse, ClaimResponseItem, Extension, Organization, Patient } from '@medplum/fhirtypes';
import { X12_306, X12_306_TEXT, type PriorAuthView } from '@tandem/core';
import { SYSTEM } from './identifiers.ts';
import { PAS } from './pas-request.ts';

const X12_306_SYSTEM = 'https://codesystem.x12.org/005010/306';
/** Tandem's own extension: the CMS-0057-F decision deadline, so the submitter sees the clock. */
export const DECISION_DUE_EXTENSION = 'https://tandem.health/fhir/StructureDefinition/prior-auth-decision-due';
const GENDER: Record<string, Patient['gender']> = { M: 'male', F: 'female', U: 'unknown' };

function reviewAction(v: PriorAuthView, item: PriorAuthView['items'][number]): Extension {
  const code = X12_306[item.action];
  const approved = item.action === 'approved' || item.action === 'modified';
  return {
    url: `${PAS}/extension-reviewAction`,
    extension: [
      ...(approved ? [{ url: 'number', valueString: v.id }] : []),
      // Every decision carries its reason as text (a denial's is required to be specific: 42 CFR 422.568(e)).
      { url: 'reasonCode', valueCodeableConcept: { text: item.reason } },
      { url: `${PAS}/extension-reviewActionCode`, valueCodeableConcept: { coding: [{ system: X12_306_SYSTEM, code, display: X12_306_TEXT[code] }] } },
    ],
  };
}

function responseItem(v: PriorAuthView, item: PriorAuthView['items'][number]): ClaimResponseItem {
  const approved = item.action === 'approved' || item.action === 'modified';
  const extension: Extension[] = [{ url: `${PAS}/extension-itemRequestedServiceDate`, valuePeriod: { start: item.from, end: item.to } }];
  if (approved && item.approvedFrom && item.approvedTo) {
    extension.push({ url: `${PAS}/extension-itemPreAuthIssueDate`, valueDate: (v.decidedAt ?? v.receivedAt).slice(0, 10) });
    extension.push({ url: `${PAS}/extension-itemPreAuthPeriod`, valuePeriod: { start: item.approvedFrom, end: item.approvedTo } });
    extension.push({
      url: `${PAS}/extension-itemAuthorizedDetail`,
      extension: [
        { url: 'productOrServiceCode', valueCodeableConcept: { coding: [{ system: item.codeSystem === 'cpt' ? SYSTEM.cpt : item.codeSystem === 'hcpcs' ? SYSTEM.hcpcs : 'https://codesystem.x12.org/005010/1365', code: item.code }] } },
        { url: 'quantity', valueQuantity: { value: item.unitsApproved ?? item.unitsRequested } },
      ],
    });
  }
  if (item.traceNumber) extension.unshift({ url: `${PAS}/extension-itemTraceNumber`, valueIdentifier: { value: item.traceNumber } });
  return {
    itemSequence: item.sequence, extension,
    adjudication: [{ category: { coding: [{ system: SYSTEM.adjudication, code: 'submitted' }] }, extension: [reviewAction(v, item)] }],
  };
}

export interface PasResponseOptions {
  /** Base URL of our FHIR endpoint, for fullUrls. */
  readonly base: string;
  readonly timestamp: string;
}

/** The entries of the response: ClaimResponse, Patient, insurer, requestor (for the response Bundle and for notifications). */
export function pasResponseEntries(v: PriorAuthView, o: PasResponseOptions): BundleEntry[] {
  const patientUrl = `${o.base}/Patient/${v.member.key}`;
  const insurerUrl = `${o.base}/Organization/${v.payer.orgId}`;
  const requestorUrl = `${o.base}/Organization/${v.provider.orgId}`;
  const pended = v.status === 'pended' || v.status === 'info-requested';
  const anyApproved = v.items.some((i) => i.action === 'approved' || i.action === 'modified');
  const response: ClaimResponse = {
    resourceType: 'ClaimResponse', id: v.id, meta: { profile: [`${PAS}/profile-claimresponse`] },
    extension: [{ url: DECISION_DUE_EXTENSION, valueDateTime: v.dueAt }],
    identifier: [{ ...(v.submitterRef.system ? { system: v.submitterRef.system } : {}), value: v.submitterRef.value }],
    status: v.status === 'cancelled' ? 'cancelled' : 'active',
    type: { coding: [{ system: SYSTEM.claimType, code: 'professional' }] }, use: 'preauthorization',
    patient: { reference: patientUrl }, created: v.decidedAt ?? v.receivedAt,
    insurer: { reference: insurerUrl }, requestor: { reference: requestorUrl },
    outcome: pended ? 'queued' : 'complete',
    disposition: pended
      ? `${v.status === 'info-requested' ? 'More information requested' : 'Pended for clinical review'}; a decision is due by ${v.dueAt} (${v.priority})`
      : `${v.status}${v.decidedAt ? ` on ${v.decidedAt}` : ''}`,
    ...(anyApproved ? { preAuthRef: v.id } : {}),
    item: v.items.map((i) => responseItem(v, i)),
  };
  const patient: Patient = {
    resourceType: 'Patient', id: v.member.key, meta: { profile: [`${PAS}/profile-subscriber`] },
    identifier: [{ type: { coding: [{ system: SYSTEM.v2IdentifierType, code: 'MB' }] }, system: SYSTEM.memberId, value: v.member.memberId }],
    name: [{ family: v.member.lastName, given: [v.member.firstName] }], birthDate: v.member.birthDate, gender: GENDER[v.member.gender] ?? 'unknown',
  };
  const insurer: Organization = { resourceType: 'Organization', id: v.payer.orgId, meta: { profile: [`${PAS}/profile-insurer`] }, active: true, name: v.payer.name,
    type: [{ coding: [{ system: 'https://codesystem.x12.org/005010/98', code: 'PR' }] }] };
  const requestor: Organization = { resourceType: 'Organization', id: v.provider.orgId, meta: { profile: [`${PAS}/profile-requestor`] }, active: true, name: v.provider.name,
    ...(v.provider.npi ? { identifier: [{ system: SYSTEM.npi, value: v.provider.npi }] } : {}), type: [{ coding: [{ system: 'https://codesystem.x12.org/005010/98', code: 'X3' }] }] };
  return [
    { fullUrl: `${o.base}/ClaimResponse/${v.id}`, resource: response },
    { fullUrl: patientUrl, resource: patient },
    { fullUrl: insurerUrl, resource: insurer },
    { fullUrl: requestorUrl, resource: requestor },
  ];
}

/** The $submit / $inquire answer: a PAS response Bundle whose first entry is the ClaimResponse. */
export function pasResponseBundle(v: PriorAuthView, o: PasResponseOptions): Bundle {
  return {
    resourceType: 'Bundle', meta: { profile: [`${PAS}/profile-pas-response-bundle`] }, identifier: { system: 'https://tandem.health/fhir/prior-auth', value: v.id },
    type: 'collection', timestamp: o.timestamp, entry: pasResponseEntries(v, o),
  };
}

/** A PAS response for a request that could not be matched to a member: ClaimResponse.error with X12 AAA reason 75 (subscriber not found). */
export function pasMemberNotFound(submitter: { system: string | null; value: string }, o: PasResponseOptions & { insurerName: string }): Bundle {
  const response: ClaimResponse = {
    resourceType: 'ClaimResponse', meta: { profile: [`${PAS}/profile-claimresponse`] }, identifier: [{ ...(submitter.system ? { system: submitter.system } : {}), value: submitter.value }],
    status: 'active', type: { coding: [{ system: SYSTEM.claimType, code: 'professional' }] }, use: 'preauthorization', patient: { display: 'not found' }, created: o.timestamp,
    insurer: { display: o.insurerName }, outcome: 'error', disposition: 'Subscriber/insured not found',
    error: [{ code: { coding: [{ system: 'https://codesystem.x12.org/005010/901', code: '75', display: 'Subscriber/Insured Not Found' }] } }],
  };
  return { resourceType: 'Bundle', meta: { profile: [`${PAS}/profile-pas-response-bundle`] }, type: 'collection', timestamp: o.timestamp, entry: [{ resource: response }] };
}

/**
 * An R4-backport notification (Bundle type history, SubscriptionStatus Parameters first) carrying
 * the full ClaimResponse and what it references. https://hl7.org/fhir/uv/subscriptions-backport/
 */
export function subscriptionNotification(v: PriorAuthView, o: PasResponseOptions & { subscriptionUrl: string; topic: string; eventNumber: number }): Bundle {
  const entries = pasResponseEntries(v, o);
  return {
    resourceType: 'Bundle', type: 'history', timestamp: o.timestamp,
    meta: { profile: ['http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-notification-r4'] },
    entry: [
      {
        fullUrl: `urn:uuid:${v.id}-status-${o.eventNumber}`,
        resource: {
          resourceType: 'Parameters', meta: { profile: ['http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4'] },
          parameter: [
            { name: 'subscription', valueReference: { reference: o.subscriptionUrl } },
            { name: 'topic', valueCanonical: o.topic },
            { name: 'status', valueCode: 'active' },
            { name: 'type', valueCode: 'event-notification' },
            { name: 'events-since-subscription-start', valueString: String(o.eventNumber) },
            { name: 'notification-event', part: [
              { name: 'event-number', valueString: String(o.eventNumber) },
              { name: 'timestamp', valueInstant: o.timestamp },
              { name: 'focus', valueReference: { reference: entries[0]!.fullUrl! } },
              ...entries.slice(1).map((e) => ({ name: 'additional-context', valueReference: { reference: e.fullUrl! } })),
            ] },
          ],
        },
        request: { method: 'GET', url: `${o.subscriptionUrl}/$status` }, response: { status: '200' },
      },
      ...entries.map((e) => ({ ...e, request: { method: 'PUT' as const, url: `${e.resource!.resourceType}/${e.resource!.id}` }, response: { status: '200' } })),
    ],
  };
}
