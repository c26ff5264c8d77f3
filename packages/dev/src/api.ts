import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { apiOnTables, DevIssuer } from '@app/api';
import { fileKeyWrapper } from '@app/event-store';
import type { TableNames } from '@app/tables';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { JWK } from 'jose';

// The GraphQL API on a local HTTP port, composed as the Lambda composes it, with the dev issuer
// in place of Cognito (its key kept beside the data, so tokens survive a restart).

export interface ApiServer {
  readonly url: string;
  readonly issuer: DevIssuer;
  stop(): Promise<void>;
}

const issuerFrom = async (file: string): Promise<DevIssuer> => {
  if (existsSync(file)) return DevIssuer.create({ privateJwk: JSON.parse(readFileSync(file, 'utf8')) as JWK });
  const issuer = await DevIssuer.create();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(await issuer.exportPrivateJwk()), { mode: 0o600 });
  return issuer;
};

export const startApiServer = async (options: {
  readonly client: DynamoDBClient;
  readonly tables: TableNames;
  readonly masterKeyFile: string;
  readonly issuerKeyFile: string;
  /** 0 for a free port. */
  readonly port: number;
}): Promise<ApiServer> => {
  const issuer = await issuerFrom(options.issuerKeyFile);
  const yoga = apiOnTables({
    client: options.client,
    tables: options.tables,
    keyWrapper: fileKeyWrapper(options.masterKeyFile),
    tokenRules: issuer.rules(),
    production: false,
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    issuer,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
