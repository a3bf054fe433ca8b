/** @tandem/fhir — domain ⇄ FHIR R4 mapping (US Core, CARIN Blue Button). */
export * from './capability-statement.ts';
export * from './identifiers.ts';
export * from './resources.ts';
