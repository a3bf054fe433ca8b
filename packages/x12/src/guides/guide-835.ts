/**
 * 835 Health Care Claim Payment/Advice, 005010X221A1: payer and payee, claim payments
 * (2100) with their service lines (2110), provider-level adjustments (PLB).
 */
import { child, loop, MANY, seg } from '../loop-schema.ts';
import type { Guide } from './guide.ts';

const l1000A = loop('1000A', 'Payer Identification', seg('N1', 1, true, 1, ['PR']), [seg('N3', 1, true), seg('N4', 1, true), seg('REF', 4), seg('PER', 3)]);
const l1000B = loop('1000B', 'Payee Identification', seg('N1', 1, true, 1, ['PE']), [seg('N3'), seg('N4'), seg('REF', 2), seg('RDM')]);
const l2110 = loop('2110', 'Service Payment Information', seg('SVC'), [seg('DTM', 2), seg('CAS', 99), seg('REF', 18), seg('AMT', 9), seg('QTY', 6), seg('LQ', 99)]);
const l2100 = loop('2100', 'Claim Payment Information', seg('CLP'), [
  seg('CAS', 99), seg('NM1', 7), seg('MIA'), seg('MOA'), seg('REF', 15), seg('DTM', 4), seg('PER', 3), seg('AMT', 13), seg('QTY', 14),
  child(l2110, 999),
]);
const l2000 = loop('2000', 'Header Number', seg('LX'), [seg('TS3'), seg('TS2'), child(l2100, MANY, true)]);

export const GUIDE_835: Guide = {
  key: '835', transaction: '835', versions: ['005010X221A1', '005010X221'], name: 'Health Care Claim Payment/Advice', functionalId: 'HP', hlParents: {},
  schema: loop('HEADER', 'Transaction Set Header', seg('ST'), [
    seg('BPR', 1, true), seg('TRN', 1, true), seg('CUR'), seg('REF', 2), seg('DTM'),
    child(l1000A, 1, true), child(l1000B, 1, true), child(l2000), seg('PLB', MANY), seg('SE', 1, true),
  ]),
};
