export * from './npi.ts';
export * from './ids.ts';
