/**
 * 270/271 Health Care Eligibility Benefit Inquiry and Response, 005010X279A1: information
 * source (HL 20) → receiver (21) → subscriber (22) → dependent (23); inquiries (EQ, 2110)
 * and benefits (EB, 2110 with 2120 related entities between LS and LE).
 */
import { child, loop, MANY, seg, type Entry, type LoopDef } from '../loop-schema.ts';
import type { Guide } from './guide.ts';

const hl = (code: string) => seg('HL', 1, true, 3, [code]);
const nm1 = (codes: string[]) => seg('NM1', 1, true, 1, codes);

function person(level: string, name: string, nm: string[], response: boolean, benefit: LoopDef): LoopDef {
  const aaa: Entry[] = response ? [seg('AAA', 9)] : [];
  return loop(`2000${level}`, `${name} Level`, hl(level === 'C' ? '22' : '23'), [
    seg('TRN', response ? 3 : 2),
    child(loop(`2100${level}`, `${name} Name`, nm1(nm), [
      seg('REF', 9), seg('N3'), seg('N4'), ...aaa, seg('PRV'), seg('DMG'), seg('INS'), seg('HI'), seg('DTP', response ? 9 : 2), ...(response ? [seg('MPI')] : []),
      child(benefit, response ? MANY : 99),
    ]), 1, true),
  ]);
}

function inquiry(level: string): LoopDef {
  return loop(`2110${level}`, 'Eligibility or Benefit Inquiry', seg('EQ'), [seg('AMT', 2), seg('III', 10), seg('REF'), seg('DTP')]);
}

function benefit(level: string): LoopDef {
  return loop(`2110${level}`, 'Eligibility or Benefit Information', seg('EB'), [
    seg('HSD', 9), seg('REF', 9), seg('DTP', 20), seg('AAA', 9), seg('MSG', 10), seg('III', 10), seg('LS'),
    child(loop(`2120${level}`, 'Benefit Related Entity', seg('NM1'), [seg('N3'), seg('N4'), seg('PER', 3), seg('PRV')]), 23),
    seg('LE'),
  ]);
}

function build(response: boolean): LoopDef {
  const aaa: Entry[] = response ? [seg('AAA', 9)] : [];
  const d = person('D', 'Dependent', ['03'], response, response ? benefit('D') : inquiry('D'));
  const c = person('C', 'Subscriber', ['IL'], response, response ? benefit('C') : inquiry('C'));
  const cWithD: LoopDef = { ...c, entries: [...c.entries, child(d)] };
  const b = loop('2000B', 'Information Receiver Level', hl('21'), [
    child(loop('2100B', 'Information Receiver Name', nm1(['1P', '2B', '36', '80', 'FA', 'GP', 'P5', 'PR']), [seg('REF', 9), seg('N3'), seg('N4'), ...aaa, seg('PRV')]), 1, true),
    child(cWithD),
  ]);
  const a = loop('2000A', 'Information Source Level', hl('20'), [
    ...aaa,
    child(loop('2100A', 'Information Source Name', nm1(['2B', '36', 'GP', 'P5', 'PR']), [...(response ? [seg('PER', 3), seg('AAA', 9)] : [])]), 1, true),
    child(b),
  ]);
  return loop('HEADER', 'Transaction Set Header', seg('ST'), [seg('BHT', 1, true), child(a, MANY, true), seg('SE', 1, true)]);
}

const hlParents = { '21': ['20'], '22': ['21'], '23': ['22'] };

export const GUIDE_270: Guide = {
  key: '270', transaction: '270', versions: ['005010X279A1', '005010X279'], name: 'Health Care Eligibility Benefit Inquiry', functionalId: 'HS',
  schema: build(false), hlParents, bht: { structure: ['0022'], purpose: ['01', '13', '36'] },
};

export const GUIDE_271: Guide = {
  key: '271', transaction: '271', versions: ['005010X279A1', '005010X279'], name: 'Health Care Eligibility Benefit Response', functionalId: 'HB',
  schema: build(true), hlParents, bht: { structure: ['0022'], purpose: ['06', '11'] },
};
