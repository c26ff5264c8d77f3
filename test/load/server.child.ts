/**
 * The server side of `pnpm load`, in a process of its own as `pnpm dev` runs it: the local stack
 * (the projector, the reactor with deadlines and the publisher, the deadline poller) on the
 * run's DynamoDB Local, and the GraphQL API beside it. The API talks through a client of its own
 * whose calls can be recorded, so the load test can replay exactly what each operation asks of
 * DynamoDB. Prints its URLs as one JSON line and runs until killed.
 *
 * Control routes (a port of their own, loopback): `POST /record` starts recording the API's
 * calls, `GET /record` answers and stops; `POST /drain` answers once everything written so far
 * is projected and reacted to; `GET /calls` counts the calls of the API and of the consumers so far.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApiServer, startLocalStack } from '@app/dev';
import { localClientConfig } from '@app/local';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RecordedCall } from './replay.ts';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`the load server needs ${name}`);
  return value;
};

const endpoint = env('LOAD_ENDPOINT');
const tables = { events: env('LOAD_EVENTS_TABLE'), views: env('LOAD_VIEWS_TABLE') };
/** Calls sent by the API and by the stream consumers (projector, reactor, poller), by command. */
const counts = { api: new Map<string, number>(), consumers: new Map<string, number>() };
const counted = (client: DynamoDBClient, into: Map<string, number>) => {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      into.set(context.commandName as string, (into.get(context.commandName as string) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  return client;
};
const stack = await startLocalStack({
  endpoint,
  client: counted(new DynamoDBClient(localClientConfig(endpoint)), counts.consumers),
  tables,
  logger: { info: () => {}, warn: (m, a) => console.error(m, a), error: (m, a) => console.error(m, a) },
});

let recording: RecordedCall[] | null = null;
const apiClient = counted(new DynamoDBClient(localClientConfig(endpoint)), counts.api);
apiClient.middlewareStack.add(
  (next, context) => async (args) => {
    recording?.push({ command: context.commandName as string, input: structuredClone(args.input) as never });
    return next(args);
  },
  { step: 'initialize', name: 'recordCalls' },
);
const api = await startApiServer({
  client: apiClient,
  tables,
  masterKeyFile: `${env('LOAD_DIR')}/master.key`,
  issuerKeyFile: `${env('LOAD_DIR')}/issuer.jwk`,
  port: 0,
  logger: { info: () => {}, error: (message, attributes) => console.error(message, attributes) },
});

const answer = (response: ServerResponse, body: unknown) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};
const control = createServer((request: IncomingMessage, response: ServerResponse) => {
  if (request.url === '/record' && request.method === 'POST') {
    recording = [];
    return answer(response, { recording: true });
  }
  if (request.url === '/record') {
    const calls = recording ?? [];
    recording = null;
    return answer(response, calls);
  }
  if (request.url === '/calls') {
    return answer(response, { api: Object.fromEntries(counts.api), consumers: Object.fromEntries(counts.consumers) });
  }
  if (request.url === '/drain') {
    const started = performance.now();
    void stack.drain().then(() => answer(response, { ms: performance.now() - started }));
    return;
  }
  response.writeHead(404).end();
});
await new Promise<void>((done) => control.listen(0, '127.0.0.1', done));
const { port } = control.address() as AddressInfo;
console.log(JSON.stringify({ api: api.url, control: `http://127.0.0.1:${port}` }));
// ended by the load test: exit normally, so `--cpu-prof` (NODE_OPTIONS) can write its profile
process.on('SIGTERM', () => process.exit(0));
