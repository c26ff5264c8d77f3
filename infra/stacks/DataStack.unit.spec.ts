import { createTableInput, EVENTS_TABLE, type TableDefinition, VIEWS_TABLE } from '@app/tables';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DataStack } from './DataStack.ts';

const synth = (stage: string) => Template.fromStack(new DataStack(new App(), 'Data', { stage }));

/** The parts of a CloudFormation table that DynamoDB Local's CreateTable also sets. */
const localShape = (definition: TableDefinition) => {
  const input = createTableInput(definition, 'any');
  return {
    KeySchema: input.KeySchema,
    AttributeDefinitions: expect.arrayContaining(input.AttributeDefinitions ?? []),
    GlobalSecondaryIndexes: input.GlobalSecondaryIndexes?.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
    })),
  };
};

describe('the data stack', () => {
  it('builds each table with the keys and indexes DynamoDB Local gets, so the two cannot drift', () => {
    const template = synth('dev');
    const tables = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'));
    expect(tables).toHaveLength(2);
    for (const definition of [EVENTS_TABLE, VIEWS_TABLE]) {
      expect(tables.map((t) => t.Properties)).toContainEqual(expect.objectContaining(localShape(definition)));
    }
  });

  it('streams new images of the events table, and keeps point-in-time recovery on in every stage', () => {
    for (const stage of ['dev', 'prod']) {
      const template = synth(stage);
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      });
      template.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
        BillingMode: 'PAY_PER_REQUEST',
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      });
    }
  });

  it('protects production data from deletion, and lets dev stacks go', () => {
    synth('prod').allResources('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    synth('prod').allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
    });
    synth('dev').allResources('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
  });

  it('keeps the master key of the data keys in KMS, rotated, and never deleted in production', () => {
    synth('dev').hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const prod = synth('prod');
    prod.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(Object.keys(synth('dev').findResources('AWS::KMS::Key'))).toHaveLength(1);
  });
});
