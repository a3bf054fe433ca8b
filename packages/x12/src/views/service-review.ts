/**
 * Typed 278 service review requests and responses (005010X217): for each patient event
 * (HL EV) the review category, the service and facility, diagnoses, providers, the
 * decision (HCR) and the services under it (HL SS), each with its own decision.
 */
import { hlTree, type HlNode } from '../hl-tree.ts';
import type { LoopNode } from '../loop-walker.ts';
import type { Delimiters } from '../tokenizer.ts';
import { dates, el, kids, opt, party, person, procedure, seg, segs, split, type Party, type Person } from './query.ts';
import type { Rejection } from './eligibility.ts';

export interface ReviewDecision {
  /** HCR01: A1 certified in total, A2 certified partial, A3 not certified, A4 pended, A6 modified, C cancelled, CT contact payer, NA no action required. */
  action: string;
  /** HCR02: the payer's review (authorization) number. */
  reference?: string;
  /** HCR03: the reason code when not certified or modified. */
  reason?: string;
}

export interface ReviewedService {
  traceNumbers: string[];
  procedure?: { qualifier: string; code: string; modifiers: string[] };
  /** SV1/SV2 quantity (units or days). */
  quantity?: string;
  serviceDates?: { from: string; to: string };
  decision?: ReviewDecision;
  providers: Party[];
}

export interface ServiceReview {
  kind: 'request' | 'response';
  umo: Party;
  requester: Party;
  subscriber: Person;
  dependent?: Person;
  traceNumbers: string[];
  /** UM01: AR admission review, HS health services review, SC specialty care (referral). */
  requestCategory?: string;
  /** UM02: I initial, R renewal, S revised, E extension … */
  certificationType?: string;
  serviceType?: string;
  /** UM06 (X12 1338): U urgent, 03 emergency, E elective — how fast the requester needs a decision. */
  levelOfService?: string;
  facility?: { code: string; qualifier: string };
  diagnoses: Array<{ qualifier: string; code: string }>;
  eventDates?: { from: string; to: string };
  decision?: ReviewDecision;
  providers: Party[];
  services: ReviewedService[];
  rejections: Rejection[];
}

function decision(n: LoopNode): ReviewDecision | undefined {
  const hcr = seg(n, 'HCR');
  return hcr ? { action: el(hcr, 1), ...opt('reference', el(hcr, 2)), ...opt('reason', el(hcr, 3)) } : undefined;
}

const aaa = (n: LoopNode | undefined): Rejection[] => segs(n, 'AAA').map((a) => ({ reason: el(a, 3), followUp: el(a, 4), loop: n!.def.id }));
const nameLoop = (h: HlNode | undefined) => h?.loop.children.find((c) => c.def.id.startsWith('2010'));

export function read278(root: LoopNode, d: Delimiters, kind: 'request' | 'response'): ServiceReview[] {
  const out: ServiceReview[] = [];
  for (const umo of hlTree(root))
    for (const requester of umo.children)
      for (const subscriber of requester.children) {
        const events: Array<[HlNode, HlNode | undefined]> = [];
        for (const c of subscriber.children) {
          if (c.level === 'EV') events.push([c, undefined]);
          if (c.level === '23') for (const e of c.children.filter((x) => x.level === 'EV')) events.push([e, c]);
        }
        for (const [event, dependent] of events) {
          const um = seg(event.loop, 'UM');
          const [facility = '', facilityQualifier = ''] = split(el(um, 4), d, 'component');
          const services: ReviewedService[] = [];
          // SS levels: children of the event, and (in some senders' files) of a previous SS.
          const visit = (h: HlNode) => {
            for (const s of h.children.filter((x) => x.level === 'SS')) {
              const sv = seg(s.loop, 'SV1') ?? seg(s.loop, 'SV2') ?? seg(s.loop, 'SV3');
              const proc = sv ? procedure(sv.id === 'SV2' ? el(sv, 2) : el(sv, 1), d) : undefined;
              const qty = sv?.id === 'SV1' ? el(sv, 4) : sv?.id === 'SV2' ? el(sv, 5) : '';
              services.push({
                traceNumbers: segs(s.loop, 'TRN').map((t) => el(t, 2)), ...opt('procedure', proc), ...opt('quantity', qty),
                ...opt('serviceDates', dates(seg(s.loop, 'DTP', [1, '472']))), ...opt('decision', decision(s.loop)),
                providers: kids(s.loop, '2010F').map((p) => party(p.segments[0])),
              });
              visit(s);
            }
          };
          visit(event);
          out.push({
            kind, umo: party(nameLoop(umo)?.segments[0]), requester: party(nameLoop(requester)?.segments[0]), subscriber: person(nameLoop(subscriber)),
            ...opt('dependent', dependent ? person(nameLoop(dependent)) : undefined),
            traceNumbers: segs(event.loop, 'TRN').map((t) => el(t, 2)),
            ...opt('requestCategory', el(um, 1)), ...opt('certificationType', el(um, 2)), ...opt('serviceType', el(um, 3)), ...opt('levelOfService', el(um, 6)),
            ...opt('facility', facility ? { code: facility, qualifier: facilityQualifier } : undefined),
            diagnoses: segs(event.loop, 'HI').flatMap((hi) => hi.elements.slice(1).filter(Boolean).map((v) => {
              const [qualifier = '', code = ''] = split(v, d, 'component');
              return { qualifier, code };
            })),
            ...opt('eventDates', dates(seg(event.loop, 'DTP', [1, 'AAH']) ?? seg(event.loop, 'DTP', [1, '435']) ?? seg(event.loop, 'DTP', [1, '472']))),
            ...opt('decision', decision(event.loop)),
            providers: kids(event.loop, '2010EA').map((p) => party(p.segments[0])),
            services,
            rejections: [umo.loop, nameLoop(umo), nameLoop(requester), nameLoop(subscriber), event.loop].flatMap(aaa),
          });
        }
      }
  return out;
}
