import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { DataStack } from './DataStack.ts';
import { EventsStack } from './EventsStack.ts';

interface Statement {
  readonly Effect: string;
  readonly Action: string | readonly string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** One action allowed on one resource (its CloudFormation value, as JSON). */
interface Permission {
  readonly action: string;
  readonly resource: string;
  readonly condition?: unknown;
}

const STREAM_READS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];
const ITEM_READS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const ITEM_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const SEND_TO_QUEUE = ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];

const key = (value: unknown) => JSON.stringify(value);
const list = <T>(value: T | readonly T[]): readonly T[] => (Array.isArray(value) ? value : [value as T]);
const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** The app as infra/bin/app.ts builds it: the data stack's tables handed to the events stack. */
const build = (stage: string, production: boolean) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const data = new DataStack(app, 'Data', { stage });
  const stack = new EventsStack(app, 'Events', { stage, production, events: data.events, views: data.views });
  const template = Template.fromStack(stack);
  const dataTemplate = Template.fromStack(data);

  const id = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const dataId = (construct: IConstruct) => data.getLogicalId(construct.node.defaultChild as CfnElement);

  /** A data stack value as the events stack sees it: the import of the one export that carries it. */
  const imported = (value: unknown) => {
    const exports = Object.values(dataTemplate.toJSON().Outputs ?? {}) as {
      Value: unknown;
      Export: { Name: string };
    }[];
    const matching = exports.filter((output) => key(output.Value) === key(value));
    expect(matching).toHaveLength(1);
    return { 'Fn::ImportValue': (matching[0] as { Export: { Name: string } }).Export.Name };
  };
  const eventsId = dataId(data.events);
  const viewsId = dataId(data.views);
  const eventsArn = imported(arnOf(eventsId));
  const viewsArn = imported(arnOf(viewsId));
  const tables = {
    eventsName: imported({ Ref: eventsId }),
    viewsName: imported({ Ref: viewsId }),
    eventsArn,
    eventsIndexes: { 'Fn::Join': ['', [eventsArn, '/index/*']] },
    eventsStream: imported({ 'Fn::GetAtt': [eventsId, 'StreamArn'] }),
    viewsArn,
    viewsIndexes: { 'Fn::Join': ['', [viewsArn, '/index/*']] },
  };

  const ids = {
    projector: id(stack.projector.fn),
    reactor: id(stack.reactor.fn),
    deadlineHandler: id(stack.deadlineHandler.fn),
    projectorRole: id(stack.projector.fn.role as IConstruct),
    reactorRole: id(stack.reactor.fn.role as IConstruct),
    deadlineHandlerRole: id(stack.deadlineHandler.fn.role as IConstruct),
    projectorDlq: id(stack.projectorDlq),
    reactorDlq: id(stack.reactorDlq),
    deadlineDlq: id(stack.deadlineDlq),
    deadlineHandlerFailures: id(stack.deadlineHandlerFailures),
    bus: id(stack.bus),
    scheduleGroup: stack.getLogicalId(stack.scheduleGroup),
    schedulerRole: id(stack.schedulerRole),
  };

  /** Every statement of the policies attached to a role. */
  const statementsOf = (roleId: string): Statement[] => {
    const policies = Object.values(
      template.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) } }),
    );
    expect(policies.length).toBeGreaterThan(0);
    return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  };

  /** What a role may do, one action on one resource at a time (allows only: no deny is expected). */
  const permissionsOf = (roleId: string): Permission[] =>
    statementsOf(roleId).flatMap((statement) => {
      expect(statement.Effect).toBe('Allow');
      return list(statement.Action).flatMap((action) =>
        list(statement.Resource).map((resource) => ({
          action,
          resource: key(resource),
          ...(statement.Condition !== undefined && { condition: statement.Condition }),
        })),
      );
    });

  return { stack, template, ids, tables, permissionsOf, statementsOf };
};

/** Synthesized once per stage: the tests only read the templates. */
const built = new Map<string, ReturnType<typeof build>>();
const synth = (stage = 'dev', production = false) => {
  const name = `${stage}:${production}`;
  const app = built.get(name) ?? build(stage, production);
  built.set(name, app);
  return app;
};

const resourcesOf = (permissions: readonly Permission[], action: string) =>
  [...new Set(permissions.filter((p) => p.action === action).map((p) => p.resource))].sort();
const actionsOf = (permissions: readonly Permission[], which: (action: string) => boolean) =>
  [...new Set(permissions.map((p) => p.action).filter(which))].sort();
const sorted = (values: readonly unknown[]) => values.map(key).sort();
const notDynamo = (action: string) => !action.startsWith('dynamodb:');

