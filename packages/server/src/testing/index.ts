export * from './test-app.ts';
export * from './pas-bundle.ts';
export * from './bulk-data-client.ts';
export * from './smart-launch.ts';
