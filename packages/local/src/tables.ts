import { createTableInput, TABLES, type TableNames } from '@app/tables';
import {
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';

/** Creates the events and views tables under the given names; tables that exist are kept. */
export const createTables = async (client: DynamoDBClient, names: TableNames): Promise<void> => {
  await Promise.all(
    TABLES.map(async (table) => {
      const tableName = names[table.id];
      try {
        await client.send(new CreateTableCommand(createTableInput(table, tableName)));
      } catch (error) {
        if (error instanceof ResourceInUseException) return;
        throw error;
      }
      if (table.timeToLiveAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
          }),
        );
      }
    }),
  );
};

/** Drops the tables; tables already gone are fine. */
export const deleteTables = async (client: DynamoDBClient, names: TableNames): Promise<void> => {
  await Promise.all(
    TABLES.map(async (table) => {
      try {
        await client.send(new DeleteTableCommand({ TableName: names[table.id] }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    }),
  );
};
