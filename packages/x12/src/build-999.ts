/**
 * The 999 Implementation Acknowledgment (005010X231A1) for what a reader found: one 999
 * per functional group, an AK2 per transaction set with IK3/IK4 for each segment and
 * element problem, IK5 and AK9 with A (accepted), E (accepted, errors noted), R (rejected)
 * or P (partially accepted).
 */
import type { Finding } from './finding.ts';
import { X12Writer } from './writer.ts';

/** What an acknowledgment is built from: a read837 result, or readX12's via ackInputOf. */
export interface AckInput {
  readonly fatal?: Finding;
  readonly interchanges: ReadonlyArray<{
    readonly controlNumber: string;
    readonly date?: string;
    readonly time?: string;
    readonly envelopeFindings: readonly Finding[];
    readonly groups: ReadonlyArray<{
      readonly functionalId: string;
      readonly controlNumber: string;
      readonly version: string;
      readonly findings: readonly Finding[];
      /** `transaction` is ST01; absent means 837. */
      readonly transactionSets: ReadonlyArray<{ readonly transaction?: string; readonly controlNumber: string; readonly implementationGuide: string; readonly findings: readonly Finding[] }>;
    }>;
  }>;
}

export interface AckOptions {
  senderId: string;
  receiverId: string;
  controlNumber: number;
  date: Date;
}

function ik3ik4(w: X12Writer, f: Finding): void {
  w.segment('IK3', (f.segmentId ?? 'ST').slice(0, 3), f.segmentPosition ?? 1, f.loop && /^\d{4}[A-Z]?$/.test(f.loop) ? f.loop : '', f.ik3Code ?? '8');
  if (f.elementPosition !== undefined && f.ik4Code) {
    const pos = f.componentPosition ? `${f.elementPosition}:${f.componentPosition}` : String(f.elementPosition);
    w.segment('IK4', pos, f.elementRef ?? '', f.ik4Code, (f.badValue ?? '').replace(/[*~:^]/g, ' ').slice(0, 99));
  }
}

export function build999(result: AckInput, o: AckOptions): string {
  const w = new X12Writer({ senderId: o.senderId, receiverId: o.receiverId, controlNumber: o.controlNumber, date: o.date });
  let groupControl = 1;
  for (const ic of result.interchanges) {
    for (const g of ic.groups) {
      w.gs('FA', '005010X231A1', groupControl++);
      w.st('999', '0001', '005010X231A1');
      w.segment('AK1', g.functionalId || 'HC', g.controlNumber, g.version);
      let accepted = 0;
      for (const s of g.transactionSets) {
        w.segment('AK2', s.transaction ?? '837', s.controlNumber, s.implementationGuide);
        const segmentFindings = s.findings.filter((f) => f.ik3Code);
        for (const f of segmentFindings.slice(0, 50)) ik3ik4(w, f);
        const errors = s.findings.filter((f) => f.severity === 'error');
        const noted = s.findings.length > 0;
        const setCodes = [...new Set(s.findings.filter((f) => f.setCode).map((f) => f.setCode!))];
        const code = errors.length ? 'R' : noted ? 'E' : 'A';
        if (code !== 'R') accepted++;
        w.segment('IK5', code, ...(code === 'A' ? [] : setCodes.length ? setCodes.slice(0, 5) : ['5']));
      }
      const groupErrors = g.findings.filter((f) => f.severity === 'error');
      const total = g.transactionSets.length;
      const ak9 = groupErrors.length || accepted === 0 ? 'R' : accepted < total ? 'P' : g.findings.length || g.transactionSets.some((s) => s.findings.length) ? 'E' : 'A';
      const codes = [...new Set(g.findings.map((f) => f.setCode).filter((c): c is string => !!c))].slice(0, 5);
      w.segment('AK9', ak9, total, total, groupErrors.length ? 0 : accepted, ...codes);
      w.se();
      w.ge();
    }
  }
  return w.toString();
}
