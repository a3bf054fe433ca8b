export * from './claim-generator.ts';
export * from './member-generator.ts';
export * from './prng.ts';
export * from './registry-generator.ts';
