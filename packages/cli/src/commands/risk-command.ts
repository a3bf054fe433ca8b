/**
 * `tandem risk score` — one CMS-HCC V28 score with every term explained, no database needed;
 * `tandem risk run` scores the population; `tandem risk recapture` lists a contract's gaps.
 */
import { HCC_SEGMENTS, scoreHcc, type HccSegment } from '@tandem/core';
import { contractOverview, HCC_PARAMETERS_DEFAULT, loadHccV28, runRiskAdjustment, silentLogger, systemContext } from '@tandem/server';
import { defaultPayerId } from '@tandem/store';
import { CliError, EXIT, readConfig } from '../config.ts';
import { withStore } from '../local-store.ts';
import { InvalidArgumentError, type Command } from 'commander';
import { intOption, oneOf } from './options.ts';

function decimalOption(name: string) {
  return (v: string): string => {
    if (!/^\d+(\.\d+)?$/.test(v)) throw new InvalidArgumentError(`${name} must be a decimal number such as 1.015`);
    return v;
  };
}

export function riskCommand(program: Command): void {
  const risk = program.command('risk').description('CMS-HCC V28 risk adjustment');
  risk
    .command('score')
    .description('score one beneficiary: raw and payment score, each term, what hierarchies dropped')
    .requiredOption('--age <n>', 'age on February 1 of the payment year', intOption('--age', 0, 130))
    .requiredOption('--sex <F|M>', 'sex', oneOf('--sex', ['F', 'M'] as const))
    .option('--segment <segment>', `model segment (${HCC_SEGMENTS.join(', ')})`, oneOf('--segment', HCC_SEGMENTS), 'CNA' as HccSegment)
    .option('--dx <codes>', 'ICD-10-CM codes, comma-separated (dots optional)', '')
    .option('--orec <code>', 'original reason for entitlement: 0 old age, 1 disability, 2 ESRD, 3 both', oneOf('--orec', ['0', '1', '2', '3'] as const), '0' as const)
    .option('--medicaid', 'Medicaid (new-enrollee cells, institutional LTIMCAID)')
    .option('--normalization <factor>', 'normalization factor of the payment year (default: the published V28 factor of payment year 2024 — set the factor of the year you score)', decimalOption('--normalization'), HCC_PARAMETERS_DEFAULT.normalization)
    .option('--coding-intensity <fraction>', 'MA coding-intensity adjustment of the payment year (default: the statutory minimum)', decimalOption('--coding-intensity'), HCC_PARAMETERS_DEFAULT.codingIntensity)
    .option('--json', 'print the score as JSON')
    .action((o: { age: number; sex: 'F' | 'M'; segment: HccSegment; dx: string; orec: '0' | '1' | '2' | '3'; medicaid?: boolean; normalization: string; codingIntensity: string; json?: boolean }) => {
      const s = scoreHcc(loadHccV28(), { age: o.age, sex: o.sex, segment: o.segment, orec: o.orec, medicaid: !!o.medicaid, diagnoses: o.dx.split(',').filter(Boolean) }, { normalization: o.normalization, codingIntensity: o.codingIntensity });
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ ...s, parameters: { normalization: o.normalization, codingIntensity: o.codingIntensity } }, null, 2)}\n`);
        return;
      }
      const out: string[] = [`segment ${s.segment}   raw ${s.raw}   payment ${s.payment}   (raw × (1 − ${o.codingIntensity}) ÷ ${o.normalization})`, '', 'terms:'];
      for (const t of s.terms) out.push(`  ${t.variable.padEnd(32)} ${t.coefficient.padStart(7)}   ${t.why}`);
      out.push('', 'diagnoses:');
      for (const d of s.diagnoses) out.push(`  ${d.code.padEnd(8)} ${d.ccs.length ? `→ CC ${d.ccs.join(', ')}` : ''}${d.note ? `  ${d.note}` : ''}`);
      if (s.dropped.length) {
        out.push('', 'dropped:');
        for (const d of s.dropped) out.push(`  CC${d.cc}  ${d.by}`);
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
  risk
    .command('run')
    .description('score every Medicare Advantage member for a payment year from the eligible claims of the year before; stores the run')
    .requiredOption('--year <YYYY>', 'payment year (diagnoses come from claims with service in the year before)', intOption('--year', 2000, 2100))
    .option('--normalization <factor>', 'normalization factor of the payment year (default: the published V28 factor of payment year 2024 — set the factor of the year you score)', decimalOption('--normalization'), HCC_PARAMETERS_DEFAULT.normalization)
    .option('--coding-intensity <fraction>', 'MA coding-intensity adjustment of the payment year (default: the statutory minimum)', decimalOption('--coding-intensity'), HCC_PARAMETERS_DEFAULT.codingIntensity)
    .option('--json', 'print the run summary as JSON')
    .action(async (o: { year: number; normalization: string; codingIntensity: string; json?: boolean }) => {
      const summary = await withStore(readConfig(), async (store) => {
        const payerId = await defaultPayerId(store.db);
        if (!payerId) throw new CliError('no payer is configured in this database: run `tandem generate --members N` first', EXIT.FAILURE);
        return runRiskAdjustment({ store, clock: () => new Date(), log: silentLogger }, systemContext(payerId), { paymentYear: o.year, parameters: { normalization: o.normalization, codingIntensity: o.codingIntensity } });
      });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      const out = [
        `risk run ${summary.id}: payment year ${summary.paymentYear} (diagnoses from ${summary.diagnosisYear}), CMS-HCC V28`,
        `${summary.members} Medicare Advantage members scored, ${summary.membersWithHccs} with at least one payment HCC`,
        `mean raw score ${summary.meanRaw}, mean payment score ${summary.meanPayment}`,
        ...(summary.topHccs.length ? ['most frequent HCCs:', ...summary.topHccs.map((h) => `  HCC${h.hcc.padEnd(4)} ${String(h.members).padStart(7)}  ${h.label}`)] : []),
      ];
      process.stdout.write(`${out.join('\n')}\n`);
    });
  risk
    .command('recapture')
    .description("a contract's recapture list: chronic HCCs its members had coded last year that no claim has supported this year (needs risk runs for --year and --year + 1)")
    .requiredOption('--contract <id>', 'contract id (the attributed provider organization)')
    .requiredOption('--year <YYYY>', 'performance year (this year)', intOption('--year', 2000, 2100))
    .option('--json', 'print the list as JSON')
    .action(async (o: { contract: string; year: number; json?: boolean }) => {
      const r = await withStore(readConfig(), async (store) => {
        const payerId = await defaultPayerId(store.db);
        if (!payerId) throw new CliError('no payer is configured in this database: run `tandem generate --members N` first', EXIT.FAILURE);
        const o2 = await contractOverview({ store, clock: () => new Date(), log: silentLogger }, systemContext(payerId), { contractId: o.contract, year: o.year });
        return { contract: o2.contract, ...o2.recapture };
      });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        return;
      }
      if (!r.available) throw new CliError(`no recapture list for ${o.year}: ${r.note}`, EXIT.FAILURE);
      const out = [`${r.contract.name} (${r.contract.providerName}): ${r.gaps.length} HCCs for ${r.members} members, raw score ${r.rawAtStake} at stake — ${r.note}`];
      for (const g of r.gaps) out.push(`  ${g.memberId.padEnd(14)} HCC${g.hcc.padEnd(4)} ${g.coefficient}  ${g.label}${g.codedThisYearAs ? ` (coded this year as HCC${g.codedThisYearAs})` : ''}  last year: ${g.priorDiagnoses.join(', ')}`);
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
