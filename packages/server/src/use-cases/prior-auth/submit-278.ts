/**
 * X12 278 service review requests (005010X217) through `POST /x12`: read and validated by
 * the X12 toolkit; each patient event becomes a PriorAuthRequest for the same engine as PAS;
 * the answer is a 278 response with a decision (HCR) per service and, for approvals and pends,
 * the authorization number to quote. A set the validator rejects gets a 999 instead.
 * https://x12.org/products/transaction-sets (278 Health Care Services Review)
 */
import { X12_306, type AccessContext, type PriorAuthItemInput, type PriorAuthRequest, type PriorAuthView } from '@tandem/core';
import { build999, readX12, typedView, write278, type AckInput, type ReviewDecision, type ServiceReview, type X12Document } from '@tandem/x12';
import { reserveNumbers } from '@tandem/store';
import { isoDate, type Deps } from '../../deps.ts';
import { TANDEM_ISA_ID } from '../submit-claims.ts';
import { submitPriorAuth } from './submit-prior-auth.ts';

/** Whether an interchange carries a 278 (ST*278 with its own element separator), checked before a full read. */
export function is278(text: string): boolean {
  const sep = text.trimStart()[3];
  return sep !== undefined && text.includes(`ST${sep}278${sep}`);
}

function ackInput(doc: X12Document): AckInput {
  return {
    ...(doc.fatal ? { fatal: doc.fatal } : {}),
    interchanges: doc.interchanges.map((ic) => ({
      controlNumber: ic.controlNumber, envelopeFindings: ic.findings,
      groups: ic.groups.map((g) => ({ functionalId: g.functionalId, controlNumber: g.controlNumber, version: g.version, findings: g.findings,
        transactionSets: g.sets.map((s) => ({ transaction: s.transaction, controlNumber: s.controlNumber, implementationGuide: s.implementationGuide, findings: s.findings })) })),
    })),
  };
}

/** One 278 patient event → the engine's request. */
export function requestFrom278(r: ServiceReview, fallbackRef: string, today: string): PriorAuthRequest {
  const patient = r.dependent ?? r.subscriber;
  const diagnoses = r.diagnoses.filter((d) => d.qualifier.startsWith('AB')).map((d) => d.code);
  const pos = r.facility?.qualifier === 'B' ? r.facility.code : null;
  const period = (d?: { from: string; to: string }) => d ?? r.eventDates ?? { from: today, to: today };
  const items: PriorAuthItemInput[] = r.services.length
    ? r.services.map((s, i) => ({
      sequence: i + 1, code: s.procedure?.code ?? r.serviceType ?? 'UNKNOWN', codeSystem: s.procedure?.qualifier === 'HC' ? (/^\d/.test(s.procedure.code) ? 'cpt' : 'hcpcs') : 'other',
      modifiers: s.procedure?.modifiers ?? [], placeOfService: pos, units: Math.max(1, Math.round(Number(s.quantity) || 1)),
      from: period(s.serviceDates).from, to: period(s.serviceDates).to, traceNumber: s.traceNumbers[0] ?? null,
    }))
    : [{ sequence: 1, code: r.serviceType ?? 'UNKNOWN', codeSystem: 'x12-service-type', modifiers: [], placeOfService: pos, units: 1, from: period().from, to: period().to, traceNumber: null }];
  const ref = r.traceNumbers[0] ?? fallbackRef;
  const action = r.certificationType === '3' ? 'cancel' : r.certificationType === 'S' ? 'update' : 'submit';
  return {
    action, submitterRef: { system: 'https://x12.org/278/TRN02', value: ref }, relatedRef: action === 'submit' ? null : ref,
    priority: r.levelOfService === 'U' || r.levelOfService === '03' ? 'expedited' : 'standard',
    memberId: r.subscriber.id ?? '', patient: { firstName: patient.firstName ?? null, lastName: patient.name || null, birthDate: patient.dateOfBirth ?? null },
    requesterNpi: r.requester.idQualifier === 'XX' ? (r.requester.id ?? null) : null, diagnoses, answers: {}, items,
  };
}

function decision(v: PriorAuthView, item: PriorAuthView['items'][number]): ReviewDecision {
  const code = X12_306[item.action];
  // HCR02 carries the number to quote: on approvals, and on pends so the provider can ask after it.
  return { action: code, ...(['approved', 'modified', 'pended'].includes(item.action) ? { reference: v.id } : {}) };
}

/** The event-level decision: all one action, or A6 (modified) for a mix that includes approvals, A4 while any is pended. */
function eventDecision(v: PriorAuthView): ReviewDecision {
  const actions = new Set(v.items.map((i) => X12_306[i.action]));
  if (actions.has('A4')) return { action: 'A4', reference: v.id };
  if (actions.size === 1) return { action: [...actions][0]!, ...(actions.has('A1') || actions.has('A6') ? { reference: v.id } : {}) };
  return { action: 'A6', reference: v.id };
}

export interface Submit278Result {
  readonly accepted: boolean;
  /** The 278 response interchange, or the 999 rejecting the file. */
  readonly text: string;
  readonly requests: ReadonlyArray<{ submitterRef: string; id: string | null; status: string }>;
}

export async function submit278(deps: Deps, ctx: AccessContext, text: string): Promise<Submit278Result> {
  const doc = readX12(text);
  const now = deps.clock();
  const control = await reserveNumbers(deps.store.db, 'ack-interchange', 1);
  const sender = doc.interchanges[0]?.senderId ?? 'UNKNOWN';
  const sets = doc.interchanges.flatMap((ic) => ic.groups.flatMap((g) => g.sets));
  const envelopeBad = !!doc.fatal || doc.interchanges.length === 0 || doc.interchanges.some((ic) => ic.findings.some((f) => f.severity === 'error'));
  if (envelopeBad || sets.some((s) => !s.accepted) || !doc.delimiters)
    return { accepted: false, text: build999(ackInput(doc), { senderId: TANDEM_ISA_ID, receiverId: sender, controlNumber: control, date: now }), requests: [] };
  const today = isoDate(now);
  const responses: ServiceReview[] = [];
  const requests: Array<{ submitterRef: string; id: string | null; status: string }> = [];
  for (const [si, s] of sets.entries()) {
    const view = typedView(s, doc.delimiters);
    if (view.type !== 'service-review-request') continue;
    for (const [ei, r] of view.reviews.entries()) {
      const req = requestFrom278(r, `${doc.interchanges[0]!.controlNumber}-${s.controlNumber}-${si + 1}-${ei + 1}`, today);
      const out = await submitPriorAuth(deps, ctx, req, 'x12', { x12: { transaction: '278', control: s.controlNumber, review: r } }, r.umo.id ?? null);
      if (out.kind === 'member-not-found') {
        responses.push({ ...r, kind: 'response', rejections: [{ reason: '75', followUp: 'C', loop: '2010C' }], services: [] });
        requests.push({ submitterRef: req.submitterRef.value, id: null, status: 'member-not-found' });
        continue;
      }
      const v = out.view;
      requests.push({ submitterRef: req.submitterRef.value, id: v.id, status: v.status });
      responses.push({
        ...r, kind: 'response', rejections: [], traceNumbers: [req.submitterRef.value], decision: eventDecision(v),
        requestCategory: r.requestCategory ?? 'HS',
        services: r.services.map((svc, i) => ({ ...svc, decision: decision(v, v.items[i]!) })),
      });
    }
  }
  const response = write278(responses, { senderId: TANDEM_ISA_ID, receiverId: sender, interchangeControlNumber: control, date: now, reference: `TANDEM${control}` });
  return { accepted: true, text: response, requests };
}
