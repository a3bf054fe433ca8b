export * from './test-app.ts';
export * from './pas-bundle.ts';
