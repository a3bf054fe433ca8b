export * from './accumulators.ts';
export * from './adjudicate-claim.ts';
export * from './adjudicated-claim.ts';
export * from './claim-input.ts';
export * from './context.ts';
export * from './cost-share.ts';
export * from './units.ts';
