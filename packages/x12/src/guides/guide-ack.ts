/**
 * 999 Implementation Acknowledgment (005010X231A1) and its predecessor 997 (005010X230).
 */
import { child, loop, MANY, seg } from '../loop-schema.ts';
import type { Guide } from './guide.ts';

export const GUIDE_999: Guide = {
  key: '999', transaction: '999', versions: ['005010X231A1', '005010X231'], name: 'Implementation Acknowledgment', functionalId: 'FA', hlParents: {},
  schema: loop('HEADER', 'Transaction Set Header', seg('ST'), [
    seg('AK1', 1, true),
    child(loop('2000', 'Transaction Set Response Header', seg('AK2'), [
      child(loop('2100', 'Error Identification', seg('IK3'), [seg('CTX', 10), child(loop('2110', 'Implementation Data Element Note', seg('IK4'), [seg('CTX', 10)]), 99)]), MANY),
      seg('IK5', 1, true),
    ]), MANY),
    seg('AK9', 1, true), seg('SE', 1, true),
  ]),
};

export const GUIDE_997: Guide = {
  key: '997', transaction: '997', versions: ['005010X230', '005010'], name: 'Functional Acknowledgment', functionalId: 'FA', hlParents: {},
  schema: loop('HEADER', 'Transaction Set Header', seg('ST'), [
    seg('AK1', 1, true),
    child(loop('2000', 'Transaction Set Response Header', seg('AK2'), [
      child(loop('2100', 'Data Segment Note', seg('AK3'), [seg('AK4', 99)]), MANY),
      seg('AK5', 1, true),
    ]), MANY),
    seg('AK9', 1, true), seg('SE', 1, true),
  ]),
};
