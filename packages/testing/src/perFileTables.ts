import { randomBytes } from 'node:crypto';
import { createTables, deleteTables, localClientConfig } from '@app/local';
import { tableNames } from '@app/tables';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { setTestDb, type TestDb } from './testDb.ts';

// A setup file: runs in every test file of the integration project, before its tests.
let db: TestDb | undefined;

beforeAll(async () => {
  const endpoint = inject('dynamoEndpoint');
  const client = new DynamoDBClient(localClientConfig(endpoint));
  const tables = tableNames(`t${randomBytes(4).toString('hex')}_`);
  await createTables(client, tables);
  db = { endpoint, client, tables };
  setTestDb(db);
});

afterAll(async () => {
  if (!db) return;
  await deleteTables(db.client, db.tables);
  db.client.destroy();
});
