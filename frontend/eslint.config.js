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
            { group: ['../../**'], message: "Use '@/lib' or '@/gql' to leave the feature." },
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
