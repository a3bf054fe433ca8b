/**
 * The provider registry read as a directory: organizations and practitioners, filtered in SQL
 * by the columns FHIR directory searches name, paged by id. Directory data names no member, so
 * it is neither scoped to one nor audited (CMS-0057-F makes the provider directory public).
 * https://hl7.org/fhir/R4/search.html#string
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../open-database.ts';

export type OrganizationColumn = 'id' | 'name' | 'npi' | 'tin';
export type PractitionerColumn = 'id' | 'npi' | 'first_name' | 'last_name' | 'taxonomy' | 'org_id';

/**
 * One condition on a column: equal; starts with (FHIR string matching: case and accents
 * folded); not null; or a constant (a criterion no row can meet, e.g. an address the registry
 * does not hold, is `false`).
 */
export type DirectoryCondition<C extends string> =
  | { readonly op: 'eq' | 'prefix'; readonly column: C; readonly value: string }
  | { readonly op: 'set'; readonly column: C }
  | { readonly op: 'true' | 'false' };

/** AND of ORs, as FHIR combines repeated parameters and comma-separated values. */
export type DirectoryFilter<C extends string> = ReadonlyArray<ReadonlyArray<DirectoryCondition<C>>>;

// Latin letters with diacritics → their base letter, the same in SQL (translate) and here.
const FOLD: ReadonlyArray<readonly [string, string]> = [
  ['ÀÁÂÃÄÅàáâãäå', 'a'], ['Çç', 'c'], ['ÈÉÊËèéêë', 'e'], ['ÌÍÎÏìíîï', 'i'], ['Ññ', 'n'], ['ÒÓÔÕÖØòóôõöø', 'o'], ['ÙÚÛÜùúûü', 'u'], ['Ýýÿ', 'y'],
];
const FOLD_FROM = FOLD.map(([from]) => from).join('');
const FOLD_TO = FOLD.map(([from, to]) => to.repeat(from.length)).join('');

/** Case and accents folded, as the SQL side folds a column. */
export function foldText(s: string): string {
  let out = '';
  for (const ch of s) {
    const i = FOLD_FROM.indexOf(ch);
    out += i >= 0 ? FOLD_TO.charAt(i) : ch;
  }
  return out.toLowerCase();
}

function conditionSql(c: DirectoryCondition<string>, alias: string): RawBuilder<boolean> {
  switch (c.op) {
    case 'eq': return sql<boolean>`${sql.ref(`${alias}.${c.column}`)} = ${c.value}`;
    case 'set': return sql<boolean>`${sql.ref(`${alias}.${c.column}`)} is not null`;
    // LIKE's escape character is the backslash by default.
    case 'prefix': return sql<boolean>`translate(lower(${sql.ref(`${alias}.${c.column}`)}), ${FOLD_FROM}, ${FOLD_TO}) like ${`${foldText(c.value).replace(/[\\%_]/g, (m) => `\\${m}`)}%`}`;
    case 'true': return sql<boolean>`true`;
    case 'false': return sql<boolean>`false`;
  }
}

function filterSql(f: DirectoryFilter<string>, alias: string): RawBuilder<boolean> {
  if (f.length === 0) return sql<boolean>`true`;
  return sql<boolean>`${sql.join(f.map((or) => sql`(${sql.join(or.map((c) => conditionSql(c, alias)), sql` or `)})`), sql` and `)}`;
}

export interface DirectoryPage {
  readonly limit: number;
  readonly offset: number;
}

/** Organizations (only providers: `providersOnly`, the care sites) meeting the filter, by id. */
export async function searchOrganizationDirectory(db: Db, f: DirectoryPage & { where: DirectoryFilter<OrganizationColumn>; providersOnly?: boolean }) {
  const q = db.selectFrom('organization as o').where(filterSql(f.where, 'o')).$if(f.providersOnly === true, (x) => x.where('o.kind', '=', 'provider'));
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const rows = await q.selectAll('o').orderBy('o.id').limit(f.limit).offset(f.offset).execute();
  return { total, rows };
}

/** Practitioners meeting the filter, with their organization's name, by id. */
export async function searchPractitionerDirectory(db: Db, f: DirectoryPage & { where: DirectoryFilter<PractitionerColumn> }) {
  const q = db.selectFrom('practitioner as p').innerJoin('organization as o', 'o.id', 'p.org_id').where(filterSql(f.where, 'p'));
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const rows = await q.selectAll('p').select('o.name as org_name').orderBy('p.id').limit(f.limit).offset(f.offset).execute();
  return { total, rows };
}
