/**
 * Loop structures of the 837 Professional (005010X222A1), Institutional (005010X223A2) and
 * Dental (005010X224A2) implementation guides, as far as Tandem validates them: every segment the guides allow
 * is known, in its loop and order, with the maximum use and the required segments and
 * loops. Segment-level details the guides leave situational are not enforced here.
 */
import { child, loop, MANY, seg, type LoopDef } from '../loop-schema.ts';

const nm1 = (codes: string[]) => seg('NM1', 1, true, 1, codes);
const addr = [seg('N3'), seg('N4')];

function providerLoop(id: string, name: string, codes: string[], extra = [seg('PRV'), seg('REF', 5)]): LoopDef {
  return loop(id, name, nm1(codes), extra);
}

function build(kind: 'P' | 'I' | 'D'): LoopDef {
  const P = kind === 'P';
  const D = kind === 'D';
  const l2010AA = loop('2010AA', 'Billing Provider Name', nm1(['85']), [seg('N3', 1, true), seg('N4', 1, true), seg('REF', 3), seg('PER', 2)]);
  const l2010AB = loop('2010AB', 'Pay-to Address Name', nm1(['87']), [seg('N3', 1, true), seg('N4', 1, true)]);
  const l2010AC = loop('2010AC', 'Pay-to Plan Name', nm1(['PE']), [...addr, seg('REF', 2)]);
  const l2010BA = loop('2010BA', 'Subscriber Name', nm1(['IL']), [...addr, seg('DMG'), seg('REF', 2), seg('PER')]);
  const l2010BB = loop('2010BB', 'Payer Name', nm1(['PR']), [...addr, seg('REF', 4)]);
  const l2010CA = loop('2010CA', 'Patient Name', nm1(['QC']), [...addr, seg('DMG', 1, true), seg('REF', 2), seg('PER')]);

  const otherPayerNames = [
    child(loop('2330A', 'Other Subscriber Name', nm1(['IL']), [...addr, seg('REF', 3)]), 1),
    child(loop('2330B', 'Other Payer Name', nm1(['PR']), [...addr, seg('DTP', 1), seg('REF', 6)]), 1),
    ...(D
      ? [
          child(loop('2330C', 'Other Payer Referring Provider', nm1(['DN', 'P3']), [seg('REF', 3)]), 2),
          child(loop('2330D', 'Other Payer Rendering Provider', nm1(['82']), [seg('REF', 3)]), 1),
          child(loop('2330E', 'Other Payer Supervising Provider', nm1(['DQ']), [seg('REF', 3)]), 1),
          child(loop('2330F', 'Other Payer Billing Provider', nm1(['85']), [seg('REF', 2)]), 1),
          child(loop('2330G', 'Other Payer Service Facility Location', nm1(['77']), [seg('REF', 3)]), 1),
          child(loop('2330H', 'Other Payer Assistant Surgeon', nm1(['DD']), [seg('REF', 3)]), 1),
        ]
      : P
      ? [
          child(loop('2330C', 'Other Payer Referring Provider', nm1(['DN', 'P3']), [seg('REF', 3)]), 2),
          child(loop('2330D', 'Other Payer Rendering Provider', nm1(['82']), [seg('REF', 3)]), 1),
          child(loop('2330E', 'Other Payer Service Facility', nm1(['77']), [seg('REF', 3)]), 1),
          child(loop('2330F', 'Other Payer Supervising Provider', nm1(['DQ']), [seg('REF', 3)]), 1),
          child(loop('2330G', 'Other Payer Billing Provider', nm1(['85']), [seg('REF', 2)]), 1),
        ]
      : [
          child(loop('2330C', 'Other Payer Attending Provider', nm1(['71']), [seg('REF', 3)]), 1),
          child(loop('2330D', 'Other Payer Operating Physician', nm1(['72']), [seg('REF', 3)]), 1),
          child(loop('2330E', 'Other Payer Other Operating Physician', nm1(['ZZ']), [seg('REF', 3)]), 1),
          child(loop('2330F', 'Other Payer Service Facility', nm1(['77']), [seg('REF', 3)]), 1),
          child(loop('2330G', 'Other Payer Rendering Provider', nm1(['82']), [seg('REF', 3)]), 1),
          child(loop('2330H', 'Other Payer Referring Provider', nm1(['DN']), [seg('REF', 3)]), 1),
          child(loop('2330I', 'Other Payer Billing Provider', nm1(['85']), [seg('REF', 2)]), 1),
        ]),
  ];
  const l2320 = loop('2320', 'Other Subscriber Information', seg('SBR'), [seg('CAS', 5), seg('AMT', 3), seg('OI', 1, true), seg(P || D ? 'MOA' : 'MIA'), seg('MOA'), ...otherPayerNames]);

  const l2310 = D
    ? [
        child(providerLoop('2310A', 'Referring Provider Name', ['DN', 'P3']), 2),
        child(providerLoop('2310B', 'Rendering Provider Name', ['82']), 1),
        child(loop('2310C', 'Service Facility Location', nm1(['77']), [...addr, seg('REF', 3)]), 1),
        child(providerLoop('2310D', 'Assistant Surgeon Name', ['DD']), 1),
        child(providerLoop('2310E', 'Supervising Provider Name', ['DQ']), 1),
      ]
    : P
    ? [
        child(providerLoop('2310A', 'Referring Provider Name', ['DN', 'P3']), 2),
        child(providerLoop('2310B', 'Rendering Provider Name', ['82']), 1),
        child(loop('2310C', 'Service Facility Location', nm1(['77']), [...addr, seg('REF', 3), seg('PER')]), 1),
        child(providerLoop('2310D', 'Supervising Provider Name', ['DQ']), 1),
        child(loop('2310E', 'Ambulance Pick-up Location', nm1(['PW']), addr), 1),
        child(loop('2310F', 'Ambulance Drop-off Location', nm1(['45']), addr), 1),
      ]
    : [
        child(providerLoop('2310A', 'Attending Provider Name', ['71']), 1),
        child(providerLoop('2310B', 'Operating Physician Name', ['72']), 1),
        child(providerLoop('2310C', 'Other Operating Physician Name', ['ZZ']), 1),
        child(providerLoop('2310D', 'Rendering Provider Name', ['82']), 1),
        child(loop('2310E', 'Service Facility Location', nm1(['77']), [...addr, seg('REF', 3)]), 1),
        child(providerLoop('2310F', 'Referring Provider Name', ['DN']), 1),
      ];

  const l2400D = loop('2400', 'Service Line', seg('LX'), [
    seg('SV3', 1, true), seg('TOO', 32), seg('DTP', 3), seg('QTY', 5), seg('REF', 20), seg('AMT', 2), seg('NTE'),
    child(providerLoop('2420A', 'Rendering Provider Name', ['82']), 1),
    child(providerLoop('2420B', 'Assistant Surgeon Name', ['DD']), 1),
    child(providerLoop('2420C', 'Supervising Provider Name', ['DQ']), 1),
    child(loop('2420D', 'Service Facility Location', nm1(['77']), [...addr, seg('REF', 3)]), 1),
    child(loop('2430', 'Line Adjudication Information', seg('SVD'), [seg('CAS', 5), seg('DTP', 1, true), seg('AMT')]), 15),
  ]);
  const l2400 = D ? l2400D : loop('2400', 'Service Line', seg('LX'), [
    seg(P ? 'SV1' : 'SV2', 1, true),
    ...(P ? [seg('SV5'), seg('PWK', 10), seg('CR1'), seg('CR3'), seg('CRC', 5)] : [seg('PWK', 10)]),
    seg('DTP', 20),
    seg('QTY', 2),
    seg('MEA', 5),
    seg('CN1'),
    seg('REF', 20),
    seg('AMT', 3),
    seg('K3', 10),
    seg('NTE', 2),
    seg('PS1'),
    seg('HCP'),
    child(loop('2410', 'Drug Identification', seg('LIN'), [seg('CTP', 1, true), seg('REF')]), 1),
    ...(P
      ? [
          child(providerLoop('2420A', 'Rendering Provider Name', ['82']), 1),
          child(loop('2420B', 'Purchased Service Provider Name', nm1(['QB']), [seg('REF', 20)]), 1),
          child(loop('2420C', 'Service Facility Location Name', nm1(['77']), [...addr, seg('REF', 3)]), 1),
          child(providerLoop('2420D', 'Supervising Provider Name', ['DQ']), 1),
          child(loop('2420E', 'Ordering Provider Name', nm1(['DK']), [...addr, seg('REF', 20), seg('PER')]), 1),
          child(providerLoop('2420F', 'Referring Provider Name', ['DN', 'P3']), 2),
          child(loop('2420G', 'Ambulance Pick-up Location', nm1(['PW']), addr), 1),
          child(loop('2420H', 'Ambulance Drop-off Location', nm1(['45']), addr), 1),
        ]
      : [
          child(providerLoop('2420A', 'Operating Physician Name', ['72']), 1),
          child(providerLoop('2420B', 'Other Operating Physician Name', ['ZZ']), 1),
          child(providerLoop('2420C', 'Rendering Provider Name', ['82']), 1),
          child(providerLoop('2420D', 'Referring Provider Name', ['DN']), 1),
        ]),
    child(loop('2430', 'Line Adjudication Information', seg('SVD'), [seg('CAS', 5), seg('DTP', 1, true), seg('AMT')]), 15),
    child(loop('2440', 'Form Identification Code', seg('LQ'), [seg('FRM', 99, true)]), MANY),
  ]);

  const l2300 = loop('2300', 'Claim Information', seg('CLM'), [
    seg('DTP', 30),
    ...(P || D ? [] : [seg('CL1')]),
    ...(D ? [seg('DN1'), seg('DN2', 35)] : []),
    seg('PWK', 10),
    seg('CN1'),
    seg('AMT', 3),
    seg('REF', 20),
    seg('K3', 10),
    seg('NTE', P ? 1 : 10),
    seg('CR1'),
    seg('CR2'),
    seg('CRC', 10),
    seg('HI', D ? 1 : 30, !D),
    seg('HCP'),
    ...l2310,
    child(l2320, 10),
    child(l2400, P || D ? 50 : 999, true),
  ]);

  const l2000C = loop('2000C', 'Patient Level', seg('HL', 1, true, 3, ['23']), [seg('PAT', 1, true), child(l2010CA, 1, true), child(l2300, 100)]);
  const l2000B = loop('2000B', 'Subscriber Level', seg('HL', 1, true, 3, ['22']), [seg('SBR', 1, true), seg('PAT'), child(l2010BA, 1, true), child(l2010BB, 1, true), child(l2300, 100), child(l2000C)]);
  const l2000A = loop('2000A', 'Billing Provider Level', seg('HL', 1, true, 3, ['20']), [seg('PRV'), seg('CUR'), child(l2010AA, 1, true), child(l2010AB, 1), child(l2010AC, 1), child(l2000B, MANY, true)]);

  return loop('HEADER', 'Transaction Set Header', seg('ST'), [
    seg('BHT', 1, true),
    child(loop('1000A', 'Submitter Name', nm1(['41']), [seg('PER', 2, true)]), 1, true),
    child(loop('1000B', 'Receiver Name', nm1(['40']), []), 1, true),
    child(l2000A, MANY, true),
    seg('SE', 1, true),
  ]);
}

export const SCHEMA_837P = build('P');
export const SCHEMA_837I = build('I');
export const SCHEMA_837D = build('D');
