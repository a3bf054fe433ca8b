/**
 * The architecture, enforced (see docs/ARCHITECTURE.md):
 *   x12  ← (nothing of ours);   x12 + fhir ← x12-fhir
 *   core ← fhir, store ← server ← cli;   web talks HTTP only.
 * core and x12 do no I/O: no Node built-ins, no database, no HTTP.
 */
module.exports = {
  forbidden: [
    { name: 'core-is-pure', severity: 'error', comment: 'the domain imports no adapter and no I/O module',
      from: { path: '^packages/core/src' }, to: { path: '^packages/(x12|fhir|store|server|cli|web)/|^(fs|path|http|https|net|child_process|crypto|os|worker_threads)$|node_modules/(pg|kysely|fastify|@electric-sql)', pathNot: 'node_modules/vitest' } },
    { name: 'core-no-node-builtins', severity: 'error', from: { path: '^packages/core/src', pathNot: '\\.test\\.ts$' }, to: { dependencyTypes: ['core'] } },
    { name: 'x12-stands-alone', severity: 'error', comment: 'the X12 toolkit is usable on its own: no dependency on other Tandem packages or any runtime package',
      from: { path: '^packages/x12/src', pathNot: '\\.test\\.ts$' }, to: { path: '^packages/(core|fhir|store|server|cli|web)/|node_modules/' } },
    { name: 'fhir-maps-domain-only', severity: 'error', from: { path: '^packages/fhir/src' }, to: { path: '^packages/(store|server|cli|web|x12)/' } },
    { name: 'x12-fhir-maps-only', severity: 'error', from: { path: '^packages/x12-fhir/src' }, to: { path: '^packages/(store|server|cli|web|core)/' } },
    { name: 'store-below-server', severity: 'error', from: { path: '^packages/store/src' }, to: { path: '^packages/(server|cli|web|fhir|x12)/' } },
    { name: 'server-below-cli', severity: 'error', from: { path: '^packages/server/src' }, to: { path: '^packages/(cli|web)/' } },
    { name: 'web-over-http-only', severity: 'error', from: { path: '^packages/web/src' }, to: { path: '^packages/(core|x12|fhir|store|server|cli)/' } },
    { name: 'core-modules-through-index', severity: 'error', comment: 'inside core a module imports another only through its index.ts',
      from: { path: '^packages/core/src/([^/]+)/' }, to: { path: '^packages/core/src/([^/]+)/(?!index\\.ts$)[^/]+$', pathNot: '^packages/core/src/$1/' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|test-fixtures)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'], extensions: ['.ts', '.tsx', '.js'] },
    moduleSystems: ['es6'],
  },
};
