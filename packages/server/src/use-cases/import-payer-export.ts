/**
 * The receiving side of Payer-to-Payer: another payer's Bulk Data export (NDJSON files, with
 * or without the manifest that listed them) attached to one of our members, all or nothing.
 *
 * Two passes over the files: the first checks every line (JSON, resourceType, id, the type the
 * manifest promised, no id twice) and finds the export's Patient; the second, in one
 * transaction, rewrites references to what we store (the source Patient becomes our member,
 * every other imported resource its new id) and writes the resources with where they came from
 * (`payer_import`: payer, export request, transaction time, files, who imported). Any problem
 * is reported as `FILE line N: problem` and nothing is stored.
 * https://hl7.org/fhir/us/davinci-pdex/STU2.1/payertopayerbulkexchange.html
 * https://hl7.org/fhir/uv/bulkdata/STU2/export.html#response---complete-status (manifest)
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { insertPayerImport, recordAudit, upsertImportedResources, type ImportedRow } from '@tandem/store';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Deps } from '../deps.ts';
import type { ImportProblem } from './import-tuva.ts';

const MAX_PROBLEMS = 100;
const BATCH = 500;
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const TYPE_NAME = /^[A-Z][A-Za-z]{1,63}$/;
/** Where a resource names its patient. */
const PATIENT_FIELDS = ['patient', 'subject', 'beneficiary'] as const;

export interface PayerImportRequest {
  readonly dir: string;
  readonly memberKey: string;
  readonly fromPayer: string;
  /** The export's Patient this member is; needed only when the export holds several. */
  readonly sourcePatient?: string | undefined;
}

export interface PayerImportSummary {
  readonly importId: string;
  readonly memberKey: string;
  readonly fromPayer: string;
  readonly sourcePatient: string;
  readonly exportRequest: string | null;
  readonly counts: Record<string, number>;
  /** Resources of the export's other patients, not attached to this member. */
  readonly skipped: number;
}

export type PayerImportResult = { ok: true; summary: PayerImportSummary } | { ok: false; problems: ImportProblem[]; stoppedEarly: boolean };

interface FilePlan { readonly file: string; readonly path: string; readonly type: string | null }

/** The files to read: the manifest's outputs when DIR has manifest.json, else every *.ndjson. */
function planFiles(dir: string): { files: FilePlan[]; request: string | null; transactionTime: string | null } {
  if (!existsSync(dir)) throw new TandemError('INVALID_REQUEST', `no such directory: ${dir}`);
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    let m: { output?: Array<{ type?: string; url?: string }>; request?: string; transactionTime?: string };
    try {
      m = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof m;
    } catch (e) {
      throw new TandemError('INVALID_REQUEST', `manifest.json is not JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(m.output)) throw new TandemError('INVALID_REQUEST', 'manifest.json has no output list (a Bulk Data complete-status manifest)');
    const files = m.output.map((o, i) => {
      if (typeof o.url !== 'string' || typeof o.type !== 'string') throw new TandemError('INVALID_REQUEST', `manifest.json output[${i}] needs type and url`);
      const file = basename(new URL(o.url, 'file:///').pathname);
      if (!existsSync(join(dir, file))) throw new TandemError('INVALID_REQUEST', `manifest.json output[${i}] (${o.type}) is ${file}, which is not in ${dir}`);
      return { file, path: join(dir, file), type: o.type };
    });
    return { files, request: typeof m.request === 'string' ? m.request : null, transactionTime: typeof m.transactionTime === 'string' ? m.transactionTime : null };
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.ndjson')).sort().map((file) => ({ file, path: join(dir, file), type: null }));
  if (files.length === 0) throw new TandemError('INVALID_REQUEST', `${dir} has no manifest.json and no .ndjson files`);
  return { files, request: null, transactionTime: null };
}

async function* linesOf(f: FilePlan): AsyncGenerator<{ line: number; text: string }> {
  const rl = createInterface({ input: createReadStream(f.path, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() !== '') yield { line, text };
  }
}

/** `Patient/1`, `http://other/fhir/Patient/1` → ['Patient', '1']. */
function refParts(ref: string): [string, string] | null {
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(ref);
  return m ? [m[1]!, m[2]!] : null;
}

function patientRefs(r: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const f of PATIENT_FIELDS) {
    const v = r[f] as { reference?: unknown } | undefined;
    const p = typeof v?.reference === 'string' ? refParts(v.reference) : null;
    if (p && p[0] === 'Patient') out.push(p[1]);
  }
  return out;
}

function rewrite(v: unknown, map: (type: string, id: string) => string | undefined): unknown {
  if (Array.isArray(v)) return v.map((x) => rewrite(x, map));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const p = k === 'reference' && typeof x === 'string' ? refParts(x) : null;
      const to = p ? map(p[0], p[1]) : undefined;
      out[k] = to ?? rewrite(x, map);
    }
    return out;
  }
  return v;
}

