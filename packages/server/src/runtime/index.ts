export * from './embedded-lock.ts';
export * from './serve.ts';
