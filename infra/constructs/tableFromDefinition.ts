import type { KeyAttribute, TableDefinition } from '@app/tables';
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';

const attribute = (key: KeyAttribute) => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

export interface TableFromDefinitionProps {
  readonly definition: TableDefinition;
  /** Production keeps its data: deletion protection and RETAIN. */
  readonly production: boolean;
}

/** A DynamoDB table built from the shared definition that DynamoDB Local uses too. */
export const tableFromDefinition = (scope: Construct, id: string, props: TableFromDefinitionProps): TableV2 => {
  const { definition, production } = props;
  return new TableV2(scope, id, {
    partitionKey: attribute(definition.partitionKey),
    sortKey: attribute(definition.sortKey),
    billing: Billing.onDemand(),
    globalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      sortKey: attribute(index.sortKey),
      projectionType: ProjectionType.ALL,
    })),
    ...(definition.stream && { dynamoStream: StreamViewType.NEW_IMAGE }),
    ...(definition.timeToLiveAttribute && { timeToLiveAttribute: definition.timeToLiveAttribute }),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: production,
    removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
};
