/** @tandem/fhir — domain ⇄ FHIR R4 mapping (US Core, CARIN Blue Button). */
export * from './attribution-group.ts';
export * from './provider-access-groups.ts';
export * from './capability-statement.ts';
export * from './identifiers.ts';
export * from './resources.ts';
export * from './pas-request.ts';
export * from './pas-response.ts';
export * from './organization.ts';
export * from './search-params.ts';
export * from './eob-basis.ts';
export * from './eob-basis-json.ts';
export * from './clinical-from-claims.ts';
export * from './measure-reports.ts';
export * from './us-core-clinical.ts';
export * from './pdex-prior-auth.ts';
export * from './us-core-directory.ts';
export * from './group-search.ts';
