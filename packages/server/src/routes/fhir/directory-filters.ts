/**
 * US Core directory search parameters → conditions on the registry's columns
 * (store/directory-reader.ts). String parameters match a prefix, case and accents folded;
 * tokens their system and code; `practitioner` a Practitioner reference. The registry holds no
 * addresses, so the address parameters are answered and match nothing.
 * https://hl7.org/fhir/us/core/STU6.1/CapabilityStatement-us-core-server.html
 */
import { TandemError } from '@tandem/core';
import { andOfOr, NUCC_TAXONOMY, parseReference, parseToken, SYSTEM, US_CORE_DIRECTORY_SEARCH_PARAMS, type TokenValue, type UsCoreDirectoryType } from '@tandem/fhir';
import type { DirectoryCondition, DirectoryFilter, OrganizationColumn, PractitionerColumn } from '@tandem/store';

type Query = Readonly<Record<string, string | readonly string[] | undefined>>;

const NONE = { op: 'false' } as const;

/** A token against identifier columns by system (`system|` alone: the column is set). */
function identifierCondition<C extends string>(t: TokenValue, columns: Readonly<Record<string, C>>): Array<DirectoryCondition<C>> {
  const systems = t.system === undefined ? Object.keys(columns) : typeof t.system === 'string' && columns[t.system] ? [t.system] : [];
  if (systems.length === 0) return [NONE];
  return systems.map((s): DirectoryCondition<C> => (t.code === undefined ? { op: 'set', column: columns[s]! } : { op: 'eq', column: columns[s]!, value: t.code }));
}

/** Refuses parameters the type does not answer (handling=strict), modifiers included. */
export function checkDirectoryParams(type: UsCoreDirectoryType, q: Query, extra: readonly string[] = []): void {
  const supported: readonly string[] = [...US_CORE_DIRECTORY_SEARCH_PARAMS[type], ...extra];
  for (const k of Object.keys(q)) {
    if (k === '_count' || k === '_offset' || k === '_format') continue;
    if (!supported.includes(k)) throw new TandemError('INVALID_REQUEST', `unsupported search parameter '${k}' for ${type} (supported: ${supported.join(', ')})`);
  }
}

/** Every value of a parameter, each repetition AND-ed and its comma-separated values OR-ed, as conditions. */
function clauses<C extends string>(q: Query, param: string, toConditions: (value: string) => Array<DirectoryCondition<C>>): DirectoryFilter<C> {
  return andOfOr(q[param]).map((or) => or.flatMap((v) => {
    if (v === '') throw new TandemError('INVALID_REQUEST', `${param}: an empty value`);
    return toConditions(v);
  }));
}

const prefix = <C extends string>(column: C) => (v: string): Array<DirectoryCondition<C>> => [{ op: 'prefix', column, value: v }];
const byId = <C extends string>(column: C) => (v: string): Array<DirectoryCondition<C>> => [{ op: 'eq', column, value: v }];
const noAddress = (): Array<DirectoryCondition<never>> => [NONE];

export function practitionerFilter(q: Query): DirectoryFilter<PractitionerColumn> {
  return [
    ...clauses(q, '_id', byId('id')),
    // HumanName: family or given.
    ...clauses<PractitionerColumn>(q, 'name', (v) => [{ op: 'prefix', column: 'last_name', value: v }, { op: 'prefix', column: 'first_name', value: v }]),
    ...clauses<PractitionerColumn>(q, 'identifier', (v) => identifierCondition(parseToken('identifier', v), { [SYSTEM.npi]: 'npi' })),
  ];
}

/** A PractitionerRole is its practitioner's (same id), so it is searched on the practitioner's row. */
export function practitionerRoleFilter(q: Query, fhirBase: string): DirectoryFilter<PractitionerColumn> {
  return [
    ...clauses(q, '_id', byId('id')),
    ...clauses<PractitionerColumn>(q, 'specialty', (v) => identifierCondition(parseToken('specialty', v), { [NUCC_TAXONOMY]: 'taxonomy' })),
    ...clauses<PractitionerColumn>(q, 'practitioner', (v) => {
      const r = parseReference('practitioner', v, fhirBase);
      return 'id' in r && (r.type === undefined || r.type === 'Practitioner') ? [{ op: 'eq', column: 'id', value: r.id }] : [NONE];
    }),
  ];
}

export function organizationFilter(q: Query): DirectoryFilter<OrganizationColumn> {
  return [
    ...clauses(q, '_id', byId('id')),
    ...clauses(q, 'name', prefix('name')),
    ...clauses(q, 'address', noAddress),
    // By NPI only: the directory does not publish tax ids (a solo practitioner's may be a Social
    // Security number), so it must not confirm one either.
    ...clauses<OrganizationColumn>(q, 'identifier', (v) => identifierCondition(parseToken('identifier', v), { [SYSTEM.npi]: 'npi' })),
  ];
}

/** A Location is its provider organization's care site (same id and name). */
export function locationFilter(q: Query): DirectoryFilter<OrganizationColumn> {
  return [
    ...clauses(q, '_id', byId('id')),
    ...clauses(q, 'name', prefix('name')),
    ...['address', 'address-city', 'address-state', 'address-postalcode'].flatMap((p) => clauses(q, p, noAddress)),
  ];
}
