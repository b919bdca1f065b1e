import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist', 'src/gql', 'playwright-report', 'test-results'] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    files: ['**/*.{ts,tsx}'],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // bulletproof-react: a feature reaches shared code through '@/lib' or '@/gql', never
    // another feature.
    files: ['src/features/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/features/**'], message: 'Features do not import each other.' },
            { group: ['@/app/**', '@/App'], message: 'Features do not import the app that composes them.' },
            { group: ['../../**'], message: "Use '@/lib' or '@/gql' to leave the feature." },
          ],
        },
      ],
    },
  },
  {
    // The app composes features through their public entries: the simulation feature is
    // '@/features/simulation' (its index.ts), never its components/, hooks/ or utils/. What
    // app/ and a feature both need (the flow diagram and its counters) lives in components/.
    files: ['src/app/**/*.{ts,tsx}', 'src/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@/features/simulation/**', '**/features/simulation/**'],
              message: "Import the simulation feature's public entry '@/features/simulation'; shared flow code is in '@/components/flow'.",
            },
          ],
        },
      ],
    },
  },
  {
    // Shared code is shared: components/ and lib/ never reach into a feature or the app.
    files: ['src/components/**/*.{ts,tsx}', 'src/lib/**/*.{ts,tsx}'],
    // A page test may render the whole app.
    ignores: ['src/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/features/**', '**/features/**'], message: 'Shared code does not import a feature.' },
            { group: ['@/app/**', '**/app/**', '@/App'], message: 'Shared code does not import the app.' },
          ],
        },
      ],
    },
  },
  {
    files: ['*.config.{ts,js}', 'codegen.ts', 'scripts/**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
);
