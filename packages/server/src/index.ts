/** @tandem/server — HTTP API, use cases and the composition root. */
export * from './app.ts';
export * from './auth/passwords.ts';
export * from './auth/tokens.ts';
export * from './deps.ts';
export * from './reference-data/hcc-v28.ts';
export * from './use-cases/contract-view.ts';
export * from './use-cases/load-population.ts';
export * from './use-cases/run-attribution.ts';
export * from './use-cases/run-remittance.ts';
export * from './use-cases/run-risk.ts';
export * from './use-cases/seed-demo.ts';
export * from './use-cases/settle-contract.ts';
export * from './use-cases/submit-claims.ts';
export * from './use-cases/submit-claims-stream.ts';
export * from './use-cases/import-tuva.ts';
export * from './use-cases/create-contract.ts';
export * from './use-cases/prior-auth/index.ts';
