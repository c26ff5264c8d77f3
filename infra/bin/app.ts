import { App } from 'aws-cdk-lib';
import { platform } from '../platform.ts';

// `pnpm synth` / `pnpm exec cdk deploy --all`: the stage from context (`-c stage=prod`), `dev`
// when none is given; the frontends' origins from `-c corsOrigins=https://a,https://b`.

const app = new App();
const stage = (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
const origins = (app.node.tryGetContext('corsOrigins') as string | undefined) ?? '';
platform(app, {
  stage,
  corsOrigins: origins
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean),
});
