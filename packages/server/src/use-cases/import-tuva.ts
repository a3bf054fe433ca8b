/**
 * `tandem import --format tuva DIR`: members, coverage spans and claims adjudicated elsewhere,
 * from the Tuva Project input layer (eligibility.csv, medical_claim.csv, pharmacy_claim.csv),
 * into the payer of the access context — all or nothing, in one database transaction.
 *
 * The files stream through csv-parse a chunk of rows at a time into temporary tables, each
 * row checked as it passes (`exchange/tuva-layout.ts`); checks across rows (one claim's lines
 * agreeing, patients known, a re-import agreeing with what is on file) run in SQL
 * (`store/import-repo.ts`). Up to `maxErrors` problems are collected, each as
 * `FILE line N: column X: problem`; if there is any, the transaction rolls back and nothing
 * is stored.
 *
 * Re-importing the same files is a no-op: members, spans and claims already on file (claims by
 * the dedupe key `tuva:<payer>:<file>:<claim_id>`) are counted, not written again, so
 * expenditure is never counted twice; a claim whose content changed since is refused. Imported
 * claims carry `origin = 'imported'` and never enter a remittance (835) run.
 */
import { TandemError, type AccessContext, type LineOfBusiness } from '@tandem/core';
import {
  assembleClaims,
  changedClaimProblems,
  claimLineProblems,
  collapseRepeatedAmounts,
  createImportStaging,
  eligibilityProblems,
  indexStaging,
  newClaimCounts,
  recordImportAudit,
  reserveNumbers,
  resolveProviders,
  stageRows,
  writeClaims,
  writeMembersAndCoverage,
  type Db,
  type ImportCounts,
  type StagedProblem,
} from '@tandem/store';
import { parse } from 'csv-parse';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Deps } from '../deps.ts';
import {
  readEligibilityRow,
  readMedicalRow,
  readPharmacyRow,
  readTaxonomyRow,
  REQUIRED_COLUMNS,
  TUVA_FILES,
  type CsvRow,
  type RowProblem,
} from '../exchange/tuva-layout.ts';

export interface ImportProblem {
  readonly file: string;
  readonly line: number;
  readonly column: string | null;
  readonly problem: string;
}

export function formatImportProblem(p: ImportProblem): string {
  return `${p.file} line ${p.line}: ${p.column ? `column ${p.column}: ` : ''}${p.problem}`;
}

export interface ImportProgress {
  readonly file: string;
  readonly rows: number;
  readonly totalRows: number;
}

export interface ImportTuvaOptions {
  /** Directory holding eligibility.csv and medical_claim.csv and/or pharmacy_claim.csv. */
  readonly dir: string;
  /** Optional CSV with columns npi,taxonomy for the practitioners the import creates. */
  readonly npiTaxonomyFile?: string | undefined;
  /** Stop reading after this many problems (default 100). */
  readonly maxErrors?: number;
  readonly onProgress?: (p: ImportProgress) => void;
}

export interface ImportTuvaSummary extends ImportCounts {
  readonly payerOrgId: string;
  /** The plan each line of business in the file was enrolled in. */
  readonly plans: Readonly<Partial<Record<LineOfBusiness, string>>>;
  readonly files: ReadonlyArray<{ file: string; rows: number }>;
  readonly submissionIds: readonly string[];
}

export type ImportTuvaResult =
  | { readonly ok: true; readonly summary: ImportTuvaSummary }
  | { readonly ok: false; readonly problems: readonly ImportProblem[]; readonly stoppedEarly: boolean };

/** Thrown inside the transaction to roll it back; the problems travel in the collector. */
class RollBack extends Error {}

class Problems {
  readonly list: ImportProblem[] = [];
  constructor(readonly max: number) {}
  add(p: ImportProblem): void {
    if (this.list.length < this.max) this.list.push(p);
  }
  get full(): boolean {
    return this.list.length >= this.max;
  }
  get room(): number {
    return this.max - this.list.length;
  }
}

