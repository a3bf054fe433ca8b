/**
 * `tandem x12 …` — the X12 toolkit on its own, no database: validate (999/TA1), ack,
 * to-json and from-json, for any supported implementation guide. FILE '-' reads stdin.
 */
import { ackInputOf, build277CA, build999, buildTA1, read837, fromJson, JsonShapeError, readX12, streamX12, toJson, typedView, X12ReadError, type AckInput, type Finding, type X12Json } from '@tandem/x12';
import { setToFhir } from '@tandem/x12-fhir';
import type { Command } from 'commander';
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { CliError, EXIT } from '../config.ts';

async function readInput(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('latin1');
  }
  if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`no such file: ${file}`, EXIT.USAGE);
  return readFileSync(file, 'latin1');
}

/** Files larger than this are validated set by set from a stream (memory stays flat). */
const STREAM_BYTES = Number(process.env.TANDEM_STREAM_BYTES ?? 64 * 1024 * 1024);

/**
 * A big file, validated set by set: only each set's verdict and findings are kept. The
 * envelope trailers (GE/IEA counts) are not checked on this path.
 */
async function streamedAckInput(file: string): Promise<AckInput> {
  type Group = AckInput['interchanges'][number]['groups'][number] & { transactionSets: Array<AckInput['interchanges'][number]['groups'][number]['transactionSets'][number]> };
  const interchanges: Array<{ controlNumber: string; envelopeFindings: Finding[]; groups: Group[] }> = [];
  try {
    for await (const s of streamX12(createReadStream(file, { highWaterMark: 1 << 20 }))) {
      let ic = interchanges[interchanges.length - 1];
      if (!ic || ic.controlNumber !== s.interchange.controlNumber) interchanges.push((ic = { controlNumber: s.interchange.controlNumber, envelopeFindings: [], groups: [] }));
      let g = ic.groups[ic.groups.length - 1];
      if (!g || g.controlNumber !== s.group.controlNumber) ic.groups.push((g = { functionalId: s.group.functionalId, controlNumber: s.group.controlNumber, version: s.group.version, findings: [], transactionSets: [] }));
      g.transactionSets.push({ transaction: s.set.transaction, controlNumber: s.set.controlNumber, implementationGuide: s.set.implementationGuide, findings: s.set.findings });
    }
  } catch (e) {
    if (e instanceof X12ReadError) return { interchanges: [], fatal: { severity: 'error', code: '024', message: e.message } };
    throw e;
  }
  return { interchanges };
}

function allFindings(input: AckInput): Array<Finding & { where: string }> {
  const out: Array<Finding & { where: string }> = [];
  if (input.fatal) out.push({ ...input.fatal, where: 'file' });
  for (const ic of input.interchanges) {
    for (const f of ic.envelopeFindings) out.push({ ...f, where: `ISA ${ic.controlNumber}` });
    for (const g of ic.groups) {
      for (const f of g.findings) out.push({ ...f, where: `GS ${g.controlNumber}` });
      for (const s of g.transactionSets) for (const f of s.findings) out.push({ ...f, where: `ST ${s.transaction ?? ''} ${s.controlNumber}` });
    }
  }
  return out;
}

function isValid(input: AckInput): boolean {
  return !input.fatal && input.interchanges.length > 0 && allFindings(input).every((f) => f.severity !== 'error');
}

function acknowledgments(input: AckInput, senderId: string): string {
  const opts = { senderId: 'TANDEM', receiverId: senderId || 'SENDER', controlNumber: 1, date: new Date() };
  const ta1 = buildTA1(input, opts);
  const ack999 = input.interchanges.some((ic) => ic.groups.length > 0) ? build999(input, opts) : null;
  return [ta1, ack999].filter(Boolean).join('');
}

function describe(f: Finding & { where: string }): string {
  const at = [f.segmentId && `${f.segmentId}${f.elementPosition ? String(f.elementPosition).padStart(2, '0') : ''}`, f.segmentPosition && `segment ${f.segmentPosition}`, f.loop && `loop ${f.loop}`].filter(Boolean).join(', ');
  return `${f.severity}: ${f.where}${at ? ` [${at}]` : ''}: ${f.message}`;
}

