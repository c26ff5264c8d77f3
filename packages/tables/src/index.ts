import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export type KeyType = 'S' | 'N';
export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyType;
}
export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
}
/** A table as both DynamoDB Local and the CDK data stack build it, so they cannot drift. */
export interface TableDefinition {
  readonly id: 'events' | 'views';
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
  /** What the table's stream carries, if it has one. */
  readonly stream?: 'NEW_IMAGE';
  readonly timeToLiveAttribute?: string;
}

/**
 * Every event is one item: `pk` = `{tenantId}#{streamType}#{streamId}`, `sk` = its version
 * (0 is the snapshot). `gsi1` is the tenant's log, one partition a day (DESIGN.md §4).
 */
export const EVENTS_TABLE: TableDefinition = {
  id: 'events',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'N' },
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
  ],
  stream: 'NEW_IMAGE',
};

/** Read models built by the projector (DESIGN.md §6); `gsi1` serves their secondary listings. */
export const VIEWS_TABLE: TableDefinition = {
  id: 'views',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
  ],
  timeToLiveAttribute: 'expiresAt',
};

export const TABLES = [EVENTS_TABLE, VIEWS_TABLE] as const;

/** The physical names of the tables, which differ per stage, per test file, per local run. */
export interface TableNames {
  readonly events: string;
  readonly views: string;
}

/** Names with a common prefix: `{prefix}events`, `{prefix}views`. */
export const tableNames = (prefix = ''): TableNames => ({ events: `${prefix}events`, views: `${prefix}views` });

/** The `CreateTable` request for a definition (on-demand billing, as in AWS). */
export const createTableInput = (table: TableDefinition, tableName: string): CreateTableCommandInput => {
  const keys = [
    table.partitionKey,
    table.sortKey,
    ...table.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  const attributes = [...new Map(keys.map((key) => [key.name, key])).values()];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributes.map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
    KeySchema: [
      { AttributeName: table.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: table.sortKey.name, KeyType: 'RANGE' },
    ],
    ...(table.globalSecondaryIndexes.length > 0 && {
      GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
    ...(table.stream && { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } }),
  };
};
