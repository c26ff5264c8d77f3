import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { LAMBDA_BUNDLING } from '../services/bundling.ts';
import { platform } from './platform.ts';

// The whole app as `pnpm synth` builds it, offline: every stack, cdk-nag's AwsSolutions pack
// passing (each acknowledged finding justified where it is), every function on nodejs22.x.

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

describe('the platform', { timeout: 120_000 }, () => {
  it('synthesizes every stage with no AWS account and passes cdk-nag', () => {
    for (const stage of ['dev', 'prod']) {
      const app = new App({ context: NO_BUNDLING });
      const stacks = platform(app, { stage, corsOrigins: ['https://app.example.edu'] });
      expect(() => app.synth()).not.toThrow();
      expect(Object.keys(stacks)).toEqual(['data', 'auth', 'api', 'events', 'monitoring']);
    }
  });

  it('refuses a wildcard no one justified (cdk-nag is on)', () => {
    const app = new App({ context: NO_BUNDLING });
    const { events } = platform(app, { stage: 'dev', corsOrigins: [] });
    events.projector.fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }));
    expect(() => app.synth()).toThrow();
  });

  it('runs every function, CDK helpers included, on nodejs22.x and arm64', () => {
    const app = new App({ context: NO_BUNDLING });
    const stacks = platform(app, { stage: 'dev', corsOrigins: [] });
    let functions = 0;
    for (const stack of Object.values(stacks) as Stack[]) {
      for (const fn of Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))) {
        functions += 1;
        expect(fn.Properties.Runtime).toBe('nodejs22.x');
        expect(fn.Properties.Architectures).toEqual(['arm64']);
      }
    }
    expect(functions).toBe(5);
  });

  it('bundles the GraphQL Lambda for real, as the benchmark bundles it', async () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': ['ii-dev-api'] } });
    platform(app, { stage: 'dev', corsOrigins: [] });
    const assembly = app.synth();
    const assets = readdirSync(assembly.directory).filter((d) => d.startsWith('asset.'));
    const bundled = assets
      .map((d) => join(assembly.directory, d, 'index.mjs'))
      .filter((f) => {
        try {
          return statSync(f).isFile();
        } catch {
          return false;
        }
      });
    expect(bundled).toHaveLength(1);
    const deployed = statSync(bundled[0] as string).size;
    const measured = await build({
      entryPoints: [resolve(import.meta.dirname, '../services/graphql-api/src/handler.ts')],
      ...LAMBDA_BUNDLING,
      mainFields: [...LAMBDA_BUNDLING.mainFields],
      external: [...LAMBDA_BUNDLING.external],
      write: false,
      outfile: 'index.mjs',
      logLevel: 'silent',
    });
    const size = measured.outputFiles.find((f) => f.path.endsWith('.mjs'))?.contents.length ?? 0;
    // the same code: only the source-map comment line differs
    expect(Math.abs(deployed - size)).toBeLessThan(200);
    expect(deployed).toBeLessThan(1.5 * 1024 * 1024);
  });
});
