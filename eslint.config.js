// Lint: typescript-eslint's recommended rules, plus the house rules that keep the
// domain pure (no I/O, no clock, no randomness in packages/core and packages/x12).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.dependency-cruiser.cjs', '**/node_modules/**', '**/dist/**', '.tandem/**', 'out/**', 'packages/x12/test-fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', fetch: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', window: 'readonly', document: 'readonly', sessionStorage: 'readonly', localStorage: 'readonly', HTMLElement: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', { selector: "BinaryExpression[operator='=='][right.raw!='null']", message: 'use ===' }],
    },
  },
  {
    files: ['packages/core/src/**/*.ts', 'packages/x12/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'process', message: 'the domain reads no environment' }, { name: 'fetch', message: 'the domain does no I/O' }, { name: 'setTimeout', message: 'the domain has no timers' }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'time comes from an injected clock' },
        { object: 'Math', property: 'random', message: 'randomness comes from a seeded generator' },
      ],
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'child_process', 'crypto'], message: 'the domain does no I/O: pass what it needs in' }] }],
    },
  },
);
