/** @tandem/fhir — domain ⇄ FHIR R4 mapping (US Core, CARIN Blue Button). */
export * from './attribution-group.ts';
export * from './capability-statement.ts';
export * from './identifiers.ts';
export * from './resources.ts';
export * from './clinical-from-claims.ts';
export * from './measure-reports.ts';
