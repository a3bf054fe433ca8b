export * from './types.ts';
export * from './validate-registry.ts';
