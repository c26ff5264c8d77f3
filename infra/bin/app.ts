import { App } from 'aws-cdk-lib';
import { DataStack } from '../stacks/DataStack.ts';

const app = new App();
const stage = (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) throw new Error(`stage must be a short lowercase name, got "${stage}"`);

new DataStack(app, `ii-${stage}-data`, { stage });
