import { defineConfig } from 'vitest/config';

// One config for the whole repo. Unit tests need nothing; integration and end-to-end tests
// share one DynamoDB Local (global setup) and get their own tables per file (setup file).
export default defineConfig({
  // graphql ships CommonJS and ES module entries: the source Vite serves and the dependencies
  // Node loads must share one, or graphql's instanceof checks see two realms.
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['{packages,services,infra}/**/*.unit.spec.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['{packages,services,infra}/**/*.int.spec.ts', 'test/**/*.e2e.spec.ts'],
          globalSetup: ['packages/testing/src/globalSetup.ts'],
          setupFiles: ['packages/testing/src/perFileTables.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
    exclude: ['**/node_modules/**', '**/cdk.out/**'],
  },
});
