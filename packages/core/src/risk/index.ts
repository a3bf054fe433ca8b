export * from './hcc-model.ts';
export * from './score-hcc.ts';
export * from './recapture.ts';
export * from './risk-segment.ts';
