import type { TableNames } from '@app/tables';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** This test file's tables on the run's DynamoDB Local. */
export interface TestDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly tables: TableNames;
}

let current: TestDb | undefined;

export const setTestDb = (db: TestDb): void => {
  current = db;
};

/** The tables of the running test file (made by the integration project's setup file). */
export const testDb = (): TestDb => {
  if (!current) throw new Error('no test tables: run this file in the integration project (*.int.spec.ts)');
  return current;
};
