/**
 * Reads any supported X12 005010 file — every interchange, group and transaction set —
 * into loop trees routed to their implementation guides, with every finding a 999 or TA1
 * needs. Never throws on input.
 */
import type { AckInput } from './build-999.ts';
import { componentSeparatorInUse } from './component-separator.ts';
import { splitEnvelope } from './envelope.ts';
import type { Finding } from './finding.ts';
import type { Delimiters, Segment } from './tokenizer.ts';
import { validateSet, type ValidatedSet } from './validate-set.ts';

export interface X12Group {
  readonly gs: Segment;
  readonly ge: Segment | null;
  readonly functionalId: string;
  readonly controlNumber: string;
  readonly version: string;
  readonly sets: ValidatedSet[];
  readonly findings: Finding[];
}

export interface X12Interchange {
  readonly isa: Segment;
  readonly iea: Segment | null;
  readonly controlNumber: string;
  readonly senderId: string;
  readonly receiverId: string;
  readonly ta1: Segment[];
  readonly groups: X12Group[];
  /** TA1-level findings (code = TA1 note code) and file-level warnings. */
  readonly findings: Finding[];
}

export interface X12Document {
  readonly delimiters: Delimiters | null;
  readonly interchanges: X12Interchange[];
  /** A problem that stops reading (no ISA, 4010): reported with a TA1. */
  readonly fatal?: Finding;
}

const el = (s: Segment | undefined, i: number): string => s?.elements[i] ?? '';

export function readX12(text: string): X12Document {
  let env;
  try {
    env = splitEnvelope(text);
  } catch (e) {
    return { delimiters: null, interchanges: [], fatal: { severity: 'error', code: '024', message: `unreadable interchange: ${(e as Error).message}` } };
  }
  if (!env.delimiters || env.fatal) return { delimiters: env.delimiters, interchanges: [], ...(env.fatal ? { fatal: env.fatal } : {}) };
  const warnings = [...env.warnings];
  const d = componentSeparatorInUse(env.delimiters, env.interchanges.flatMap((i) => i.groups.flatMap((g) => g.sets.flatMap((s) => s.segments))), warnings);
  return {
    delimiters: d,
    interchanges: env.interchanges.map((ic, i) => ({
      isa: ic.isa, iea: ic.iea, controlNumber: el(ic.isa, 13), senderId: el(ic.isa, 6).trim(), receiverId: el(ic.isa, 8).trim(), ta1: ic.ta1,
      findings: [...(i === 0 ? warnings : []), ...ic.findings],
      groups: ic.groups.map((g) => ({
        gs: g.gs, ge: g.ge, functionalId: el(g.gs, 1), controlNumber: el(g.gs, 6), version: el(g.gs, 8), findings: g.findings,
        sets: g.sets.map((s) => {
          try {
            return validateSet(s, d, el(g.gs, 8));
          } catch (e) {
            // A bug in a rule must not take the whole file down: reject this set and say so.
            const finding: Finding = { severity: 'error', code: 'internal', message: `could not read transaction set: ${(e as Error).message}`, segmentId: 'ST', segmentPosition: 1, setCode: '5' };
            return { guide: null, transaction: el(s.st, 1), controlNumber: el(s.st, 2), implementationGuide: el(s.st, 3), tree: null, segments: s.segments, findings: [finding], accepted: false };
          }
        }),
      })),
    })),
  };
}

/** The shape build999 and buildTA1 take. */
export function ackInputOf(doc: X12Document): AckInput {
  return {
    ...(doc.fatal ? { fatal: doc.fatal } : {}),
    interchanges: doc.interchanges.map((ic) => ({
      controlNumber: ic.controlNumber, date: el(ic.isa, 9), time: el(ic.isa, 10), envelopeFindings: ic.findings,
      groups: ic.groups.map((g) => ({ functionalId: g.functionalId, controlNumber: g.controlNumber, version: g.version, findings: g.findings, transactionSets: g.sets })),
    })),
  };
}

/** True when nothing in the file is an error (warnings are noted, not rejected). */
export function isValidX12(doc: X12Document): boolean {
  return !doc.fatal && doc.interchanges.length > 0 && doc.interchanges.every((ic) => !ic.findings.some((f) => f.severity === 'error') && ic.groups.every((g) => !g.findings.some((f) => f.severity === 'error') && g.sets.every((s) => s.accepted)));
}
