export * from './test-app.ts';
export * from './pas-bundle.ts';
export * from './bulk-data-client.ts';
export * from './smart-launch.ts';
export * from './backend-token.ts';
export * from './rest-hook-listener.ts';
/** Builds an 837 claim from core's test builders (for tests that send claims over X12). */
export { claim837From } from '../exchange/claim-to-837.ts';
