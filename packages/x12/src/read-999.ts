/** Reads a 999 acknowledgment (005010X231A1) back into its results — for submitters and tests. */
import { readDelimiters, tokenize } from './tokenizer.ts';

export interface Ack999 {
  groups: Array<{
    functionalGroupControlNumber: string;
    ak9: string;
    sets: Array<{ controlNumber: string; ik5: string; errors: Array<{ segmentId: string; segmentPosition: number; loop?: string; ik304?: string; elementPosition?: number; ik403?: string }> }>;
  }>;
}

export function read999(text: string): Ack999 {
  const d = readDelimiters(text);
  const out: Ack999 = { groups: [] };
  if (!d.ok) return out;
  let group: Ack999['groups'][number] | null = null;
  let set: Ack999['groups'][number]['sets'][number] | null = null;
  for (const s of tokenize(text, d.delimiters, d.start)) {
    const e = s.elements;
    switch (s.id) {
      case 'AK1':
        group = { functionalGroupControlNumber: e[2] ?? '', ak9: '', sets: [] };
        out.groups.push(group);
        break;
      case 'AK2':
        set = { controlNumber: e[2] ?? '', ik5: '', errors: [] };
        group?.sets.push(set);
        break;
      case 'IK3':
        set?.errors.push({ segmentId: e[1] ?? '', segmentPosition: Number(e[2]), ...(e[3] ? { loop: e[3] } : {}), ...(e[4] ? { ik304: e[4] } : {}) });
        break;
      case 'IK4': {
        const last = set?.errors[set.errors.length - 1];
        if (last) {
          last.elementPosition = Number((e[1] ?? '').split(d.delimiters.component)[0]);
          if (e[3]) last.ik403 = e[3];
        }
        break;
      }
      case 'IK5':
        if (set) set.ik5 = e[1] ?? '';
        break;
      case 'AK9':
        if (group) group.ak9 = e[1] ?? '';
        break;
      default:
    }
  }
  return out;
}
