/**
 * 278 Health Care Services Review — Request for Review and Response, 005010X217:
 * utilization management organization (HL 20) → requester (21) → subscriber (22) →
 * dependent (23) → patient event (EV) → service (SS). Request and response share ST01
 * 278 and are told apart by BHT02 (13 request, 11 response).
 */
import { child, loop, MANY, seg, type Entry, type LoopDef } from '../loop-schema.ts';
import type { Guide } from './guide.ts';

const hl = (code: string) => seg('HL', 1, true, 3, [code]);
const nm1 = (codes: string[]) => seg('NM1', 1, true, 1, codes);

function build(response: boolean): LoopDef {
  const aaa: Entry[] = response ? [seg('AAA', 9)] : [];
  const decision: Entry[] = response ? [seg('AAA', 9), seg('UM'), seg('HCR')] : [seg('UM', 1, true)];
  const partyDetail = (extra: Entry[] = []): Entry[] => [seg('REF', 9), seg('N3'), seg('N4'), seg('PER', 3), ...aaa, seg('PRV'), ...extra];
  const eventProviders = [
    child(loop('2010EA', 'Patient Event Provider Name', nm1(['71', '72', '73', '77', 'AAJ', 'DD', 'DK', 'DN', 'FA', 'G3', 'P3', 'QB', 'QV', 'SJ']), partyDetail()), 13),
    child(loop('2010EB', 'Patient Event Transport Information', nm1(['45', 'FS', 'ND', 'PW', 'R3']), [seg('N3'), seg('N4')]), 5),
    child(loop('2010EC', 'Patient Event Other UMO Name', nm1(['GB', 'X3']), [seg('REF', 3), seg('DTP')]), 1),
  ];
  const f = loop('2000F', 'Service Level', hl('SS'), [
    seg('TRN', 3), ...(response ? decision : [seg('UM')]), seg('REF', 9), seg('DTP', 3), seg('SV1'), seg('SV2'), seg('SV3'), seg('TOO', 32), seg('HSD'), seg('PWK', 10), seg('MSG'),
    child(loop('2010F', 'Service Provider Name', nm1(['71', '72', '73', '77', 'AAJ', 'DD', 'DK', 'DN', 'FA', 'G3', 'P3', 'QB', 'QV', 'SJ']), partyDetail()), 12),
  ]);
  const e = loop('2000E', 'Patient Event Level', hl('EV'), [
    seg('TRN', 3), ...decision, seg('REF', 9), seg('DTP', 3), seg('HI'), seg('HSD'), seg('CRC', 10), seg('CL1'), seg('CR1'), seg('CR2'), seg('CR4'),
    seg('CR5'), seg('CR6'), seg('CR7'), seg('CR8'), seg('PWK', 10), seg('MSG'), ...eventProviders, child(f, MANY),
  ]);
  const person = (level: 'C' | 'D', name: string, codes: string[]) =>
    child(loop(`2010${level}`, `${name} Name`, nm1(codes), [seg('REF', 9), seg('N3'), seg('N4'), ...aaa, seg('DMG'), seg('INS')]), 1, true);
  const d = loop('2000D', 'Dependent Level', hl('23'), [person('D', 'Dependent', ['QC']), child(e, 1, !response)]);
  const c = loop('2000C', 'Subscriber Level', hl('22'), [person('C', 'Subscriber', ['IL']), child(e, 1), child(d, MANY)]);
  const b = loop('2000B', 'Requester Level', hl('21'), [
    child(loop('2010B', 'Requester Name', nm1(['1P', 'FA']), partyDetail()), 1, true), child(c, 1, true),
  ]);
  const a = loop('2000A', 'Utilization Management Organization (UMO) Level', hl('20'), [
    ...aaa, child(loop('2010A', 'UMO Name', nm1(['X3']), [seg('PER', 3), ...aaa]), 1, true), child(b, 1, true),
  ]);
  return loop('HEADER', 'Transaction Set Header', seg('ST'), [seg('BHT', 1, true), child(a, 1, true), seg('SE', 1, true)]);
}

const hlParents = { '21': ['20'], '22': ['21'], '23': ['22'], EV: ['22', '23'], SS: ['EV'] };

export const GUIDE_278_REQUEST: Guide = {
  key: '278-request', transaction: '278', versions: ['005010X217'], name: 'Health Care Services Review — Request for Review', functionalId: 'HI',
  schema: build(false), hlParents, bht: { structure: ['0007'], purpose: ['01', '13', '36'] },
};

export const GUIDE_278_RESPONSE: Guide = {
  key: '278-response', transaction: '278', versions: ['005010X217'], name: 'Health Care Services Review — Response', functionalId: 'HI',
  schema: build(true), hlParents, bht: { structure: ['0007'], purpose: ['11'] },
};
