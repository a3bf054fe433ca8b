/**
 * TA1 Interchange Acknowledgment for envelope (ISA/IEA) problems: one TA1 per
 * interchange that has any, A/E/R with the TA1 note code. Returns null when every
 * envelope is clean (no TA1 needed).
 */
import type { AckInput, AckOptions } from './build-999.ts';
import { X12Writer } from './writer.ts';

export function buildTA1(result: AckInput, o: AckOptions): string | null {
  const w = new X12Writer({ senderId: o.senderId, receiverId: o.receiverId, controlNumber: o.controlNumber, date: o.date });
  let any = false;
  if (result.fatal && result.interchanges.length === 0) {
    w.segment('TA1', '000000000', '000000', '0000', 'R', /^\d{3}$/.test(result.fatal.code) ? result.fatal.code : '024');
    any = true;
  }
  for (const ic of result.interchanges) {
    const problems = ic.envelopeFindings.filter((f) => /^\d{3}$/.test(f.code));
    const fatalHere = result.fatal && /^\d{3}$/.test(result.fatal.code) ? [result.fatal] : [];
    const all = [...fatalHere, ...problems];
    if (all.length === 0) continue;
    const rejected = all.some((f) => f.severity === 'error');
    w.segment('TA1', ic.controlNumber || '000000000', ic.date || '000000', ic.time || '0000', rejected ? 'R' : 'E', all[0]!.code);
    any = true;
  }
  return any ? w.toString() : null;
}
