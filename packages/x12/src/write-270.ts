/**
 * Writes 270 eligibility inquiries (005010X279A1): one subscriber-level inquiry per entry
 * (the patient is the subscriber), service type codes in EQ01.
 */
import type { EligibilityInquiry } from './views/eligibility.ts';
import { d8, X12Writer } from './writer.ts';

export interface Write270Options {
  senderId: string;
  receiverId: string;
  interchangeControlNumber: number;
  date: Date;
  /** BHT03: the submitter's reference for this batch. */
  reference: string;
}

export function write270(inquiries: readonly EligibilityInquiry[], o: Write270Options): string {
  const w = new X12Writer({ senderId: o.senderId, receiverId: o.receiverId, controlNumber: o.interchangeControlNumber, date: o.date });
  w.gs('HS', '005010X279A1', o.interchangeControlNumber);
  w.st('270', '0001', '005010X279A1');
  w.segment('BHT', '0022', '13', o.reference, d8(o.date.toISOString().slice(0, 10)), o.date.toISOString().slice(11, 16).replace(':', ''));
  let hl = 0;
  inquiries.forEach((q, i) => {
    const source = ++hl;
    w.segment('HL', source, '', '20', '1');
    w.segment('NM1', q.source.entity || 'PR', '2', q.source.name, '', '', '', '', q.source.idQualifier ?? 'PI', q.source.id);
    const receiver = ++hl;
    w.segment('HL', receiver, source, '21', '1');
    w.segment('NM1', q.receiver.entity || '1P', '2', q.receiver.name, '', '', '', '', q.receiver.idQualifier ?? 'XX', q.receiver.id);
    w.segment('HL', ++hl, receiver, '22', '0');
    w.segment('TRN', '1', q.subscriber.traceNumbers[0] ?? `${o.reference}-${i + 1}`, '9TANDEM000');
    const s = q.subscriber;
    w.segment('NM1', 'IL', '1', s.name, s.firstName, '', '', '', 'MI', s.id);
    if (s.dateOfBirth) w.segment('DMG', 'D8', d8(s.dateOfBirth), s.gender);
    if (q.dateOfService) {
      const { from, to } = q.dateOfService;
      w.segment('DTP', '291', from === to ? 'D8' : 'RD8', from === to ? d8(from) : `${d8(from)}-${d8(to)}`);
    }
    for (const code of q.serviceTypes.length ? q.serviceTypes : ['30']) w.segment('EQ', code);
  });
  w.se();
  w.ge();
  return w.toString();
}