function write(out: string | undefined, text: string): void {
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

export function x12Command(program: Command): void {
  const x12 = program.command('x12').description('read, validate, acknowledge and convert X12 005010 files (no database needed)');
  x12
    .command('validate')
    .description('validate a file against its implementation guide; writes the 999 (and TA1) — exit 0 valid, 1 not')
    .argument('<file>', "X12 file, or '-' for stdin")
    .option('--ack <file>', 'write the 999/TA1 here instead of stdout')
    .option('--json', 'print the findings as JSON on stdout (the 999 then needs --ack)')
    .action(async (file: string, o: { ack?: string; json?: boolean }) => {
      const big = file !== '-' && existsSync(file) && statSync(file).isFile() && statSync(file).size > STREAM_BYTES;
      let input: AckInput;
      let sender = '';
      if (big) input = await streamedAckInput(file);
      else {
        const doc = readX12(await readInput(file));
        input = ackInputOf(doc);
        sender = doc.interchanges[0]?.senderId ?? '';
      }
      const findings = allFindings(input);
      const valid = isValid(input);
      if (o.json) process.stdout.write(`${JSON.stringify({ valid, findings }, null, 2)}\n`);
      if (o.ack || !o.json) write(o.ack, acknowledgments(input, sender));
      for (const f of findings.slice(0, 200)) process.stderr.write(`${describe(f)}\n`);
      if (findings.length > 200) process.stderr.write(`… and ${findings.length - 200} more findings\n`);
      const sets = input.interchanges.flatMap((i) => i.groups.flatMap((g) => g.transactionSets));
      const accepted = sets.filter((s) => !s.findings.some((f) => f.severity === 'error')).length;
      process.stderr.write(`${valid ? 'valid' : 'not valid'}: ${sets.length} transaction set(s), ${accepted} accepted; ${findings.filter((f) => f.severity === 'error').length} error(s), ${findings.filter((f) => f.severity === 'warning').length} warning(s)${big ? ' (read set by set)' : ''}\n`);
      process.exitCode = valid ? EXIT.OK : EXIT.FAILURE;
    });
  x12
    .command('ack')
    .description('write the 999 (and TA1 for envelope problems) for a file; exit 0 whenever an acknowledgment was produced')
    .argument('<file>', "X12 file, or '-' for stdin")
    .option('--out <file>', 'write here instead of stdout')
    .option('--277ca <file>', 'for an 837: also write the 277CA claim acknowledgment (each claim of the accepted sets) here')
    .action(async (file: string, o: { out?: string; '277ca'?: string }) => {
      const text = await readInput(file);
      const doc = readX12(text);
      write(o.out, acknowledgments(ackInputOf(doc), doc.interchanges[0]?.senderId ?? ''));
      const target = o['277ca'];
      if (target) {
        const ca = build277CA(read837(text), { senderId: 'TANDEM', receiverId: 'SUBMITTER', controlNumber: 1, date: new Date(), payerName: 'TANDEM', payerId: 'TANDEM' });
        if (!ca) throw new CliError('no claims of an accepted 837 transaction set to acknowledge: no 277CA written', EXIT.FAILURE);
        writeFileSync(target, ca);
      }
    });
  x12
    .command('to-json')
    .description('convert to the documented, lossless JSON form (tandem-x12-json/1), or with --typed to each transaction\'s typed view')
    .argument('<file>', "X12 file, or '-' for stdin")
    .option('--out <file>', 'write here instead of stdout')
    .option('--typed', 'the typed view (claims, benefits, reviews, members …) instead of the loop form; not convertible back')
    .action(async (file: string, o: { out?: string; typed?: boolean }) => {
      const doc = readX12(await readInput(file));
      if (doc.fatal) throw new CliError(`not readable as X12: ${doc.fatal.message}`, EXIT.FAILURE);
      const body = o.typed
        ? doc.interchanges.flatMap((ic) => ic.groups.flatMap((g) => g.sets.map((s) => ({ guide: s.guide?.key ?? null, controlNumber: s.controlNumber, accepted: s.accepted, ...typedView(s, doc.delimiters!) }))))
        : toJson(doc);
      write(o.out, `${JSON.stringify(body, null, 1)}\n`);
    });
  x12
    .command('to-fhir')
    .description('map to FHIR R4 (837 → Claim, 835 → ExplanationOfBenefit, 270/271 → CoverageEligibilityRequest/Response, 278 → PAS Claim/ClaimResponse, 834 → Patient/Coverage): one collection Bundle per transaction set')
    .argument('<file>', "X12 file, or '-' for stdin")
    .option('--out <file>', 'write here instead of stdout')
    .action(async (file: string, o: { out?: string }) => {
      const doc = readX12(await readInput(file));
      if (doc.fatal) throw new CliError(`not readable as X12: ${doc.fatal.message}`, EXIT.FAILURE);
      const created = new Date().toISOString().slice(0, 10);
      const sets = doc.interchanges.flatMap((ic) => ic.groups.flatMap((g) => g.sets));
      const bundles = sets.map((s) => setToFhir(s, doc.delimiters!, created)).filter((b) => b !== null);
      if (bundles.length === 0) throw new CliError(`no FHIR mapping for ${[...new Set(sets.map((s) => s.guide?.key ?? s.transaction))].join(', ') || 'this file'}`, EXIT.FAILURE);
      write(o.out, `${JSON.stringify(bundles.length === 1 ? bundles[0] : bundles, null, 1)}\n`);
    });
  x12
    .command('from-json')
    .description('write X12 from the JSON form (SE01, GE01 and IEA01 are recomputed)')
    .argument('<file>', "JSON file, or '-' for stdin")
    .option('--out <file>', 'write here instead of stdout')
    .action(async (file: string, o: { out?: string }) => {
      let json: X12Json;
      try {
        json = JSON.parse(await readInput(file)) as X12Json;
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new CliError(`not JSON: ${(e as Error).message}`, EXIT.USAGE);
      }
      try {
        write(o.out, fromJson(json));
      } catch (e) {
        if (e instanceof JsonShapeError) throw new CliError(`not tandem-x12-json: ${e.message}`, EXIT.USAGE);
        throw e;
      }
    });
}
