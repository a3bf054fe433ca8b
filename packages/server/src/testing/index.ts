export * from './test-app.ts';
export * from './bulk-data-client.ts';
