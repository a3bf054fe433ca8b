/**
 * Group search criteria of the Provider Access and Payer-to-Payer APIs (PDex 2.1 statements):
 * `code` (Group.code), `characteristic` (Group.characteristic.code), `identifier` and
 * `characteristic-value-reference` (PDex's own parameter, Group.characteristic.value as a
 * Reference; with `:identifier`, its logical identifier). Each repetition is AND-ed, commas OR.
 * http://hl7.org/fhir/SearchParameter/Group-code ·
 * http://hl7.org/fhir/us/davinci-pdex/SearchParameter/pdex-group-characteristic-value-reference
 */
import type { Group, Identifier, Reference } from '@medplum/fhirtypes';
import { andOfOr, parseReference, parseToken, referenceMatches, tokenMatches, type ReferenceValue, type TokenValue } from './search-params.ts';

/** The Group search parameters answered (`_id` is the route's). */
export const GROUP_SEARCH_PARAMS = ['_id', 'identifier', 'characteristic', 'characteristic-value-reference', 'code'] as const;
/** Modified parameters also accepted (not declared as parameters of their own). */
export const GROUP_SEARCH_MODIFIED = ['characteristic-value-reference:identifier'] as const;

export interface GroupCriteria {
  readonly code: ReadonlyArray<readonly TokenValue[]>;
  readonly characteristic: ReadonlyArray<readonly TokenValue[]>;
  readonly identifier: ReadonlyArray<readonly TokenValue[]>;
  /** A literal reference, or (`:identifier`) a token against the reference's identifier. */
  readonly valueReference: ReadonlyArray<ReadonlyArray<ReferenceValue | { readonly identifier: TokenValue }>>;
}

type Query = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Parses the Group criteria of a query; a malformed value is a 400 naming it. */
export function groupCriteria(q: Query, fhirBase?: string): GroupCriteria {
  const tokens = (p: string) => andOfOr(q[p]).map((or) => or.map((v) => parseToken(p, v)));
  const cvr = 'characteristic-value-reference';
  return {
    code: tokens('code'), characteristic: tokens('characteristic'), identifier: tokens('identifier'),
    valueReference: [
      ...andOfOr(q[cvr]).map((or) => or.map((v) => parseReference(cvr, v, fhirBase))),
      ...andOfOr(q[`${cvr}:identifier`]).map((or) => or.map((v) => ({ identifier: parseToken(`${cvr}:identifier`, v) }))),
    ],
  };
}

/** Whether any criterion is given (a search with none lists every Group the caller may see). */
export function hasGroupCriteria(c: GroupCriteria): boolean {
  return c.code.length + c.characteristic.length + c.identifier.length + c.valueReference.length > 0;
}

/** The `Organization/{id}` targets named by `characteristic-value-reference` (whose identifiers the caller resolves). */
export function referencedOrganizations(c: GroupCriteria): string[] {
  const ids = new Set<string>();
  for (const or of c.valueReference) for (const v of or) if ('id' in v && (v.type === undefined || v.type === 'Organization')) ids.add(v.id);
  return [...ids];
}

/**
 * Whether a Group meets the criteria. `aliases` gives the identifiers of the Organizations
 * searched for (`Organization/{id}` → NPI, Tandem organization id): a characteristic whose
 * valueReference is only logical (an identifier, as PDex's match Groups carry the requester)
 * still names that organization, so it matches a search by `Organization/{id}`.
 */
export function groupMatches(g: Pick<Group, 'code' | 'characteristic' | 'identifier'>, c: GroupCriteria, aliases: ReadonlyMap<string, readonly Identifier[]> = new Map()): boolean {
  const codes = g.code?.coding ?? [];
  const traits = g.characteristic ?? [];
  const refs = traits.map((t) => t.valueReference).filter((r): r is Reference => r !== undefined);
  const ids = g.identifier ?? [];
  const sameIdentifier = (a: Identifier | undefined, b: Identifier) => a !== undefined && a.system === b.system && a.value === b.value;
  const refMatches = (v: GroupCriteria['valueReference'][number][number], r: Reference) => {
    if ('identifier' in v) return r.identifier !== undefined && tokenMatches(v.identifier, r.identifier);
    if (referenceMatches(v, r.reference)) return true;
    if (!('id' in v) || r.reference !== undefined) return false;
    const known = aliases.get(`${v.type ?? 'Organization'}/${v.id}`) ?? [];
    return known.some((k) => sameIdentifier(r.identifier, k));
  };
  return c.code.every((or) => or.some((t) => codes.some((x) => tokenMatches(t, x))))
    && c.characteristic.every((or) => or.some((t) => traits.some((x) => (x.code.coding ?? []).some((y) => tokenMatches(t, y)))))
    && c.identifier.every((or) => or.some((t) => ids.some((x) => tokenMatches(t, x))))
    && c.valueReference.every((or) => or.some((v) => refs.some((r) => refMatches(v, r))));
}
