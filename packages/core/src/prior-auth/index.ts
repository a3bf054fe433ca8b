export * from './auth-rules.ts';
export * from './authorization-ledger.ts';
export * from './criteria.ts';
export * from './metrics.ts';
export * from './review.ts';
export * from './time-limits.ts';
export * from './prior-auth-request.ts';
