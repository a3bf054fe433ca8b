export * from './shared-savings.ts';
