/**
 * `pnpm dev`: the local stack. Starts DynamoDB Local (persisted under `.data/` unless
 * `--in-memory`), creates the tables from the shared definition, makes the dev master key,
 * runs the projector on the table's stream as Lambda would, and keeps running until Ctrl-C.
 * The GraphQL server and the deadline poller join it as their issues land.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileKeyWrapper } from '@app/event-store';
import { startDynamoLocal } from '@app/local';
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
  const stop = async () => {
    await stack.stop();
    await dynamo.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  fileKeyWrapper(resolve(root, '.data/master.key')); // the dev master key, made once
  writeDevState(root, { endpoint: dynamo.endpoint, tables: stack.tables, pid: process.pid });

  console.log(`DynamoDB Local  ${dynamo.endpoint}  (${inMemory ? 'in memory' : 'persisted in .data/dynamodb'})`);
  console.log(`tables          ${stack.tables.events}, ${stack.tables.views}`);
  console.log(`master key      .data/master.key (dev only; KMS in AWS)`);
  console.log("projector       following the events table's stream into the views");
  console.log(
    `\nnot served yet: the GraphQL API (http://127.0.0.1:${apiPort}/graphql) and the deadline poller arrive with their issues.`,
  );
  if (args.values['no-seed']) console.log('(--no-seed: nothing to seed either)');
  console.log('Ctrl-C stops the stack.');
};

await main();
