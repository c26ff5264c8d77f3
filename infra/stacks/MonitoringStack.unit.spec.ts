import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { ITERATOR_AGE_ALARM_MS, MonitoringStack } from './MonitoringStack.ts';

const synth = () => {
  const app = new App();
  const parts = new Stack(app, 'Parts');
  const fn = (id: string) =>
    new LambdaFunction(parts, id, {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = async () => {};'),
    });
  const projector = fn('Projector');
  const api = fn('Api');
  const stack = new MonitoringStack(app, 'Monitoring', {
    stage: 'dev',
    functions: { api, projector },
    streamReaders: { projector },
    deadLetterQueues: { 'projector-dlq': new Queue(parts, 'Dlq') },
    tables: { events: new TableV2(parts, 'Events', { partitionKey: { name: 'pk', type: AttributeType.STRING } }) },
    httpApi: new HttpApi(parts, 'Http'),
  });
  return Template.fromStack(stack);
};

describe('the monitoring stack', () => {
  it('alarms on errors and throttles of every function, iterator age, dead letters, table throttles and API 5xx', () => {
    const template = synth();
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties.AlarmName as string,
    );
    expect(names.sort()).toEqual(
      [
        'dev-api-errors',
        'dev-api-throttles',
        'dev-projector-errors',
        'dev-projector-throttles',
        'dev-projector-iterator-age',
        'dev-projector-dlq-dead-letters',
        'dev-events-throttled',
        'dev-api-5xx',
      ].sort(),
    );
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'dev-projector-iterator-age',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Threshold: ITERATOR_AGE_ALARM_MS,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'dev-projector-dlq-dead-letters',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'dev-api-5xx', MetricName: '5xx' });
  });

  it('sends every alarm to one topic, and draws a dashboard', () => {
    const template = synth();
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    }
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'informational-interviews-dev' });
    template.hasResourceProperties('AWS::SNS::Topic', Match.objectLike({ DisplayName: 'dev: platform alarms' }));
  });
});
