export * from './access-context.ts';
export * from './smart-scopes.ts';