/** Imports another payer's export for one of our members; all or nothing. */
export async function importPayerExport(deps: Deps, ctx: AccessContext, req: PayerImportRequest): Promise<PayerImportResult> {
  if (ctx.orgKind !== 'payer' || ctx.patientKey !== undefined) throw new TandemError('FORBIDDEN', "only the member's payer imports another payer's data");
  const fromPayer = req.fromPayer.trim();
  if (!fromPayer) throw new TandemError('INVALID_REQUEST', '--from-payer names the payer the export came from');
  const db = deps.store.db;
  const member = await db.selectFrom('member').select(['key', 'date_of_birth', 'last_name']).where('key', '=', req.memberKey).where('payer_org_id', '=', ctx.orgId).executeTakeFirst();
  if (!member) throw new TandemError('NOT_FOUND', `member ${req.memberKey}`);
  const plan = planFiles(req.dir);

  // Pass 1: every line checked; ids and patients collected.
  const problems: ImportProblem[] = [];
  const problem = (file: string, line: number, text: string) => {
    problems.push({ file, line, column: null, problem: text });
    return problems.length >= MAX_PROBLEMS;
  };
  const seen = new Map<string, string>();
  const patients: Array<{ id: string; birthDate: unknown; file: string; line: number }> = [];
  const fileLines: Record<string, number> = {};
  scan: for (const f of plan.files) {
    fileLines[f.file] = 0;
    for await (const { line, text } of linesOf(f)) {
      fileLines[f.file] = line;
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(text) as Record<string, unknown>;
      } catch (e) {
        if (problem(f.file, line, `not JSON: ${(e as Error).message}`)) break scan;
        continue;
      }
      if (!r || typeof r !== 'object' || Array.isArray(r)) {
        if (problem(f.file, line, 'not a FHIR resource (a JSON object)')) break scan;
        continue;
      }
      const type = r['resourceType'];
      const id = r['id'];
      let bad: string | null = null;
      if (typeof type !== 'string' || !TYPE_NAME.test(type)) bad = 'no resourceType';
      else if (f.type !== null && type !== f.type) bad = `a ${type} in the file the manifest lists for ${f.type}`;
      else if (typeof id !== 'string' || !FHIR_ID.test(id)) bad = `${type} without a valid id`;
      else if (seen.has(`${type}/${id}`)) bad = `${type}/${id} again (first at ${seen.get(`${type}/${id}`)})`;
      if (bad) {
        if (problem(f.file, line, bad)) break scan;
        continue;
      }
      seen.set(`${String(type)}/${String(id)}`, `${f.file} line ${line}`);
      if (type === 'Patient') patients.push({ id: id as string, birthDate: r['birthDate'], file: f.file, line });
    }
  }
  if (problems.length) return { ok: false, problems, stoppedEarly: problems.length >= MAX_PROBLEMS };

  // The export's patient that is our member: named, or the only one.
  const source = req.sourcePatient ? patients.find((p) => p.id === req.sourcePatient) : patients.length === 1 ? patients[0] : undefined;
  if (!source) {
    const why = req.sourcePatient ? `the export has no Patient/${req.sourcePatient}` : patients.length === 0 ? 'the export has no Patient' : `the export holds ${patients.length} patients (${patients.map((p) => p.id).join(', ')}); name this member's with --source-patient`;
    throw new TandemError('INVALID_REQUEST', why);
  }
  // A last guard against attaching someone else's history: the birth dates must agree.
  if (source.birthDate !== member.date_of_birth) return { ok: false, stoppedEarly: false, problems: [{ file: source.file, line: source.line, column: null, problem: `Patient/${source.id} was born ${String(source.birthDate ?? '(no birthDate)')}, member ${member.key} on ${member.date_of_birth}: not this member` }] };
  const sourceId = source.id;

  // Pass 2: one transaction; the same resource from the same payer keeps its id across imports.
  const newId = (type: string, id: string) => `p2p-${createHash('sha256').update(`${fromPayer}|${type}|${id}`).digest('hex').slice(0, 32)}`;
  const map = (type: string, id: string) => (type === 'Patient' && id === sourceId ? `Patient/${member.key}` : seen.has(`${type}/${id}`) ? `${type}/${newId(type, id)}` : undefined);
  const importId = `pi-${randomBytes(10).toString('hex')}`;
  const counts: Record<string, number> = {};
  let skipped = 0;
  const metaSource = plan.request ?? `urn:tandem:payer-import:${importId}`;
  await db.transaction().execute(async (trx) => {
    await insertPayerImport(trx, ctx, {
      id: importId, memberKey: member.key, fromPayer, sourcePatientId: sourceId, exportRequest: plan.request, exportTransactionTime: plan.transactionTime,
      files: plan.files.map((f) => ({ file: f.file, type: f.type ?? 'mixed', lines: fileLines[f.file] ?? 0 })), counts: {},
    });
    let batch: ImportedRow[] = [];
    for (const f of plan.files) {
      for await (const { text } of linesOf(f)) {
        const r = JSON.parse(text) as Record<string, unknown>;
        const type = r['resourceType'] as string;
        const id = r['id'] as string;
        const refs = type === 'Patient' ? [id] : patientRefs(r);
        // Another member's resources in a multi-member export stay out.
        if (refs.some((p) => p !== sourceId)) {
          skipped++;
          continue;
        }
        const meta = (r['meta'] as Record<string, unknown> | undefined) ?? {};
        const { versionId: _v, ...keptMeta } = meta;
        const resource = {
          ...(rewrite(r, map) as Record<string, unknown>),
          id: newId(type, id),
          meta: { ...keptMeta, source: metaSource, tag: [...((keptMeta['tag'] as unknown[] | undefined) ?? []), { system: 'https://tandem.health/fhir/source-payer', code: importId, display: fromPayer }] },
        };
        batch.push({ resourceType: type, resourceId: newId(type, id), sourceId: id, resource });
        counts[type] = (counts[type] ?? 0) + 1;
        if (batch.length >= BATCH) {
          await upsertImportedResources(trx, member.key, importId, batch);
          batch = [];
        }
      }
    }
    await upsertImportedResources(trx, member.key, importId, batch);
    await trx.updateTable('payer_import').set({ counts: JSON.stringify(counts) }).where('id', '=', importId).execute();
    await recordAudit(trx, ctx, { action: 'create', resourceType: 'ImportedResource', resourceId: importId, memberKeys: [member.key], detail: { operation: 'payer-to-payer import', fromPayer, exportRequest: plan.request, counts, skipped } });
  });
  return { ok: true, summary: { importId, memberKey: member.key, fromPayer, sourcePatient: sourceId, exportRequest: plan.request, counts, skipped } };
}
