/**
 * `pnpm dev`: the local stack. Starts DynamoDB Local (persisted under `.data/` unless
 * `--in-memory`), creates the tables from the shared definition, makes the dev master key,
 * runs the projector on the table's stream as Lambda would, and keeps running until Ctrl-C.
 * serves the GraphQL API (with the dev issuer for tokens); the deadline poller joins it with its issue.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startDynamoLocal } from '@app/local';
import { type ApiServer, startApiServer } from './api.ts';
import { startLocalStack, writeDevState } from './stack.ts';

const root = resolve(import.meta.dirname, '../../..');

const usage = `usage: pnpm dev [--in-memory] [--port N] [--dynamo-port N] [--no-seed]
  --in-memory      a throwaway store (default: persisted under .data/dynamodb)
  --port N         the GraphQL port (default 4000)
  --dynamo-port N  DynamoDB Local's port (default: a free one)
  --no-seed        skip the demo university`;

const fail = (message: string): never => {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
};

const portFlag = (name: string, raw: string | undefined, fallback?: number) => {
  if (raw === undefined) return fallback;
  const port = Number(raw);
  return Number.isInteger(port) && port > 0 && port < 65_536
    ? port
    : fail(`--${name} must be a port number, got "${raw}"`);
};

const parse = () =>
  parseArgs({
    options: {
      'in-memory': { type: 'boolean', default: false },
      port: { type: 'string' },
      'dynamo-port': { type: 'string' },
      'no-seed': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });

const main = async () => {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (error) {
    return fail((error as Error).message);
  }
  if (args.values.help) {
    console.log(usage);
    return;
  }
  const apiPort = portFlag('port', args.values.port, 4000);
  const dynamoPort = portFlag('dynamo-port', args.values['dynamo-port']);
  const inMemory = args.values['in-memory'];

  const dynamo = await startDynamoLocal({
    ...(dynamoPort && { port: dynamoPort }),
    ...(!inMemory && { dbPath: resolve(root, '.data/dynamodb') }),
  });
  const stack = await startLocalStack({ endpoint: dynamo.endpoint, client: dynamo.client() });
  let api: ApiServer | undefined;
  const stop = async () => {
    await api?.stop();
    await stack.stop();
    await dynamo.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  api = await startApiServer({
    client: dynamo.client(),
    tables: stack.tables,
    masterKeyFile: resolve(root, '.data/master.key'), // the dev master key, made once
    issuerKeyFile: resolve(root, '.data/dev-issuer.jwk'),
    port: apiPort ?? 4000,
    healthy: () => stack.healthy(),
  });
  writeDevState(root, { endpoint: dynamo.endpoint, tables: stack.tables, pid: process.pid });
  const operatorToken = await api.issuer.token({
    sub: 'usr_dev_operator',
    roles: ['PLATFORM_ADMIN'],
    expiresIn: 12 * 3_600,
  });

  console.log(`DynamoDB Local  ${dynamo.endpoint}  (${inMemory ? 'in memory' : 'persisted in .data/dynamodb'})`);
  console.log(`tables          ${stack.tables.events}, ${stack.tables.views}`);
  console.log(`master key      .data/master.key (dev only; KMS in AWS)`);
  console.log("projector       following the events table's stream into the views");
  console.log(`GraphQL API     ${api.url}  (GraphiQL in a browser; tokens from the dev issuer)`);
  console.log(`operator token  ${operatorToken}`);
  console.log('                (12 h; send it as "Authorization: Bearer …" to provisionTenant)');
  console.log('\nnot served yet: the deadline poller arrives with its issue.');
  if (args.values['no-seed']) console.log('(--no-seed: there is no demo seed yet either)');
  console.log('Ctrl-C stops the stack.');
};

await main();
