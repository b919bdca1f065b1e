import type { CodegenConfig } from '@graphql-codegen/cli';

// The SDL exported from the server code and committed at the repository root.
const schema = '../schema.graphql';
const outDir = process.env.CODEGEN_OUT ?? './src/gql/';

const config: CodegenConfig = {
  schema,
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
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
