/** @tandem/core — the pure domain: no I/O, no environment, no clock. */
export * from './access/index.ts';
export * from './adjudication/index.ts';
export * from './attribution/index.ts';
export * from './codes/index.ts';
export * from './errors/index.ts';
export * from './ids/index.ts';
export * from './money/index.ts';
export * from './registry/index.ts';
export * from './remittance/index.ts';
export * from './risk/index.ts';
export * from './settlement/index.ts';
export * from './synthetic/index.ts';
export * from './prior-auth/index.ts';
