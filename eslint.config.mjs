// eslint over the TypeScript of the construct library and the JavaScript of
// its handlers, tests and example apps (flat config, typescript-eslint).
// `npx eslint .` is part of test/all.sh; prettier owns the layout.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/',
      'target/',
      'cdk-lib/lib/',
      'cdk-lib/native/',
      'cdk-lib/dist/',
      '**/cdk.out/',
      '.venv/',
      'bindings/',
      'core/',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.cjs', 'examples/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
  },
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: ['cdk-lib/src/**/*.ts'] })),
  {
    files: ['cdk-lib/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // generated from the plan's schema
    files: ['cdk-lib/src/plan.ts'],
    rules: { '@typescript-eslint/no-empty-object-type': 'off' },
  },
);
