import { type App, Stack, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { NAG_REASONS } from './constructs/nag.ts';
import { ApiStack } from './stacks/ApiStack.ts';
import { AuthStack } from './stacks/AuthStack.ts';
import { DataStack } from './stacks/DataStack.ts';
import { EventsStack } from './stacks/EventsStack.ts';
import { MonitoringStack } from './stacks/MonitoringStack.ts';

// The whole platform for one stage, one stack per concern, wired through typed props: what the
// CLI synthesizes (bin/app.ts) and what the tests build. cdk-nag's AwsSolutions pack checks every
// stack at synthesis; each acknowledged finding says why in the stack that has it.

export interface PlatformOptions {
  /** `dev` or `prod` (any short lowercase name): production keeps data and logs, and protects tables. */
  readonly stage: string;
  /** The browser origins of the frontends (CORS). */
  readonly corsOrigins: readonly string[];
}

export const STAGE = /^[a-z][a-z0-9-]{0,15}$/;

export const platform = (app: App, options: PlatformOptions) => {
  const { stage } = options;
  if (!STAGE.test(stage)) throw new Error(`stage must be a short lowercase name, got "${stage}"`);
  const production = stage === 'prod';
  const name = (concern: string) => `ii-${stage}-${concern}`;

  const data = new DataStack(app, name('data'), { stage });
  const auth = new AuthStack(app, name('auth'), { stage, production, events: data.events });
  const api = new ApiStack(app, name('api'), {
    stage,
    production,
    events: data.events,
    views: data.views,
    dataKey: data.dataKey,
    userPool: auth.userPool,
    userPoolClient: auth.userPoolClient,
    corsOrigins: options.corsOrigins,
  });
  const events = new EventsStack(app, name('events'), {
    stage,
    production,
    events: data.events,
    views: data.views,
  });
  const monitoring = new MonitoringStack(app, name('monitoring'), {
    stage,
    functions: {
      'graphql-api': api.api.fn,
      projector: events.projector.fn,
      reactor: events.reactor.fn,
      'deadline-handler': events.deadlineHandler.fn,
      'pre-token': auth.preToken.fn,
    },
    streamReaders: { projector: events.projector.fn, reactor: events.reactor.fn },
    deadLetterQueues: {
      'projector-dlq': events.projectorDlq,
      'reactor-dlq': events.reactorDlq,
      'deadline-dlq': events.deadlineDlq,
      'deadline-handler-failures': events.deadlineHandlerFailures,
    },
    tables: { events: data.events, views: data.views },
    httpApi: api.httpApi,
  });
  // The wildcards grants must have, acknowledged finding by finding (any other wildcard fails):
  // a table's indexes, as the consuming stacks import its ARN, and the stage's schedules.
  const importName = (value: string) =>
    (Stack.of(data).resolve(data.exportValue(value)) as { 'Fn::ImportValue': string })['Fn::ImportValue'];
  const indexes = (table: TableV2) => ({
    id: `AwsSolutions-IAM5[Resource::${importName(table.tableArn)}/index/*]`,
    reason: NAG_REASONS.tableIndexes,
  });
  const schedules = {
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${events.scheduleGroupName}/*]`,
    reason: NAG_REASONS.scheduleGroup,
  };
  Validations.of(auth.preToken.fn).acknowledge(indexes(data.events));
  Validations.of(api.tenantRole).acknowledge(indexes(data.events), indexes(data.views));
  Validations.of(events.projector.fn).acknowledge(indexes(data.events), indexes(data.views));
  Validations.of(events.deadlineHandler.fn).acknowledge(indexes(data.events));
  Validations.of(events.reactor.fn).acknowledge(indexes(data.events), schedules);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { data, auth, api, events, monitoring };
};
