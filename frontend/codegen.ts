import type { CodegenConfig } from '@graphql-codegen/cli';

// The SDL exported from the server code and committed at the repository root.
const schema = '../schema.graphql';
const outDir = process.env.CODEGEN_OUT ?? './src/gql/';

const config: CodegenConfig = {
  schema,
  // Tests may define throwaway operations; they are not part of the app's documents.
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*', '!src/**/*.test.{ts,tsx}', '!src/test/**/*'],
  ignoreNoDocuments: true,
  generates: {
    [outDir]: {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
      },
    },
  },
};

export default config;
