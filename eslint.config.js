// Lint with types: `npm run lint` (part of `npm run check`), zero warnings allowed.
import { defineConfig, globalIgnores } from 'eslint/config';
import { builtinRules } from 'eslint/use-at-your-own-risk';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

// ESLint's own "recommended" set, read from the rules' metadata (what @eslint/js would give, without
// one more dependency).
const eslintRecommended = Object.fromEntries(
  [...builtinRules].filter(([, rule]) => rule.meta?.docs?.recommended).map(([name]) => [name, 'error']),
);

export default defineConfig(
  globalIgnores(['node_modules/', 'dist/', 'data/', 'coverage/', 'test-results/', 'bench/results/']),
  { name: 'athsys/eslint-recommended', rules: eslintRecommended },
  tseslint.configs.recommendedTypeChecked,
  svelte.configs.recommended,
  {
    name: 'athsys/typed',
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
      parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Off: Fastify handlers and in-memory stores behind async interfaces are async without awaiting.
      '@typescript-eslint/require-await': 'off',
      // Off: a redundant `as` is noise, not a bug; tsc --strict stays the judge of types.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // inject().json() and fetch().json() are `any` by design in tests; expect() checks the shape.
    name: 'athsys/tests',
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    name: 'athsys/browser',
    files: ['console/src/**', 'display/src/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    name: 'athsys/svelte',
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    rules: {
      // Off: the house style replaces state immutably ($state.raw(new URL(...)), new Map per update),
      // which this rule cannot tell from mutation; it flags every such value.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    // Plain JS config files: outside every tsconfig, so no type information.
    name: 'athsys/js-untyped',
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
