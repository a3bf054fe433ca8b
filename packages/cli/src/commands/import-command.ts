/**
 * `tandem import --format tuva DIR` — members, coverage and claims adjudicated elsewhere, from
 * the Tuva Project input layer, in one transaction (all or nothing). The rules are in the help
 * text below and in `server/src/use-cases/import-tuva.ts`.
 * `tandem import --format fhir-bulk DIR --member KEY --from-payer NAME` — another payer's Bulk
 * Data export (Payer-to-Payer) for a new member, all or nothing (`import-payer-export.ts`).
 */
import { formatCents, TandemError } from '@tandem/core';
import { formatImportProblem, importPayerExport, importTuva, silentLogger, systemContext, type ImportProblem, type ImportTuvaSummary } from '@tandem/server';
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CliError, EXIT, readConfig } from '../config.ts';
import { withStore } from '../local-store.ts';
import { progressBar, type Progress } from '../progress.ts';
import { resolvePayer } from './payer-option.ts';

const HELP = `
The Tuva input layer (https://thetuvaproject.com/input-layer): DIR holds eligibility.csv and
medical_claim.csv and/or pharmacy_claim.csv. Everything is imported in one transaction: rows are
checked as they stream; every problem is reported as "FILE line N: column X: problem" (reading
stops after 100); if there is any, nothing is stored and the exit code is 1.

  members      one per patient_id (Tuva's member_id is not used); key m-<payer>-<patient_id>;
               no names in the layout: first name '', last name 'Unknown'
  coverage     one span per eligibility row, in the payer's plan for its payer_type:
               medicare → Medicare Advantage, medicaid → Medicaid, anything else → commercial
               (the first such plan by id; the summary names it)
  claims       kept as adjudicated elsewhere (origin 'imported'): billed = charge_amount,
               allowed = allowed_amount (paid_amount when empty), paid = paid_amount, patient
               responsibility 0; an empty amount is 0; on an institutional claim an amount
               that is the same on every line is the claim's, repeated, and counted once;
               never sent in an 835; received on claim_end_date (the layout has no receipt
               date), which the settlement's run-out cut-off reads
  pharmacy     kind 'pharmacy': a line per row with the NDC as procedure code, no diagnoses;
               billed = allowed
  providers    the claim's organization is the one with its billing_npi; else, for professional
               claims, the organization of the practitioner with its rendering_npi; for
               institutional claims the organization with its facility_npi. NPIs still unknown
               become organizations 'Provider NPI <npi>' (id org-npi-<npi>), and a professional
               rendering NPI also a practitioner (taxonomy from --npi-taxonomy, else empty: such
               practitioners count as specialists in attribution)
  re-import    members, spans and claims already on file (claims by claim_id, per file and
               payer) are skipped: importing the same files again changes nothing; a claim whose
               lines or amounts changed since is refused`;

const FHIR_BULK_HELP = `
fhir-bulk: another payer's FHIR Bulk Data export for one new member (Payer-to-Payer). DIR holds
the NDJSON files and, optionally, the export's manifest.json (then exactly its outputs are read
and its request URL and transactionTime are kept as the provenance). --member names our member,
--from-payer the payer the export came from. The export's Patient is this member (when it holds
several patients, name the right one with --source-patient; the others' resources are skipped);
its birthDate must be the member's. Every line is checked first (JSON, resourceType, id, the type
the manifest lists, no id twice): any problem is printed as "FILE line N: problem" and nothing is
stored. Stored resources keep their content; their ids become p2p-…, references to the export's
patient point to our member, and each carries meta.source (the export) and a source-payer tag.
The member and the payer see them in Patient/{id}/$everything, with a Provenance per import.
Importing the same export again replaces the resources it brought, it does not duplicate them.`;

function formatOption(v: string): 'tuva' | 'fhir-bulk' {
  if (v !== 'tuva' && v !== 'fhir-bulk') throw new InvalidArgumentError("--format must be tuva (the Tuva Project input layer) or fhir-bulk (another payer's Bulk Data export)");
  return v;
}

function reportProblems(problems: readonly ImportProblem[], stoppedEarly: boolean, errorsFile: string | undefined): void {
  const lines = problems.map(formatImportProblem);
  if (errorsFile) writeFileSync(errorsFile, `${lines.join('\n')}\n`);
  const shown = lines.slice(0, 20);
  const more = lines.length - shown.length;
  process.stderr.write(`${shown.join('\n')}\n`);
  if (more > 0) process.stderr.write(`… and ${more} more${errorsFile ? ` (all in ${errorsFile})` : ' (--errors FILE writes them all)'}\n`);
  const count = `${lines.length} problem${lines.length === 1 ? '' : 's'}${stoppedEarly ? ` (reading stopped at the first ${lines.length})` : ''}`;
  process.stderr.write(`tandem: nothing was imported: ${count}${errorsFile ? `; written to ${errorsFile}` : ''}\n`);
  process.exitCode = EXIT.FAILURE;
}

