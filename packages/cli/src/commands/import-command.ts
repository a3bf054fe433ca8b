/**
 * `tandem import --format tuva DIR` — members, coverage and claims adjudicated elsewhere, from
 * the Tuva Project input layer, in one transaction (all or nothing). The rules are in the help
 * text below and in `server/src/use-cases/import-tuva.ts`.
 */
import { formatCents, TandemError } from '@tandem/core';
import { formatImportProblem, importTuva, silentLogger, systemContext, type ImportTuvaSummary } from '@tandem/server';
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

function formatOption(v: string): 'tuva' {
  if (v !== 'tuva') throw new InvalidArgumentError('--format must be tuva (the Tuva Project input layer)');
  return v;
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
    .description('import members, coverage and claims adjudicated elsewhere (the Tuva Project input layer), all or nothing')
    .requiredOption('--format <format>', 'input layout: tuva', formatOption)
    .argument('<dir>', 'directory with eligibility.csv, medical_claim.csv, pharmacy_claim.csv')
    .option('--payer <org-id>', 'the payer the members belong to (default: the only payer)')
    .option('--errors <file>', 'write every problem found to this file (one per line)')
    .option('--npi-taxonomy <file>', 'CSV with columns npi,taxonomy for the practitioners the import creates')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', HELP)
    .action(async (dirArg: string, o: { format: 'tuva'; payer?: string; errors?: string; npiTaxonomy?: string; json?: boolean }) => {
      const dir = resolve(dirArg);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`no such directory: ${dirArg}`, EXIT.USAGE);
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
      const lines = result.problems.map(formatImportProblem);
      if (o.errors) writeFileSync(o.errors, `${lines.join('\n')}\n`);
      const shown = lines.slice(0, 20);
      const more = lines.length - shown.length;
      process.stderr.write(`${shown.join('\n')}\n`);
      if (more > 0) process.stderr.write(`… and ${more} more${o.errors ? ` (all in ${o.errors})` : ' (--errors FILE writes them all)'}\n`);
      const count = `${lines.length} problem${lines.length === 1 ? '' : 's'}${result.stoppedEarly ? ` (reading stopped at the first ${lines.length})` : ''}`;
      process.stderr.write(`tandem: nothing was imported: ${count}${o.errors ? `; written to ${o.errors}` : ''}\n`);
      process.exitCode = EXIT.FAILURE;
    });
}
