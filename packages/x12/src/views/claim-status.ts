/**
 * Typed 276 claim status requests, 277 responses (005010X212) and 277CA claim
 * acknowledgments (005010X214): per claim, the parties above it, its trace number and
 * identifiers, and every status (STC) with category, status and entity codes.
 */
import { hlTree, type HlNode } from '../hl-tree.ts';
import type { LoopNode } from '../loop-walker.ts';
import type { Delimiters, Segment } from '../tokenizer.ts';
import { cents, dates, el, opt, party, person, procedure, seg, segs, split, type Party, type Person } from './query.ts';

export interface ClaimStatusCode {
  /** Health Care Claim Status Category Code, e.g. A1 acknowledgment, A2 accepted, A3 returned as unprocessable, F1 finalized/payment. */
  category: string;
  /** Health Care Claim Status Code, e.g. 20 accepted for processing, 21 missing or invalid information. */
  status: string;
  entity?: string;
  date?: string;
  action?: string;
  chargeCents?: number;
  paidCents?: number;
  /** Further statuses in STC10 and STC11. */
  more: Array<{ category: string; status: string; entity?: string }>;
}

export interface StatusLine {
  procedure?: { qualifier: string; code: string; modifiers: string[] };
  chargeCents?: number;
  paidCents?: number;
  lineControlNumber?: string;
  serviceDates?: { from: string; to: string };
  statuses: ClaimStatusCode[];
}

export interface ClaimStatus {
  /** What the status is about: a claim, or a whole receiver's or provider's batch (277 2200B/2200C, 277CA). */
  level: 'claim' | 'receiver' | 'provider';
  source: Party;
  receiver: Party;
  provider: Party;
  subscriber?: Person;
  patient?: Person;
  traceNumber: string;
  payerClaimControlNumber?: string;
  patientControlNumber?: string;
  billType?: string;
  chargeCents?: number;
  serviceDates?: { from: string; to: string };
  statuses: ClaimStatusCode[];
  lines: StatusLine[];
}

function stc(s: Segment, d: Delimiters): ClaimStatusCode {
  const code = (v: string) => {
    const [category = '', status = '', entity = ''] = split(v, d, 'component');
    return { category, status, ...opt('entity', entity) };
  };
  return {
    ...code(el(s, 1)), ...opt('date', dates(s, 0, 2)?.from), ...opt('action', el(s, 3)), ...opt('chargeCents', cents(s, 4)), ...opt('paidCents', cents(s, 5)),
    more: [el(s, 10), el(s, 11)].filter(Boolean).map(code),
  };
}

function claimOf(trn: LoopNode, d: Delimiters, ctx: Omit<ClaimStatus, 'traceNumber' | 'statuses' | 'lines' | 'level'>, level: ClaimStatus['level'] = 'claim'): ClaimStatus {
  const dtp = seg(trn, 'DTP', [1, '472']) ?? seg(trn, 'DTP', [1, '232']);
  return {
    level, ...ctx, traceNumber: el(trn.segments[0], 2),
    ...opt('payerClaimControlNumber', el(seg(trn, 'REF', [1, '1K']), 2)), ...opt('patientControlNumber', el(seg(trn, 'REF', [1, 'EJ']), 2) || el(seg(trn, 'REF', [1, 'D9']), 2)),
    ...opt('billType', el(seg(trn, 'REF', [1, 'BLT']), 2)), ...opt('chargeCents', cents(seg(trn, 'AMT', [1, 'T3']), 2)), ...opt('serviceDates', dates(dtp)),
    statuses: segs(trn, 'STC').map((s) => stc(s, d)),
    lines: trn.children.filter((c) => c.segments[0]?.id === 'SVC').map((l) => {
      const svc = l.segments[0]!;
      return {
        ...opt('procedure', procedure(el(svc, 1), d)), ...opt('chargeCents', cents(svc, 2)), ...opt('paidCents', cents(svc, 3)),
        ...opt('lineControlNumber', el(seg(l, 'REF', [1, 'FJ']), 2)), ...opt('serviceDates', dates(seg(l, 'DTP', [1, '472']))),
        statuses: segs(l, 'STC').map((s) => stc(s, d)),
      };
    }),
  };
}

const nameLoop = (h: HlNode | undefined) => h?.loop.children.find((c) => c.def.id.startsWith('2100'));
const trackers = (h: HlNode) => h.loop.children.filter((c) => c.segments[0]?.id === 'TRN' && /^2200[D-E]$/.test(c.def.id));

/** 276, 277 and 277CA share this shape; 277CA has no subscriber level (the patient sits under the provider). */
export function readClaimStatus(root: LoopNode, d: Delimiters): ClaimStatus[] {
  const out: ClaimStatus[] = [];
  const walk = (h: HlNode, up: { source?: HlNode; receiver?: HlNode; provider?: HlNode; subscriber?: HlNode }) => {
    const ctx = { ...up };
    if (h.level === '20') ctx.source = h;
    else if (h.level === '21') ctx.receiver = h;
    else if (h.level === '19') ctx.provider = h;
    else if (h.level === '22') ctx.subscriber = h;
    if (h.level === '21' || h.level === '19') {
      const batch = h.loop.children.find((c) => /^2200[BC]$/.test(c.def.id) && c.segments.some((x) => x.id === 'STC'));
      if (batch) out.push(claimOf(batch, d, { source: party(nameLoop(ctx.source)?.segments[0]), receiver: party(nameLoop(ctx.receiver)?.segments[0]), provider: party(nameLoop(ctx.provider)?.segments[0]) }, h.level === '21' ? 'receiver' : 'provider'));
    }
    if (h.level === '22' || h.level === '23' || h.level === 'PT') {
      const base = {
        source: party(nameLoop(ctx.source)?.segments[0]), receiver: party(nameLoop(ctx.receiver)?.segments[0]), provider: party(nameLoop(ctx.provider)?.segments[0]),
        ...opt('subscriber', ctx.subscriber && h.level === '23' ? person(nameLoop(ctx.subscriber)) : undefined), patient: person(nameLoop(h)),
      };
      for (const trn of trackers(h)) out.push(claimOf(trn, d, base));
    }
    for (const c of h.children) walk(c, ctx);
  };
  for (const top of hlTree(root)) walk(top, {});
  return out;
}