const STAGE_CHUNK = 2_000;

/** Data rows of a CSV file, counted from its newlines without parsing (for the progress bar; a quoted newline overcounts, harmlessly). */
async function countDataRows(path: string): Promise<number> {
  let newlines = 0;
  let last = 10;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
    if (chunk.length) last = chunk[chunk.length - 1]!;
  }
  return Math.max(0, newlines + (last === 10 ? 0 : 1) - 1);
}

/**
 * Streams one CSV file: checks the header row (missing required columns are one problem each,
 * and the file's rows are then skipped: null is returned), then hands each data row to `onRow`
 * with its line number and returns how many rows were read. Malformed CSV (a broken quote, a
 * wrong number of fields) is a problem of its line.
 */
async function streamCsv(
  path: string,
  required: readonly string[],
  problems: Problems,
  onRow: (get: CsvRow, line: number) => Promise<void>,
  onProgress: ((p: ImportProgress) => void) | undefined,
): Promise<number | null> {
  const file = basename(path);
  const totalRows = onProgress ? await countDataRows(path) : 0;
  const source = createReadStream(path);
  const parser = source.pipe(
    parse({
      bom: true, trim: true, relax_column_count: true, skip_empty_lines: true, info: true, skip_records_with_error: true,
      on_skip: (err) => {
        problems.add({ file, line: (err as { lines?: number } | undefined)?.lines ?? 0, column: null, problem: `not valid CSV: ${err?.message ?? 'unreadable record'}` });
        return undefined;
      },
    }),
  );
  let header: string[] | null = null;
  let index = new Map<string, number>();
  let rows = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = record;
        index = new Map(record.map((c, i) => [c.toLowerCase(), i]));
        const dupes = record.filter((c, i) => index.get(c.toLowerCase()) !== i);
        for (const c of new Set(dupes)) problems.add({ file, line: info.lines, column: c, problem: 'appears twice in the header row' });
        const missing = required.filter((c) => !index.has(c));
        for (const c of missing) problems.add({ file, line: info.lines, column: c, problem: `missing from the header row (the Tuva input layer's ${file} has it)` });
        if (missing.length || dupes.length) return null;
        continue;
      }
      if (record.length !== header.length) {
        problems.add({ file, line: info.lines, column: null, problem: `${record.length} fields, but the header row has ${header.length}` });
      } else {
        const get: CsvRow = (c) => {
          const i = index.get(c);
          return i === undefined ? '' : record[i]!;
        };
        await onRow(get, info.lines);
      }
      rows++;
      if (onProgress && rows % 500 === 0) onProgress({ file, rows, totalRows: Math.max(rows, totalRows) });
      if (problems.full) break;
    }
    if (!header) {
      problems.add({ file, line: 1, column: null, problem: 'empty file: no header row' });
      return null;
    }
  } finally {
    source.destroy();
  }
  onProgress?.({ file, rows, totalRows: rows });
  return rows;
}

/** Buffers staged rows and writes them a chunk at a time. */
function stager(trx: Db, table: 'tuva_elig' | 'tuva_line' | 'tuva_taxonomy') {
  let buffer: Record<string, unknown>[] = [];
  return {
    async push(row: Record<string, unknown>): Promise<void> {
      buffer.push(row);
      if (buffer.length >= STAGE_CHUNK) await this.flush();
    },
    async flush(): Promise<void> {
      const rows = buffer;
      buffer = [];
      await stageRows(trx, table, rows);
    },
  };
}

