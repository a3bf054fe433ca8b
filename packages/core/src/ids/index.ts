export * from './npi.ts';
