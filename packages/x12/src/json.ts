/**
 * The JSON form of an X12 file: lossless, ordered, and named by the implementation guide.
 *
 * ```jsonc
 * { "format": "tandem-x12-json/1",
 *   "delimiters": { "element": "*", "repetition": "^", "component": ":", "segment": "~" },
 *   "interchanges": [{
 *     "ISA": ["00", "          ", …],            // ISA01…ISA16 exactly as sent
 *     "TA1": [["TA1", …]],                        // interchange acknowledgments, if any
 *     "groups": [{
 *       "GS": ["GS", "HC", …],                    // the GS segment
 *       "transactions": [{
 *         "guide": "837P", "implementationGuide": "005010X222A1",
 *         "loop": "HEADER", "name": "Transaction Set Header",
 *         "content": [ ["ST", "837", "0001", "005010X222A1"],
 *                      { "loop": "2000A", "name": "Billing Provider Level", "content": [ ["HL", "1", "", "20", "1"], … ] },
 *                      ["SE", "25", "0001"] ] }] }] }] }
 * ```
 * A segment is an array: its id, then its elements (X12 numbering: index 1 is element 01).
 * An element is a string; a composite is an array of component strings; a repeated element
 * is `{ "repeat": [ … ] }`. Loops are objects with their guide id and name and ordered content.
 * Writing recomputes SE01, GE01 and IEA01; everything else is written as given.
 */
import type { LoopNode } from './loop-walker.ts';
import type { X12Document } from './read-x12.ts';
import type { Delimiters, Segment } from './tokenizer.ts';

export type JsonElement = string | string[] | { repeat: Array<string | string[]> };
export type JsonSegment = [string, ...JsonElement[]];
export interface JsonLoop {
  loop: string;
  name: string;
  content: Array<JsonSegment | JsonLoop>;
}
export interface JsonTransaction extends JsonLoop {
  guide: string | null;
  implementationGuide: string;
}
export interface JsonGroup {
  GS: JsonSegment;
  transactions: JsonTransaction[];
}
export interface JsonInterchange {
  ISA: string[];
  TA1?: JsonSegment[];
  groups: JsonGroup[];
}
export interface X12Json {
  format: 'tandem-x12-json/1';
  delimiters: Delimiters;
  interchanges: JsonInterchange[];
}

function element(v: string, d: Delimiters): JsonElement {
  if (d.repetition && v.includes(d.repetition)) return { repeat: v.split(d.repetition).map((r) => (r.includes(d.component) ? r.split(d.component) : r)) };
  return v.includes(d.component) ? v.split(d.component) : v;
}

export function segmentToJson(s: Segment, d: Delimiters): JsonSegment {
  return [s.id, ...s.elements.slice(1).map((e) => element(e, d))];
}

function loopToJson(n: LoopNode, d: Delimiters): JsonLoop {
  // Segments and child loops interleave by their position in the file.
  const items: Array<[number, JsonSegment | JsonLoop]> = [
    ...n.segments.map((s): [number, JsonSegment] => [s.index, segmentToJson(s, d)]),
    ...n.children.map((c): [number, JsonLoop] => [c.segments[0]!.index, loopToJson(c, d)]),
  ];
  items.sort((a, b) => a[0] - b[0]);
  return { loop: n.def.id, name: n.def.name, content: items.map((i) => i[1]) };
}

export function toJson(doc: X12Document): X12Json {
  const d = doc.delimiters ?? { element: '*', repetition: '^', component: ':', segment: '~' };
  return {
    format: 'tandem-x12-json/1',
    delimiters: d,
    interchanges: doc.interchanges.map((ic) => ({
      // ISA11/ISA16 as read: a sender that declared one component separator and used another is written with the one used.
      ISA: ic.isa.elements.slice(1).map((v, i) => (i === 15 ? d.component : i === 10 && d.repetition ? d.repetition : v)),
      ...(ic.ta1.length ? { TA1: ic.ta1.map((s) => segmentToJson(s, d)) } : {}),
      groups: ic.groups.map((g) => ({
        GS: segmentToJson(g.gs, d),
        transactions: g.sets.map((s) => {
          const body: JsonLoop = s.tree ? loopToJson(s.tree, d) : { loop: 'HEADER', name: 'Transaction Set Header', content: s.segments.map((x) => segmentToJson(x, d)) };
          return { guide: s.guide?.key ?? null, implementationGuide: s.implementationGuide, ...body };
        }),
      })),
    })),
  };
}

