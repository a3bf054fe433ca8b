import type { Db } from '@tandem/store';
import { CliError, EXIT } from '../config.ts';

/** `--payer ORG_ID`, or the only payer organization of the database (the only one with plans, when others are on file). */
export async function resolvePayer(db: Db, given: string | undefined): Promise<string> {
  if (given) {
    const org = await db.selectFrom('organization').select(['id', 'kind']).where('id', '=', given).executeTakeFirst();
    if (!org) throw new CliError(`--payer: no organization ${given}`, EXIT.USAGE);
    if (org.kind !== 'payer') throw new CliError(`--payer: ${given} is a ${org.kind} organization, not a payer`, EXIT.USAGE);
    return org.id;
  }
  const all = await db.selectFrom('organization').select('id').where('kind', '=', 'payer').orderBy('id').execute();
  // Other health plans registered for Payer-to-Payer exchange offer no plans here: the default is the payer that does.
  const own = await db.selectFrom('organization').select('id').where('kind', '=', 'payer').where(({ exists, selectFrom }) => exists(selectFrom('plan').select('plan.id').whereRef('plan.payer_org_id', '=', 'organization.id'))).orderBy('id').execute();
  const payers = own.length ? own : all;
  if (payers.length === 0) throw new CliError('no payer organization in this database: create one first (`tandem generate --members 1` makes a payer with Medicare Advantage, Medicaid and commercial plans)', EXIT.FAILURE);
  if (payers.length > 1) throw new CliError(`several payer organizations (${payers.map((p) => p.id).join(', ')}): choose one with --payer ORG_ID`, EXIT.USAGE);
  return payers[0]!.id;
}