export async function importTuva(deps: Deps, ctx: AccessContext, opts: ImportTuvaOptions): Promise<ImportTuvaResult> {
  if (ctx.orgKind !== 'payer' || !(ctx.role === 'admin' || ctx.role === 'system')) throw new TandemError('FORBIDDEN', 'only payer administrators import claims');
  const db = deps.store.db;
  const payer = await db.selectFrom('organization').select(['id', 'kind']).where('id', '=', ctx.orgId).executeTakeFirst();
  if (!payer || payer.kind !== 'payer') throw new TandemError('NOT_FOUND', `payer organization ${ctx.orgId}`);
  const paths = {
    eligibility: join(opts.dir, TUVA_FILES.eligibility),
    medical: join(opts.dir, TUVA_FILES.medical),
    pharmacy: join(opts.dir, TUVA_FILES.pharmacy),
  };
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
  if (!isFile(paths.eligibility)) throw new TandemError('INVALID_REQUEST', `${opts.dir} has no ${TUVA_FILES.eligibility} (the Tuva input layer: ${Object.values(TUVA_FILES).join(', ')})`);
  if (opts.npiTaxonomyFile && !isFile(opts.npiTaxonomyFile)) throw new TandemError('INVALID_REQUEST', `no such file: ${opts.npiTaxonomyFile}`);
  // The first plan (by id) of each line of business; the summary names the ones used.
  const plans = await db.selectFrom('plan').select(['id', 'line_of_business']).where('payer_org_id', '=', payer.id).orderBy('id').execute();
  const planOf = new Map<string, string>();
  for (const p of plans) if (!planOf.has(p.line_of_business)) planOf.set(p.line_of_business, p.id);
  const plansUsed: Partial<Record<LineOfBusiness, string>> = {};

  const problems = new Problems(opts.maxErrors ?? 100);
  const fileName = { eligibility: TUVA_FILES.eligibility, medical: TUVA_FILES.medical, pharmacy: TUVA_FILES.pharmacy, taxonomy: basename(opts.npiTaxonomyFile ?? 'taxonomy.csv') };
  const addRowProblems = (file: string, line: number, list: readonly RowProblem[]) => {
    for (const p of list) problems.add({ file, line, column: p.column, problem: p.problem });
  };
  const addStaged = (list: readonly StagedProblem[]) => {
    for (const p of list) problems.add({ file: fileName[p.source], line: p.line, column: p.column, problem: p.problem });
  };
  const now = deps.clock();
  const year = now.getUTCFullYear();
  const files: Array<{ file: string; rows: number }> = [];
  // Checks across rows need every file's rows: after a refused header they would only echo it.
  let headersRead = true;
  const read = (file: string, rows: number | null) => {
    if (rows === null) headersRead = false;
    files.push({ file, rows: rows ?? 0 });
  };
  // Problems of the whole file rather than of a row (a payer without the plan a payer_type needs) are reported on their first row only.
  const reportedOnce = new Set<string>();

  try {
    const summary = await db.transaction().execute(async (trx) => {
      const t = trx as Db;
      await createImportStaging(t, payer.id);
      if (opts.npiTaxonomyFile) {
        const stage = stager(t, 'tuva_taxonomy');
        const rows = await streamCsv(opts.npiTaxonomyFile, ['npi', 'taxonomy'], problems, async (get, line) => {
          const r = readTaxonomyRow(get);
          addRowProblems(fileName.taxonomy, line, r.problems);
          if (r.row) await stage.push({ line, ...r.row });
        }, opts.onProgress);
        await stage.flush();
        read(fileName.taxonomy, rows);
      }
      {
        const stage = stager(t, 'tuva_elig');
        const rows = await streamCsv(paths.eligibility, REQUIRED_COLUMNS.eligibility, problems, async (get, line) => {
          const r = readEligibilityRow(get, line, payer.id, (lob) => planOf.get(lob) ?? null);
          // A bad row still names its patient, so that patient's claims are not reported as orphans too.
          if (!r.row) {
            addRowProblems(TUVA_FILES.eligibility, line, r.problems.filter((p) => !p.once || !reportedOnce.has(p.once)));
            for (const p of r.problems) if (p.once) reportedOnce.add(p.once);
            if (r.patientId) await stage.push({ line, patient_id: r.patientId, ok: false });
            return;
          }
          plansUsed[r.row.lob] = r.row.plan_id;
          await stage.push({ ...r.row, ok: true });
        }, opts.onProgress);
        await stage.flush();
        read(TUVA_FILES.eligibility, rows);
      }
      for (const source of ['medical', 'pharmacy'] as const) {
        if (!isFile(paths[source]) || problems.full) continue;
        const stage = stager(t, 'tuva_line');
        const readRow = source === 'medical' ? readMedicalRow : readPharmacyRow;
        const rows = await streamCsv(paths[source], REQUIRED_COLUMNS[source], problems, async (get, line) => {
          const r = readRow(get, line);
          addRowProblems(TUVA_FILES[source], line, r.problems);
          if (r.row) await stage.push({ ...r.row });
        }, opts.onProgress);
        await stage.flush();
        read(TUVA_FILES[source], rows);
      }
      if (!problems.full && headersRead) {
        await indexStaging(t);
        addStaged(await eligibilityProblems(t, payer.id, problems.room));
        addStaged(await claimLineProblems(t, payer.id, problems.room));
      }
      if (problems.list.length) throw new RollBack();
      const repeatedAmountClaims = await collapseRepeatedAmounts(t);
      await assembleClaims(t, payer.id);
      addStaged(await changedClaimProblems(t, problems.room));
      if (problems.list.length) throw new RollBack();

      const people = await writeMembersAndCoverage(t, payer.id);
      const providers = await resolveProviders(t);
      const pending = await newClaimCounts(t);
      const submissionIds: Record<'medical' | 'pharmacy', string | null> = { medical: null, pharmacy: null };
      for (const source of ['medical', 'pharmacy'] as const) {
        if (pending[source] === 0) continue;
        const id = `sub-${year}-${String(await reserveNumbers(t, 'submission', 1)).padStart(8, '0')}`;
        await t.insertInto('submission').values({
          id, received_at: now.toISOString(), submitter_org_id: null, channel: 'tuva-csv', file_name: `${basename(opts.dir)}/${TUVA_FILES[source]}`,
          interchange_control_number: null, accepted: true, claim_count: pending[source], ack_999: null,
        }).execute();
        submissionIds[source] = id;
      }
      const claims = await writeClaims(t, payer.id, {
        claimIdPrefix: String(year), counterName: `claim-${year}`, submissionIds,
        files: { medical: `${basename(opts.dir)}/${TUVA_FILES.medical}`, pharmacy: `${basename(opts.dir)}/${TUVA_FILES.pharmacy}` },
      });
      const result: ImportTuvaSummary = {
        payerOrgId: payer.id, plans: plansUsed, files, submissionIds: Object.values(submissionIds).filter((x): x is string => x !== null),
        ...people, ...providers, claims, repeatedAmountClaims,
      };
      await recordImportAudit(t, ctx, payer.id, result.submissionIds[0] ?? null, {
        format: 'tuva', dir: basename(opts.dir), files, membersNew: people.membersNew, coverageNew: people.coverageNew,
        claimsNew: claims.medical.new + claims.pharmacy.new, claimsOnFile: claims.medical.onFile + claims.pharmacy.onFile,
        organizationsCreated: providers.organizationsCreated, repeatedAmountClaims, submissions: result.submissionIds,
      });
      return result;
    });
    deps.log.info({ payer: payer.id, claims: summary.claims }, 'tuva import complete');
    return { ok: true, summary };
  } catch (e) {
    if (!(e instanceof RollBack)) throw e;
    const order = [fileName.taxonomy, TUVA_FILES.eligibility, TUVA_FILES.medical, TUVA_FILES.pharmacy];
    const sorted = [...problems.list].sort((a, b) => order.indexOf(a.file) - order.indexOf(b.file) || a.line - b.line);
    return { ok: false, problems: sorted, stoppedEarly: problems.full };
  }
}
