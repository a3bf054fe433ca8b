/**
 * Typed 270 inquiries and 271 responses (005010X279A1): one entry per patient (the
 * subscriber, or a dependent under them), with the services asked about or the benefits
 * returned. Built from the HL tree (HL01/HL02).
 */
import { hlTree, type HlNode } from '../hl-tree.ts';
import type { LoopNode } from '../loop-walker.ts';
import type { Delimiters } from '../tokenizer.ts';
import { cents, dates, el, kids, opt, party, person, seg, segs, split, type Party, type Person } from './query.ts';

export interface Rejection {
  /** AAA03 reject reason code, e.g. 72 invalid member id, 75 subscriber not found. */
  reason: string;
  /** AAA04 follow-up action code. */
  followUp: string;
  loop: string;
}

export interface EligibilityInquiry {
  source: Party;
  receiver: Party;
  subscriber: Person & { traceNumbers: string[] };
  dependent?: Person;
  /** EQ01 service type codes asked about (30 = health benefit plan coverage). */
  serviceTypes: string[];
  dateOfService?: { from: string; to: string };
}

export interface Benefit {
  /** EB01: 1 active coverage, 6 inactive, A coinsurance, B copayment, C deductible, G out-of-pocket … */
  code: string;
  coverageLevel?: string;
  serviceTypes: string[];
  insuranceType?: string;
  planDescription?: string;
  timePeriod?: string;
  amountCents?: number;
  /** EB08 as sent (a decimal fraction, e.g. '0.2'). */
  percent?: string;
  authorizationRequired?: string;
  /** EB12: Y in network, N out of network, W not applicable. */
  inNetwork?: string;
  dates: Array<{ qualifier: string; from: string; to: string }>;
  messages: string[];
  relatedEntities: Party[];
}

export interface EligibilityResponse extends Omit<EligibilityInquiry, 'serviceTypes' | 'subscriber'> {
  /** Absent when the source or receiver level was rejected (AAA) before any subscriber. */
  subscriber?: EligibilityInquiry['subscriber'];
  benefits: Benefit[];
  rejections: Rejection[];
}

function rejections(n: LoopNode | undefined): Rejection[] {
  return segs(n, 'AAA').map((a) => ({ reason: el(a, 3), followUp: el(a, 4), loop: n!.def.id }));
}

function leaves(tree: HlNode[]): Array<{ source: HlNode; receiver: HlNode; subscriber: HlNode; dependent?: HlNode }> {
  const out: Array<{ source: HlNode; receiver: HlNode; subscriber: HlNode; dependent?: HlNode }> = [];
  for (const source of tree)
    for (const receiver of source.children)
      for (const subscriber of receiver.children) {
        const deps = subscriber.children.filter((c) => c.level === '23');
        if (deps.length === 0) out.push({ source, receiver, subscriber });
        for (const dependent of deps) out.push({ source, receiver, subscriber, dependent });
      }
  return out;
}

const nameLoop = (h: HlNode | undefined) => h?.loop.children.find((c) => c.def.id.startsWith('2100'));

function subscriberOf(h: HlNode): EligibilityInquiry['subscriber'] {
  return { ...person(nameLoop(h)), traceNumbers: segs(h.loop, 'TRN').map((t) => el(t, 2)) };
}

export function read270(root: LoopNode, d: Delimiters): EligibilityInquiry[] {
  return leaves(hlTree(root)).map(({ source, receiver, subscriber, dependent }) => {
    const patient = nameLoop(dependent ?? subscriber);
    const eq = kids(patient, '2110C', '2110D');
    const dtp = seg(patient, 'DTP', [1, '291']);
    return {
      source: party(nameLoop(source)?.segments[0]), receiver: party(nameLoop(receiver)?.segments[0]), subscriber: subscriberOf(subscriber),
      ...opt('dependent', dependent ? person(patient) : undefined),
      serviceTypes: eq.flatMap((e) => split(el(e.segments[0], 1), d, 'repetition')),
      ...opt('dateOfService', dates(dtp)),
    };
  });
}

export function read271(root: LoopNode, d: Delimiters): EligibilityResponse[] {
  const tree = hlTree(root);
  // A source or receiver rejected outright (AAA) has no subscriber below it: one response carries its rejections.
  const stopped: EligibilityResponse[] = tree.flatMap((source) => {
    const receivers = source.children.length ? source.children : [undefined];
    return receivers.filter((r) => !r || r.children.length === 0).map((receiver) => ({
      source: party(nameLoop(source)?.segments[0]), receiver: party(nameLoop(receiver)?.segments[0]), benefits: [],
      rejections: [source.loop, nameLoop(source), receiver?.loop, nameLoop(receiver)].flatMap(rejections),
    }));
  });
  return [...stopped, ...leaves(tree).map(({ source, receiver, subscriber, dependent }) => {    const patient = nameLoop(dependent ?? subscriber);
    const benefits: Benefit[] = kids(patient, '2110C', '2110D').map((b) => {
      const eb = b.segments[0]!;
      return {
        code: el(eb, 1), ...opt('coverageLevel', el(eb, 2)), serviceTypes: split(el(eb, 3), d, 'repetition'), ...opt('insuranceType', el(eb, 4)),
        ...opt('planDescription', el(eb, 5)), ...opt('timePeriod', el(eb, 6)), ...opt('amountCents', cents(eb, 7)), ...opt('percent', el(eb, 8)),
        ...opt('authorizationRequired', el(eb, 11)), ...opt('inNetwork', el(eb, 12)),
        dates: segs(b, 'DTP').map((t) => ({ qualifier: el(t, 1), ...dates(t)! })),
        messages: segs(b, 'MSG').map((m) => el(m, 1)),
        relatedEntities: kids(b, '2120C', '2120D').map((e) => party(e.segments[0])),
      };
    });
    const dtp = seg(patient, 'DTP', [1, '291']) ?? seg(patient, 'DTP', [1, '346']);
    return {
      source: party(nameLoop(source)?.segments[0]), receiver: party(nameLoop(receiver)?.segments[0]), subscriber: subscriberOf(subscriber),
      ...opt('dependent', dependent ? person(patient) : undefined), ...opt('dateOfService', dates(dtp)), benefits,
      rejections: [source.loop, nameLoop(source), nameLoop(receiver), nameLoop(subscriber), dependent ? patient : undefined].flatMap(rejections),
    };
  })];
}

