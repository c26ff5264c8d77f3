import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

// What tells the team the platform is unwell: alarms on Lambda errors and throttles, stream
// iterator age (projections and deadlines falling behind), dead letters, DynamoDB throttles and
// API 5xx, all to one topic; and a dashboard. No metric is per tenant (a tenant id is never a
// dimension: one custom metric each would cost a metric per university) — tenants are in logs.

export interface MonitoringStackProps extends StackProps {
  readonly stage: string;
  /** Every function, by a short name for alarm names. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** The functions reading the table stream: their iterator age says how far behind they are. */
  readonly streamReaders: Readonly<Record<string, IFunction>>;
  /** Dead-letter queues: anything in one is work that failed every retry. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  readonly tables: Readonly<Record<string, TableV2>>;
  readonly httpApi: HttpApi;
}

/** The operations our code makes (an alarm may sum at most 10 metrics). */
const THROTTLE_WATCHED = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.SCAN,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
];

/** Iterator age beyond this means a stream reader is falling behind (views a minute stale). */
export const ITERATOR_AGE_ALARM_MS = 60_000;

export class MonitoringStack extends Stack {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    this.alarmTopic = new Topic(this, 'Alarms', { displayName: `${props.stage}: platform alarms`, enforceSSL: true });
    const action = new SnsAction(this.alarmTopic);
    const alarm = (name: string, metric: IMetric, threshold: number, description: string) => {
      const a = new Alarm(this, name, {
        alarmName: `${props.stage}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
      return a;
    };
    const fiveMinutes = { period: Duration.minutes(5) };

    const widgets: GraphWidget[] = [];
    for (const [name, fn] of Object.entries(props.functions)) {
      const errors = fn.metricErrors({ ...fiveMinutes, statistic: 'Sum' });
      const throttles = fn.metricThrottles({ ...fiveMinutes, statistic: 'Sum' });
      alarm(`${name}-errors`, errors, 0, `${name}: invocations failed`);
      alarm(`${name}-throttles`, throttles, 0, `${name}: invocations were throttled`);
      widgets.push(new GraphWidget({ title: `${name}: errors, throttles`, left: [errors, throttles] }));
    }
    for (const [name, fn] of Object.entries(props.streamReaders)) {
      const age = new Metric({
        namespace: 'AWS/Lambda',
        metricName: 'IteratorAge',
        dimensionsMap: { FunctionName: fn.functionName },
        statistic: 'Maximum',
        period: Duration.minutes(1),
      });
      alarm(
        `${name}-iterator-age`,
        age,
        ITERATOR_AGE_ALARM_MS,
        `${name}: the table stream is read more than a minute late`,
      );
      widgets.push(new GraphWidget({ title: `${name}: iterator age (ms)`, left: [age] }));
    }
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      const depth = queue.metricApproximateNumberOfMessagesVisible({ ...fiveMinutes, statistic: 'Maximum' });
      alarm(`${name}-dead-letters`, depth, 0, `${name}: work failed every retry and waits in the dead-letter queue`);
      widgets.push(new GraphWidget({ title: `${name}: dead letters`, left: [depth] }));
    }
    for (const [name, table] of Object.entries(props.tables)) {
      const throttled = table.metricThrottledRequestsForOperations({
        ...fiveMinutes,
        statistic: 'Sum',
        operations: THROTTLE_WATCHED,
      });
      alarm(`${name}-throttled`, throttled, 0, `${name} table: requests were throttled`);
      widgets.push(new GraphWidget({ title: `${name} table: throttled requests`, left: [throttled] }));
    }
    const serverErrors = props.httpApi.metricServerError({ ...fiveMinutes, statistic: 'Sum' });
    alarm('api-5xx', serverErrors, 0, 'the GraphQL API answered 5xx');
    widgets.push(
      new GraphWidget({
        title: 'API: requests, 4xx, 5xx',
        left: [
          props.httpApi.metricCount({ ...fiveMinutes, statistic: 'Sum' }),
          props.httpApi.metricClientError({ ...fiveMinutes, statistic: 'Sum' }),
          serverErrors,
        ],
      }),
    );

    new Dashboard(this, 'Dashboard', { dashboardName: `informational-interviews-${props.stage}`, widgets: [widgets] });
  }
}
