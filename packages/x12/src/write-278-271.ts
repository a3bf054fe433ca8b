/**
 * Writes 278 service reviews (005010X217, request or response) and 271 eligibility
 * responses (005010X279A1) from their typed views — the way back for FHIR (Da Vinci PAS,
 * CoverageEligibilityResponse) to X12.
 */
import { x12FromCents } from './money.ts';
import type { EligibilityResponse } from './views/eligibility.ts';
import type { Party, Person } from './views/query.ts';
import type { ServiceReview } from './views/service-review.ts';
import { d8, X12Writer } from './writer.ts';

export interface WriteOptions {
  senderId: string;
  receiverId: string;
  interchangeControlNumber: number;
  date: Date;
  /** BHT03: the sender's reference for this batch. */
  reference: string;
}

const time4 = (d: Date) => d.toISOString().slice(11, 16).replace(':', '');
const today = (d: Date) => d8(d.toISOString().slice(0, 10));
const range = (from: string, to: string): [string, string] => (from === to ? ['D8', d8(from)] : ['RD8', `${d8(from)}-${d8(to)}`]);

function nm1(w: X12Writer, p: Party, entity: string, person: boolean): void {
  w.segment('NM1', p.entity || entity, person ? '1' : '2', p.name, p.firstName, '', '', '', p.id ? p.idQualifier || 'PI' : '', p.id);
}

function personLoop(w: X12Writer, p: Person, entity: string): void {
  nm1(w, p, entity, true);
  if (p.dateOfBirth) w.segment('DMG', 'D8', d8(p.dateOfBirth), p.gender);
}

export function write278(reviews: readonly ServiceReview[], o: WriteOptions): string {
  const w = new X12Writer({ senderId: o.senderId, receiverId: o.receiverId, controlNumber: o.interchangeControlNumber, date: o.date });
  w.gs('HI', '005010X217', o.interchangeControlNumber);
  reviews.forEach((r, i) => {
    const response = r.kind === 'response';
    w.st('278', String(i + 1).padStart(4, '0'), '005010X217');
    w.segment('BHT', '0007', response ? '11' : '13', o.reference, today(o.date), time4(o.date));
    let hl = 0;
    const umo = ++hl;
    w.segment('HL', umo, '', '20', '1');
    nm1(w, r.umo, 'X3', false);
    const requester = ++hl;
    w.segment('HL', requester, umo, '21', '1');
    nm1(w, r.requester, '1P', !!r.requester.firstName);
    const subscriber = ++hl;
    w.segment('HL', subscriber, requester, '22', '1');
    personLoop(w, r.subscriber, 'IL');
    // 2010C AAA: the subscriber could not be identified (e.g. reason 75, subscriber not found).
    for (const a of response ? r.rejections.filter((x) => x.loop.startsWith('2010C')) : []) w.segment('AAA', 'N', '', a.reason, a.followUp);
    let eventParent = subscriber;
    if (r.dependent) {
      eventParent = ++hl;
      w.segment('HL', eventParent, subscriber, '23', '1');
      personLoop(w, r.dependent, 'QC');
    }
    const event = ++hl;
    w.segment('HL', event, eventParent, 'EV', r.services.length ? '1' : '0');
    for (const t of r.traceNumbers) w.segment('TRN', response ? '2' : '1', t, '9TANDEM000');
    for (const a of response ? r.rejections.filter((x) => x.loop.startsWith('2000E')) : []) w.segment('AAA', 'N', '', a.reason, a.followUp);
    const facility = r.facility ? `${r.facility.code}:${r.facility.qualifier}` : '';
    if (!response || r.requestCategory) w.segment('UM', r.requestCategory ?? 'HS', r.certificationType ?? 'I', r.serviceType, facility, '', response ? '' : (r.levelOfService ?? ''));
    if (response && r.decision) w.segment('HCR', r.decision.action, r.decision.reference, r.decision.reason);
    if (r.eventDates) w.segment('DTP', 'AAH', ...range(r.eventDates.from, r.eventDates.to));
    if (r.diagnoses.length) w.segment('HI', ...r.diagnoses.slice(0, 12).map((d) => `${d.qualifier}:${d.code}`));
    for (const p of r.providers) nm1(w, p, 'SJ', !!p.firstName);
    for (const s of r.services) {
      w.segment('HL', ++hl, event, 'SS', '0');
      for (const t of s.traceNumbers) w.segment('TRN', response ? '2' : '1', t, '9TANDEM000');
      if (response && s.decision) w.segment('HCR', s.decision.action, s.decision.reference, s.decision.reason);
      if (s.serviceDates) w.segment('DTP', '472', ...range(s.serviceDates.from, s.serviceDates.to));
      if (s.procedure) w.segment('SV1', [s.procedure.qualifier, s.procedure.code, ...s.procedure.modifiers].join(':'), '', 'UN', s.quantity);
      for (const p of s.providers) nm1(w, p, 'SJ', !!p.firstName);
    }
    w.se();
  });
  w.ge();
  return w.toString();
}

export function write271(responses: readonly EligibilityResponse[], o: WriteOptions): string {
  const w = new X12Writer({ senderId: o.senderId, receiverId: o.receiverId, controlNumber: o.interchangeControlNumber, date: o.date });
  w.gs('HB', '005010X279A1', o.interchangeControlNumber);
  w.st('271', '0001', '005010X279A1');
  w.segment('BHT', '0022', '11', o.reference, today(o.date), time4(o.date));
  let hl = 0;
  for (const r of responses) {
    const source = ++hl;
    w.segment('HL', source, '', '20', '1');
    nm1(w, r.source, 'PR', false);
    const receiver = ++hl;
    w.segment('HL', receiver, source, '21', r.subscriber ? '1' : '0');
    nm1(w, r.receiver, '1P', !!r.receiver.firstName);
    if (!r.subscriber) {
      for (const a of r.rejections) w.segment('AAA', 'N', '', a.reason, a.followUp);
      continue;
    }
    w.segment('HL', ++hl, receiver, '22', '0');
    for (const t of r.subscriber.traceNumbers) w.segment('TRN', '2', t, '9TANDEM000');
    nm1(w, r.subscriber, 'IL', true);
    for (const a of r.rejections) w.segment('AAA', 'N', '', a.reason, a.followUp);
    if (r.subscriber.dateOfBirth) w.segment('DMG', 'D8', d8(r.subscriber.dateOfBirth), r.subscriber.gender);
    if (r.dateOfService) w.segment('DTP', '291', ...range(r.dateOfService.from, r.dateOfService.to));
    for (const b of r.benefits) {
      w.segment('EB', b.code, b.coverageLevel, b.serviceTypes.join('^'), b.insuranceType, b.planDescription, b.timePeriod, b.amountCents === undefined ? '' : x12FromCents(b.amountCents), b.percent, '', '', b.authorizationRequired, b.inNetwork);
      for (const m of b.messages) w.segment('MSG', m);
    }
  }
  w.se();
  w.ge();
  return w.toString();
}
