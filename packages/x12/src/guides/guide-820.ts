/**
 * 820 Payroll Deducted and Other Group Premium Payment for Insurance Products, 005010X218,
 * and the Health Insurance Exchange Related Payments variant, 005010X306: the payment
 * (BPR/TRN), premium receiver and payer, organization summary remittance (2000A) and
 * individual remittance (2000B).
 */
import { child, loop, MANY, seg, type LoopDef } from '../loop-schema.ts';
import type { Guide } from './guide.ts';

function build(hix: boolean): LoopDef {
  const adjustment = (level: string) => child(loop(`2320${level}`, 'Adjustment', seg('ADX'), [seg('NTE', 3), seg('REF', 3), seg('DTM')]), MANY);
  const remittance = (level: string, lines: boolean) =>
    child(loop(`2300${level}`, 'Remittance Detail', seg('RMR'), [
      seg('NTE', 3), seg('REF', 3), seg('DTM', 2),
      ...(lines ? [child(loop(`2310${level}`, 'Summary Line Item', seg('IT1'), [child(loop(`2315${level}`, 'Member Count', seg('SLN'), []), MANY)]), MANY)] : []),
      adjustment(level),
    ]), MANY);
  return loop('HEADER', 'Transaction Set Header', seg('ST'), [
    seg('BPR', 1, true), seg('TRN', 1, true), seg('CUR'), seg('REF', 3), seg('DTM', 3),
    child(loop('1000A', 'Premium Receiver Name', seg('N1', 1, true, 1, ['PE']), [seg('N2'), seg('N3'), seg('N4'), seg('PER', 3)]), 1, true),
    child(loop('1000B', 'Premium Payer Name', seg('N1', 1, true, 1, ['PR', 'RM']), [seg('N2'), seg('N3'), seg('N4'), seg('PER', 3)]), 1, true),
    child(loop('1000C', 'Intermediary Bank Information', seg('N1', 1, true, 1, ['IM']), [seg('N2'), seg('N3'), seg('N4'), seg('PER')]), 3),
    ...(hix ? [] : [child(loop('2000A', 'Organization Summary Remittance', seg('ENT', 1, true, 2, ['2L']), [remittance('A', true)]), MANY)]),
    child(loop('2000B', 'Individual Remittance', seg('ENT'), [
      child(loop('2100B', 'Individual Name', seg('NM1'), [seg('REF', hix ? 9 : 2)]), 1),
      remittance('B', false),
    ]), MANY),
    seg('SE', 1, true),
  ]);
}

export const GUIDE_820: Guide = {
  key: '820', transaction: '820', versions: ['005010X218'], name: 'Payroll Deducted and Other Group Premium Payment', functionalId: 'RA',
  schema: build(false), hlParents: {},
};

export const GUIDE_820_HIX: Guide = {
  key: '820-HIX', transaction: '820', versions: ['005010X306'], name: 'Health Insurance Exchange Related Payments', functionalId: 'RA',
  schema: build(true), hlParents: {},
};