// synthesizing (even without bundling) takes a few seconds on a loaded machine
describe('the events stack', { timeout: 30_000 }, () => {
  it('reads the events stream with exactly two mappings, the projector and the reactor, each with its own DLQ', () => {
    const { template, ids, tables } = synth();
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(2);
    expect(mappings.map((m) => key(m.Properties.EventSourceArn))).toEqual([
      key(tables.eventsStream),
      key(tables.eventsStream),
    ]);
    for (const [fn, dlq] of [
      [ids.projector, ids.projectorDlq],
      [ids.reactor, ids.reactorDlq],
    ] as const) {
      template.hasResourceProperties(
        'AWS::Lambda::EventSourceMapping',
        Match.objectEquals({
          FunctionName: { Ref: fn },
          EventSourceArn: tables.eventsStream,
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 100,
          ParallelizationFactor: 1,
          BisectBatchOnFunctionError: true,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          MaximumRetryAttempts: 10,
          MaximumRecordAgeInSeconds: 86_400,
          DestinationConfig: { OnFailure: { Destination: arnOf(dlq) } },
        }),
      );
    }
  });

  it('runs every function in the stack, CDK helpers included, on nodejs22.x and arm64', () => {
    const { template, ids } = synth();
    const functions = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions).sort()).toEqual([ids.deadlineHandler, ids.projector, ids.reactor].sort());
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
    // custom resources are what brings helper functions: none here
    const types = Object.values(template.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type);
    expect(
      types.filter((type) => type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource'),
    ).toEqual([]);
  });

  it('names each function its parts in its environment', () => {
    const { template, ids, tables } = synth();
    const environment = (variables: Record<string, unknown>) => ({
      Environment: { Variables: Match.objectEquals({ NODE_OPTIONS: '--enable-source-maps', ...variables }) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      ...environment({ EVENTS_TABLE: tables.eventsName, VIEWS_TABLE: tables.viewsName }),
      Role: arnOf(ids.projectorRole),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      ...environment({
        EVENTS_TABLE: tables.eventsName,
        SCHEDULE_GROUP: { Ref: ids.scheduleGroup },
        DEADLINE_HANDLER_ARN: arnOf(ids.deadlineHandler),
        SCHEDULER_ROLE_ARN: arnOf(ids.schedulerRole),
        DEADLINE_DLQ_ARN: arnOf(ids.deadlineDlq),
        EVENT_BUS_NAME: { Ref: ids.bus },
      }),
      Role: arnOf(ids.reactorRole),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      ...environment({ EVENTS_TABLE: tables.eventsName }),
      Role: arnOf(ids.deadlineHandlerRole),
    });
  });

  it('has one bus and one schedule group, named per stage', () => {
    for (const stage of ['dev', 'prod']) {
      const { template, ids } = synth(stage, stage === 'prod');
      expect(Object.keys(template.findResources('AWS::Events::EventBus'))).toEqual([ids.bus]);
      template.hasResourceProperties('AWS::Events::EventBus', { Name: `ii-${stage}-integration` });
      expect(Object.keys(template.findResources('AWS::Scheduler::ScheduleGroup'))).toEqual([ids.scheduleGroup]);
      template.hasResourceProperties(
        'AWS::Scheduler::ScheduleGroup',
        Match.objectEquals({ Name: `ii-${stage}-deadlines` }),
      );
    }
  });

  it('keeps every failure in an encrypted queue that refuses plain HTTP', () => {
    const { template, ids } = synth();
    const queues = template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues).sort()).toEqual(
      [ids.projectorDlq, ids.reactorDlq, ids.deadlineDlq, ids.deadlineHandlerFailures].sort(),
    );
    for (const queue of Object.values(queues)) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    }
    for (const queueId of Object.keys(queues)) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: arnOf(queueId),
            }),
          ]),
        },
      });
    }
  });

  it('sends the firings the deadline handler failed on, after Lambda retried them, to their queue', () => {
    const { template, ids } = synth();
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.deadlineHandler },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: arnOf(ids.deadlineHandlerFailures) } },
    });
    expect(Object.keys(template.findResources('AWS::Lambda::EventInvokeConfig'))).toHaveLength(1);
  });

  it("gives Scheduler a role of this account's only, that invokes the deadline handler and dead-letters", () => {
    const { template, ids, statementsOf } = synth();
    const role = template.findResources('AWS::IAM::Role')[ids.schedulerRole];
    expect(role?.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role?.Properties.Policies).toBeUndefined();
    expect(statementsOf(ids.schedulerRole)).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: arnOf(ids.deadlineHandler) },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(ids.deadlineDlq) },
    ]);
  });

  it('lets the projector read the events table and its stream, and read and write only the views', () => {
    const { ids, tables, permissionsOf } = synth();
    const permissions = permissionsOf(ids.projectorRole);
    for (const action of STREAM_READS) expect(resourcesOf(permissions, action)).toContain(key(tables.eventsStream));
    for (const action of ITEM_READS) {
      expect(resourcesOf(permissions, action)).toEqual(
        sorted([tables.eventsArn, tables.eventsIndexes, tables.viewsArn, tables.viewsIndexes]),
      );
    }
    // (CDK counts ConditionCheckItem among the reads: it writes nothing)
    for (const action of ITEM_WRITES) {
      expect(resourcesOf(permissions, action)).toEqual(sorted([tables.viewsArn, tables.viewsIndexes]));
    }
    expect(actionsOf(permissions, notDynamo)).toEqual([...SEND_TO_QUEUE].sort());
    for (const action of SEND_TO_QUEUE)
      expect(resourcesOf(permissions, action)).toEqual([key(arnOf(ids.projectorDlq))]);
  });

  it('lets the reactor read and write the events table, arm schedules in its group, pass the role, publish', () => {
    const { ids, tables, permissionsOf } = synth();
    const permissions = permissionsOf(ids.reactorRole);
    for (const action of STREAM_READS) expect(resourcesOf(permissions, action)).toContain(key(tables.eventsStream));
    for (const action of [...ITEM_READS, ...ITEM_WRITES, 'dynamodb:ConditionCheckItem']) {
      expect(resourcesOf(permissions, action)).toEqual(sorted([tables.eventsArn, tables.eventsIndexes]));
    }
    const dynamoResources = new Set(permissions.filter((p) => !notDynamo(p.action)).map((p) => p.resource));
    expect([...dynamoResources].sort()).toEqual(sorted([tables.eventsArn, tables.eventsIndexes, tables.eventsStream]));

    expect(actionsOf(permissions, notDynamo)).toEqual(
      [
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'iam:PassRole',
        'events:PutEvents',
        ...SEND_TO_QUEUE,
      ].sort(),
    );
    const groupSchedules = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':scheduler:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':schedule/ii-dev-deadlines/*',
        ],
      ],
    };
    for (const action of ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']) {
      expect(resourcesOf(permissions, action)).toEqual([key(groupSchedules)]);
    }
    expect(permissions.filter((p) => p.action === 'iam:PassRole')).toEqual([
      {
        action: 'iam:PassRole',
        resource: key(arnOf(ids.schedulerRole)),
        condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
    expect(resourcesOf(permissions, 'events:PutEvents')).toEqual([key(arnOf(ids.bus))]);
    for (const action of SEND_TO_QUEUE) expect(resourcesOf(permissions, action)).toEqual([key(arnOf(ids.reactorDlq))]);
  });

  it('lets the deadline handler read and write the events table, and nothing of the stream or the views', () => {
    const { ids, tables, permissionsOf } = synth();
    const permissions = permissionsOf(ids.deadlineHandlerRole);
    for (const action of [...ITEM_READS, ...ITEM_WRITES, 'dynamodb:ConditionCheckItem']) {
      expect(resourcesOf(permissions, action)).toEqual(sorted([tables.eventsArn, tables.eventsIndexes]));
    }
    const dynamoResources = new Set(permissions.filter((p) => !notDynamo(p.action)).map((p) => p.resource));
    expect([...dynamoResources].sort()).toEqual(sorted([tables.eventsArn, tables.eventsIndexes]));
    expect(actionsOf(permissions, notDynamo)).toEqual([...SEND_TO_QUEUE].sort());
    for (const action of SEND_TO_QUEUE) {
      expect(resourcesOf(permissions, action)).toEqual([key(arnOf(ids.deadlineHandlerFailures))]);
    }
  });

  it('grants nothing on every resource, and nothing of KMS', () => {
    const { template } = synth();
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(list(statement.Resource)).not.toContain('*');
      expect(list(statement.Action).filter((action) => action.startsWith('kms:'))).toEqual([]);
    }
  });

  it('keeps production logs when the stack goes, and lets dev logs go', () => {
    const prod = synth('prod', true).template.findResources('AWS::Logs::LogGroup');
    expect(Object.keys(prod)).toHaveLength(3);
    for (const group of Object.values(prod)) expect(group.DeletionPolicy).toBe('Retain');
    const dev = synth('dev', false).template.findResources('AWS::Logs::LogGroup');
    expect(Object.keys(dev)).toHaveLength(3);
    for (const group of Object.values(dev)) expect(group.DeletionPolicy).toBe('Delete');
  });
});
