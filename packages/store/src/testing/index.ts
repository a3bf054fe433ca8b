export * from './test-store.ts';
export * from './pglite-template.ts';
