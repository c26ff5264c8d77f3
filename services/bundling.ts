/**
 * How every Lambda function is bundled (esbuild): by the CDK stacks' NodejsFunction and by the
 * benchmark that measures the bundle, so the figures are those of what is deployed.
 *
 * The AWS SDK is bundled rather than taken from the runtime (but for clients used rarely): its ES module builds, tree-shaken,
 * import in about half the time the runtime's CommonJS copy takes (measured by `pnpm bench`).
 */
export const LAMBDA_BUNDLING = {
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  // loaded only when first needed (a tenant's first request, an invitation), from the runtime's
  // SDK (nodejs22.x ships it): not in the bundle, not in the cold start
  external: ['@aws-sdk/client-sts', '@aws-sdk/client-cognito-identity-provider'] as string[],
  // beside the bundle (index.mjs.map), not inside it: the code Lambda loads is the size measured
  sourcemap: 'external',
  // some CommonJS dependencies call require(): give the ES module one
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
} as const;
