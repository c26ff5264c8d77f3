/**
 * The server side of `pnpm bench`, in a process of its own so its memory is its own: the API as
 * `pnpm dev` serves it (apiOnTables on DynamoDB Local) and, beside it, a bare graphql-yoga
 * answering `{ __typename }`. It counts the DynamoDB calls the API makes, by command, so the
 * benchmark can show that its hand-made baselines issue the same calls. It prints its URLs as
 * one JSON line and runs until killed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApiServer } from '@app/dev';
import { localClientConfig } from '@app/local';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createSchema, createYoga } from 'graphql-yoga';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`the bench server needs ${name}`);
  return value;
};

const calls = new Map<string, number>();
const client = new DynamoDBClient(localClientConfig(env('BENCH_ENDPOINT')));
client.middlewareStack.add(
  (next, context) => async (args) => {
    calls.set(context.commandName as string, (calls.get(context.commandName as string) ?? 0) + 1);
    return next(args);
  },
  { step: 'initialize', name: 'countCalls' },
);

const api = await startApiServer({
  client,
  tables: { events: env('BENCH_EVENTS_TABLE'), views: env('BENCH_VIEWS_TABLE') },
  masterKeyFile: `${env('BENCH_DIR')}/master.key`,
  issuerKeyFile: `${env('BENCH_DIR')}/issuer.jwk`,
  port: 0,
  logger: { info: () => {}, error: (message, attributes) => console.error(message, attributes) },
});

const bare = createYoga({
  schema: createSchema({ typeDefs: 'type Query { hello: String }' }),
  logging: false,
  landingPage: false,
});
const side = createServer((request: IncomingMessage, response: ServerResponse) => {
  if (request.url === '/calls') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(Object.fromEntries(calls)));
    calls.clear();
    return;
  }
  if (request.url === '/memory') {
    const before = process.memoryUsage();
    (globalThis as { gc?: () => void }).gc?.();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ...before, heapAfterGc: process.memoryUsage().heapUsed }));
    return;
  }
  void bare(request, response);
});
await new Promise<void>((done) => side.listen(0, '127.0.0.1', done));
const { port } = side.address() as AddressInfo;
console.log(
  JSON.stringify({ api: api.url, bare: `http://127.0.0.1:${port}/graphql`, calls: `http://127.0.0.1:${port}/calls` }),
);
