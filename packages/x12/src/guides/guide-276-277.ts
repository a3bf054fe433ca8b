/**
 * 276/277 Health Care Claim Status Request and Response, 005010X212, and the 277 Claim
 * Acknowledgment (277CA), 005010X214. Source (HL 20) → receiver (21) → provider (19) →
 * subscriber (22) → dependent (23); for 277CA provider (19) → patient (PT).
 */
import { child, loop, MANY, seg, type LoopDef } from '../loop-schema.ts';
import type { Guide } from './guide.ts';

const hl = (code: string) => seg('HL', 1, true, 3, [code]);
const nm1 = (codes: string[]) => seg('NM1', 1, true, 1, codes);

function claimLoops(level: string, response: boolean): LoopDef[] {
  const service = response
    ? loop(`2220${level}`, 'Service Line Information', seg('SVC'), [seg('STC', 99, true), seg('REF', 3), seg('DTP')])
    : loop(`2210${level}`, 'Service Line Information', seg('SVC'), [seg('REF'), seg('DTP')]);
  return [
    loop(`2200${level}`, response ? 'Claim Status Tracking Number' : 'Claim Status Tracking Number', seg('TRN', 1, true, 1, ['1', '2']), [
      ...(response ? [seg('STC', 99)] : []), seg('REF', 3), seg('AMT'), seg('DTP', 2), child(service, MANY),
    ]),
  ];
}

function build(response: boolean): LoopDef {
  const e = loop('2000E', 'Dependent Level', hl('23'), [
    seg('DMG'), child(loop('2100E', 'Dependent Name', nm1(['QC']), []), 1, true), ...claimLoops('E', response).map((l) => child(l, MANY, response)),
  ]);
  const d = loop('2000D', 'Subscriber Level', hl('22'), [
    seg('DMG'), child(loop('2100D', 'Subscriber Name', nm1(['IL']), []), 1, true), ...claimLoops('D', response).map((l) => child(l, MANY)), child(e),
  ]);
  const trace = (level: string): LoopDef[] => (response ? [loop(`2200${level}`, 'Application Trace Identifier', seg('TRN'), [seg('STC', MANY)])] : []);
  const c = loop('2000C', 'Service Provider Level', hl('19'), [
    child(loop('2100C', 'Service Provider Name', nm1(['1P']), []), 1, true), ...trace('C').map((l) => child(l, 1)), child(d, MANY, !response),
  ]);
  const b = loop('2000B', 'Information Receiver Level', hl('21'), [
    child(loop('2100B', 'Information Receiver Name', nm1(['41']), []), 1, true), ...trace('B').map((l) => child(l, 1)), child(c, MANY, !response),
  ]);
  const a = loop('2000A', 'Information Source Level', hl('20'), [
    child(loop('2100A', 'Payer Name', nm1(['PR']), response ? [seg('PER', 3)] : []), 1, true), child(b, MANY, true),
  ]);
  return loop('HEADER', 'Transaction Set Header', seg('ST'), [seg('BHT', 1, true), child(a, MANY, true), seg('SE', 1, true)]);
}

const hlParents = { '21': ['20'], '19': ['21'], '22': ['19'], '23': ['22'] };

export const GUIDE_276: Guide = {
  key: '276', transaction: '276', versions: ['005010X212'], name: 'Health Care Claim Status Request', functionalId: 'HR',
  schema: build(false), hlParents, bht: { structure: ['0010'], purpose: ['13'] },
};

export const GUIDE_277: Guide = {
  key: '277', transaction: '277', versions: ['005010X212'], name: 'Health Care Claim Status Response', functionalId: 'HN',
  schema: build(true), hlParents, bht: { structure: ['0010'], purpose: ['08', '06'] },
};

/** 277CA: acceptance or rejection of each claim of a received 837, before adjudication. */
function build277CA(): LoopDef {
  const nm = (codes: string[]) => nm1(codes);
  const d = loop('2000D', 'Patient Level', hl('PT'), [
    child(loop('2100D', 'Patient Name', nm(['QC']), []), 1, true),
    child(loop('2200D', 'Claim Status Tracking Number', seg('TRN', 1, true, 1, ['2']), [
      seg('STC', MANY, true), seg('REF', 3), seg('DTP', 1),
      child(loop('2220D', 'Service Line Information', seg('SVC'), [seg('STC', MANY, true), seg('REF', 2), seg('DTP')]), MANY),
    ]), MANY, true),
  ]);
  const c = loop('2000C', 'Billing Provider of Service Level', hl('19'), [
    child(loop('2100C', 'Billing Provider Name', nm(['85']), []), 1, true),
    child(loop('2200C', 'Provider of Service Information Trace Identifier', seg('TRN'), [seg('STC', MANY), seg('REF', 3), seg('QTY', 2), seg('AMT', 2)]), 1),
    child(d, MANY),
  ]);
  const b = loop('2000B', 'Information Receiver Level', hl('21'), [
    child(loop('2100B', 'Information Receiver Name', nm(['41']), []), 1, true),
    child(loop('2200B', 'Information Receiver Application Trace Identifier', seg('TRN'), [seg('STC', MANY, true), seg('QTY', 2), seg('AMT', 2)]), 1, true),
    child(c, MANY),
  ]);
  const a = loop('2000A', 'Information Source Level', hl('20'), [
    child(loop('2100A', 'Information Source Name', nm(['AY', 'PR']), []), 1, true),
    child(loop('2200A', 'Transmission Receipt Control Identifier', seg('TRN'), [seg('DTP', 2, true)]), 1, true),
    child(b, MANY, true),
  ]);
  return loop('HEADER', 'Transaction Set Header', seg('ST'), [seg('BHT', 1, true), child(a, MANY, true), seg('SE', 1, true)]);
}

export const GUIDE_277CA: Guide = {
  key: '277CA', transaction: '277', versions: ['005010X214'], name: 'Health Care Claim Acknowledgment', functionalId: 'HN',
  schema: build277CA(), hlParents: { '21': ['20'], '19': ['21'], PT: ['19'] }, bht: { structure: ['0085'], purpose: ['08'] },
};