async function importFhirBulk(dir: string, o: { payer?: string; errors?: string; json?: boolean; member?: string; fromPayer?: string; sourcePatient?: string }): Promise<void> {
  if (!o.member || !o.fromPayer) throw new CliError('--format fhir-bulk needs --member MEMBER_KEY and --from-payer NAME', EXIT.USAGE);
  const result = await withStore(readConfig(), async (store) => {
    const payerId = await resolvePayer(store.db, o.payer);
    try {
      return await importPayerExport({ store, clock: () => new Date(), log: silentLogger }, systemContext(payerId), { dir, memberKey: o.member!, fromPayer: o.fromPayer!, sourcePatient: o.sourcePatient });
    } catch (e) {
      if (e instanceof TandemError && (e.code === 'INVALID_REQUEST' || e.code === 'NOT_FOUND')) throw new CliError(e.message, EXIT.USAGE);
      throw e;
    }
  });
  if (!result.ok) return reportProblems(result.problems, result.stoppedEarly, o.errors);
  const s = result.summary;
  if (o.json) {
    process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    return;
  }
  const lines = [`imported ${basename(dir)} from ${s.fromPayer} for member ${s.memberKey} (their Patient/${s.sourcePatient}; import ${s.importId})`];
  for (const [type, n] of Object.entries(s.counts)) lines.push(`  ${type.padEnd(24)} ${n.toLocaleString('en-US').padStart(7)}`);
  if (s.skipped) lines.push(`  (${s.skipped} resources of the export's other patients skipped)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printSummary(s: ImportTuvaSummary, dir: string): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const newClaims = s.claims.medical.new + s.claims.pharmacy.new;
  const plans = Object.entries(s.plans).map(([lob, plan]) => `${lob} → ${plan}`).join(', ');
  const lines = [
    `imported ${basename(dir)} for payer ${s.payerOrgId}${plans ? ` (${plans})` : ''}`,
    `  members           ${n(s.membersNew).padStart(7)} new, ${n(s.membersOnFile)} already on file`,
    `  coverage spans    ${n(s.coverageNew).padStart(7)} new, ${n(s.coverageOnFile)} already on file`,
    `  medical claims    ${n(s.claims.medical.new).padStart(7)} new (${n(s.claims.medical.lines)} lines), ${n(s.claims.medical.onFile)} already on file`,
    `  pharmacy claims   ${n(s.claims.pharmacy.new).padStart(7)} new (${n(s.claims.pharmacy.lines)} lines), ${n(s.claims.pharmacy.onFile)} already on file`,
    `  organizations     ${n(s.organizationsCreated).padStart(7)} created, with ${n(s.practitionersCreated)} practitioners${s.taxonomiesSet ? `; ${n(s.taxonomiesSet)} practitioner taxonomies filled in` : ''}`,
    `  paid              ${formatCents(s.claims.medical.paidCents + s.claims.pharmacy.paidCents)} in the new claims`,
  ];
  if (s.repeatedAmountClaims) lines.push(`  (${n(s.repeatedAmountClaims)} institutional claims repeat the claim's amounts on every line: counted once)`);
  if (newClaims === 0 && s.membersNew === 0 && s.coverageNew === 0) lines.push('nothing new: everything in these files is already on file');
  return `${lines.join('\n')}\n`;
}

export function importCommand(program: Command): void {
  program
    .command('import')
    .description("import members, coverage and claims adjudicated elsewhere (the Tuva Project input layer), or another payer's Bulk Data export for a member; all or nothing")
    .requiredOption('--format <format>', 'input layout: tuva | fhir-bulk', formatOption)
    .argument('<dir>', 'tuva: directory with eligibility.csv, medical_claim.csv, pharmacy_claim.csv; fhir-bulk: NDJSON files (+ manifest.json)')
    .option('--payer <org-id>', 'the payer the members belong to (default: the only payer)')
    .option('--errors <file>', 'write every problem found to this file (one per line)')
    .option('--npi-taxonomy <file>', 'CSV with columns npi,taxonomy for the practitioners the import creates')
    .option('--json', 'print the summary as JSON')
    .option('--member <key>', 'fhir-bulk: our member the export is about')
    .option('--from-payer <name>', 'fhir-bulk: the payer the export came from')
    .option('--source-patient <id>', "fhir-bulk: the export's Patient id that is this member (when it holds several)")
    .addHelpText('after', HELP + FHIR_BULK_HELP)
    .action(async (dirArg: string, o: { format: 'tuva' | 'fhir-bulk'; payer?: string; errors?: string; npiTaxonomy?: string; json?: boolean; member?: string; fromPayer?: string; sourcePatient?: string }) => {
      const dir = resolve(dirArg);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`no such directory: ${dirArg}`, EXIT.USAGE);
      if (o.format === 'fhir-bulk') return importFhirBulk(dir, o);
      if (!existsSync(join(dir, 'eligibility.csv'))) throw new CliError(`${dirArg} has no eligibility.csv (the Tuva input layer: eligibility.csv, medical_claim.csv, pharmacy_claim.csv)`, EXIT.USAGE);
      if (o.npiTaxonomy && !existsSync(o.npiTaxonomy)) throw new CliError(`no such file: ${o.npiTaxonomy}`, EXIT.USAGE);
      const result = await withStore(readConfig(), async (store) => {
        const payerId = await resolvePayer(store.db, o.payer);
        let bar: Progress | null = null;
        let current = '';
        try {
          return await importTuva({ store, clock: () => new Date(), log: silentLogger }, systemContext(payerId), {
            dir, npiTaxonomyFile: o.npiTaxonomy ? resolve(o.npiTaxonomy) : undefined,
            onProgress: (p) => {
              if (p.file !== current) {
                bar?.stop();
                bar = progressBar(`import ${p.file}`);
                current = p.file;
              }
              bar!.update(p.rows, p.totalRows);
            },
          });
        } catch (e) {
          if (e instanceof TandemError && (e.code === 'INVALID_REQUEST' || e.code === 'NOT_FOUND')) throw new CliError(e.message, EXIT.USAGE);
          throw e;
        } finally {
          (bar as Progress | null)?.stop();
        }
      });
      if (result.ok) {
        process.stdout.write(o.json ? `${JSON.stringify(result.summary, null, 2)}\n` : printSummary(result.summary, dir));
        return;
      }
      reportProblems(result.problems, result.stoppedEarly, o.errors);
    });
}
