export * from './access-context.ts';
