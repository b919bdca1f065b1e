import { existsSync } from 'node:fs';
import type { CodegenConfig } from '@graphql-codegen/cli';

// The committed, exported SDL is the source of truth; the sketch copy only bridges the gap
// until the backend exports it.
const schema = existsSync('../schema.graphql') ? '../schema.graphql' : './schema.tmp.graphql';
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