export class JsonShapeError extends Error {}

function elementText(e: JsonElement, d: Delimiters, where: string): string {
  if (typeof e === 'string') return e;
  if (Array.isArray(e) && e.every((c) => typeof c === 'string')) return e.join(d.component);
  if (e && typeof e === 'object' && !Array.isArray(e) && Array.isArray(e.repeat)) {
    if (!d.repetition) throw new JsonShapeError(`${where}: a repeated element needs a repetition separator`);
    return e.repeat.map((r) => elementText(r, d, where)).join(d.repetition);
  }
  throw new JsonShapeError(`${where}: an element must be a string, an array of strings or { "repeat": [...] }`);
}

function isSegment(x: unknown): x is JsonSegment {
  return Array.isArray(x) && typeof x[0] === 'string';
}

/**
 * Writes the JSON form back to X12. Throws JsonShapeError (naming the place) when the
 * JSON does not have the documented shape.
 */
export function fromJson(json: X12Json, o: { newline?: boolean } = {}): string {
  if (!json || json.format !== 'tandem-x12-json/1') throw new JsonShapeError('not tandem-x12-json/1 (the "format" field is missing or different)');
  const d = json.delimiters;
  if (!d || typeof d.element !== 'string' || typeof d.component !== 'string' || typeof d.segment !== 'string') throw new JsonShapeError('"delimiters" needs element, component and segment');
  if (!Array.isArray(json.interchanges)) throw new JsonShapeError('"interchanges" must be an array');
  const term = d.segment + (o.newline === false ? '' : '\n');
  const out: string[] = [];
  const line = (seg: JsonSegment, where: string) => {
    if (!isSegment(seg)) throw new JsonShapeError(`${where}: a segment must be an array starting with its id`);
    out.push([seg[0], ...seg.slice(1).map((e, i) => elementText(e as JsonElement, d, `${where} ${seg[0]}${String(i + 1).padStart(2, '0')}`))].join(d.element) + term);
  };
  json.interchanges.forEach((ic, i) => {
    const where = `interchanges[${i}]`;
    if (!Array.isArray(ic.ISA) || ic.ISA.length !== 16) throw new JsonShapeError(`${where}.ISA must list the 16 ISA elements`);
    const isa = [...ic.ISA];
    isa[10] = d.repetition ?? isa[10]!;
    isa[15] = d.component;
    out.push(['ISA', ...isa].join(d.element) + term);
    (ic.TA1 ?? []).forEach((t, k) => line(t, `${where}.TA1[${k}]`));
    if (!Array.isArray(ic.groups)) throw new JsonShapeError(`${where}.groups must be an array`);
    ic.groups.forEach((g, j) => {
      const gw = `${where}.groups[${j}]`;
      if (!isSegment(g.GS) || g.GS[0] !== 'GS') throw new JsonShapeError(`${gw}.GS must be a GS segment`);
      line(g.GS, gw);
      if (!Array.isArray(g.transactions)) throw new JsonShapeError(`${gw}.transactions must be an array`);
      g.transactions.forEach((t, k) => {
        const tw = `${gw}.transactions[${k}]`;
        const start = out.length;
        let control = '';
        const walk = (l: JsonLoop, w: string) => {
          if (!l || !Array.isArray(l.content)) throw new JsonShapeError(`${w}: a loop needs "content"`);
          l.content.forEach((c, n) => {
            if (isSegment(c)) {
              if (c[0] === 'ST') control = String(c[2] ?? '');
              if (c[0] === 'SE') line(['SE', String(out.length - start + 1), ...c.slice(2)] as JsonSegment, `${w}.content[${n}]`);
              else line(c, `${w}.content[${n}]`);
            } else walk(c as JsonLoop, `${w}.content[${n}]`);
          });
        };
        walk(t, tw);
        if (!out[out.length - 1]!.startsWith(`SE${d.element}`)) line(['SE', String(out.length - start + 1), control], tw);
      });
      line(['GE', String(g.transactions.length), String(g.GS[6] ?? '')], gw);
    });
    line(['IEA', String(ic.groups.length), ic.ISA[12] ?? ''], where);
  });
  return out.join('');
}
