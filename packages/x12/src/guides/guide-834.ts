/**
 * 834 Benefit Enrollment and Maintenance, 005010X220A1, and the Health Insurance Exchange
 * enrollment variant, 005010X307:
 * sponsor, payer and brokers, then one 2000 loop per member with name, addresses,
 * responsible parties, health coverages (2300), providers, COB and reporting categories.
 */
import { child, loop, MANY, seg, type LoopDef } from '../loop-schema.ts';
import type { Guide } from './guide.ts';

const n1 = (codes: string[]) => seg('N1', 1, true, 1, codes);
const nm1 = (codes: string[]) => seg('NM1', 1, true, 1, codes);

function build(hix: boolean): LoopDef {
  const contact = [seg('PER'), seg('N3'), seg('N4')];
  const l2300 = loop('2300', 'Health Coverage', seg('HD'), [
    seg('DTP', 6, true), seg('AMT', 9), seg('REF', 14), seg('IDC', 3),
    child(loop('2310', 'Provider Information', seg('LX'), [seg('NM1', 1, true), seg('N3', 2), seg('N4'), seg('PER', 2), seg('PLA')]), 30),
    child(loop('2320', 'Coordination of Benefits', seg('COB'), [seg('REF', 4), seg('DTP', 3),
      child(loop('2330', 'Coordination of Benefits Related Entity', nm1(['36', 'GW', 'IN']), [seg('N3'), seg('N4'), seg('PER')]), 3)]), 5),
  ]);
  const l2000 = loop('2000', 'Member Level Detail', seg('INS'), [
    ...(hix ? [seg('REF', 13)] : [seg('REF', 1, true, 1, ['0F']), seg('REF', 1, false, 1, ['1L']), seg('REF', 13)]), seg('DTP', 24),
    child(loop('2100A', 'Member Name', nm1(['74', 'IL']), [seg('PER'), seg('N3'), seg('N4'), seg('DMG'), seg('EC', MANY), seg('ICM'), seg('AMT', 7), seg('HLH'), ...(hix ? [seg('HI')] : []), seg('LUI', MANY)]), 1, true),
    child(loop('2100B', 'Incorrect Member Name', nm1(['70']), [seg('DMG')]), 1),
    child(loop('2100C', 'Member Mailing Address', nm1(['31']), [seg('N3', 1, true), seg('N4', 1, true)]), 1),
    child(loop('2100D', 'Member Employer', nm1(['36']), contact), 3),
    child(loop('2100E', 'Member School', nm1(['M8']), contact), 3),
    child(loop('2100F', 'Custodial Parent', nm1(['S3']), contact), 1),
    child(loop('2100G', 'Responsible Person', nm1([...(hix ? ['2J', 'P5'] : []), '6Y', '9K', 'E1', 'EI', 'EXS', 'GB', 'GD', 'J6', 'LR', 'QD', 'S1', 'TZ', 'X4']), contact), 13),
    child(loop('2100H', 'Drop Off Location', nm1(['45']), [seg('N3'), seg('N4')]), 1),
    child(loop('2200', 'Disability Information', seg('DSB'), [seg('DTP', 2)]), 30),
    child(l2300, 99),
    seg('LS'),
    child(loop('2700', 'Member Reporting Categories', seg('LX'), [
      child(loop('2750', 'Reporting Category', seg('N1', 1, true, 1, hix ? ['75', 'AG'] : ['75']), [seg('REF'), seg('DTP')]), 1, true),
    ]), MANY),
    seg('LE'),
  ]);
  return loop('HEADER', 'Transaction Set Header', seg('ST'), [
    seg('BGN', 1, true), seg('REF', 1), seg('DTP', 6), seg('QTY', 3),
    ...(hix ? [child(loop('1000A', 'Exchange Name', n1(['41', 'P5']), []), 1, true), child(loop('1000B0', 'Receiver Name', n1(['40']), []), 1)] : [child(loop('1000A', 'Sponsor Name', n1(['P5']), []), 1, true)]),
    child(loop('1000B', 'Payer', n1(['IN']), []), 1, true),
    ...(hix
      ? [child(loop('1000E', 'Employer Name', n1(['62']), [seg('N3'), seg('N4'), seg('PER', 9),
          child(loop('1100E', 'Employer Account', seg('ACT'), [seg('REF', 9), seg('N3'), seg('N4'), seg('PER', 9), seg('DTP', 3), seg('AMT', 3)]), 9)]), 9)]
      : []),
    child(loop('1000C', 'TPA/Broker Name', n1(['BO', 'TV']), [child(loop('1100C', 'TPA/Broker Account Information', seg('ACT'), []), 1)]), 2),
    child(l2000, MANY, true),
    seg('SE', 1, true),
  ]);
}

export const GUIDE_834: Guide = {
  key: '834', transaction: '834', versions: ['005010X220A1', '005010X220'], name: 'Benefit Enrollment and Maintenance', functionalId: 'BE',
  schema: build(false), hlParents: {},
};

export const GUIDE_834_HIX: Guide = {
  key: '834-HIX', transaction: '834', versions: ['005010X307'], name: 'Health Insurance Exchange Enrollment', functionalId: 'BE',
  schema: build(true), hlParents: {},
};
