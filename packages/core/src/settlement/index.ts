export * from './shared-savings.ts';
export * from './capitation.ts';
export * from './bundles.ts';
export * from './canonical-json.ts';
