/**
 * The server side of `pnpm load`, as deployed: `LOAD_ROLE=api` is the GraphQL API (a Lambda
 * function's instances: LOAD_API_WORKERS processes, default 2), `LOAD_ROLE=consumers` the stream consumers (the projector, the reactor with
 * deadlines and the publisher, the deadline poller: Lambda functions of their own in AWS), each in
 * a process of its own on the run's DynamoDB Local. (`pnpm dev` runs them in one process for
 * convenience; here the API's latency would count the consumers' work.) The API's client can
 * record its calls, so the load test can replay exactly what each operation asks of DynamoDB.
 * Prints its URLs as one JSON line and runs until killed.
 *
 * Control routes (a port of their own, loopback): `GET /calls` counts the process's DynamoDB
 * calls so far; the API's `POST /record` starts recording its calls, `GET /record` answers and
 * stops; the consumers' `POST /drain` answers once everything written so far is projected and
 * reacted to.
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
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

let calls = 0;
let recording: RecordedCall[] | null = null;
const client = new DynamoDBClient(localClientConfig(endpoint));
client.middlewareStack.add(
  (next, context) => async (args) => {
    calls++;
    recording?.push({ command: context.commandName as string, input: structuredClone(args.input) as never });
    return next(args);
  },
  { step: 'initialize', name: 'countAndRecordCalls' },
);

const answer = (response: ServerResponse, body: unknown) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};
type Route = (request: IncomingMessage, response: ServerResponse) => boolean;

/** The stream consumers, and a route telling when all that is written has gone through them. */
const startConsumers = async (): Promise<Route> => {
  const stack = await startLocalStack({
    endpoint,
    client,
    tables,
    logger: { info: () => {}, warn: (m, a) => console.error(m, a), error: (m, a) => console.error(m, a) },
  });
  return (request, response) => {
    if (request.url !== '/drain') return false;
    const started = performance.now();
    void stack.drain().then(() => answer(response, { ms: performance.now() - started }));
    return true;
  };
};

// The API as Lambda scales it, in LOAD_API_WORKERS processes (node:cluster, one port): each
// worker is an instance; the primary only forks them and answers the control routes, asking
// each worker over IPC (its calls so far, what it recorded).
type Ask = { id: number; ask: 'calls' | 'recordStart' | 'recordStop' };
type Reply = { id: number; calls?: number; recorded?: RecordedCall[] };

const startApiWorker = async () => {
  const api = await startApiServer({
    client,
    tables,
    masterKeyFile: `${env('LOAD_DIR')}/master.key`,
    issuerKeyFile: `${env('LOAD_DIR')}/issuer.jwk`,
    port: 0,
    logger: { info: () => {}, error: (message, attributes) => console.error(message, attributes) },
  });
  process.on('message', ({ id, ask }: Ask) => {
    if (ask === 'recordStart') recording = [];
    const reply: Reply =
      ask === 'calls' ? { id, calls } : ask === 'recordStop' ? { id, recorded: recording ?? [] } : { id };
    if (ask === 'recordStop') recording = null;
    process.send?.(reply);
  });
  process.send?.({ ready: api.url });
};

const startApiWorkers = async (): Promise<{ url: string; routes: Route }> => {
  cluster.setupPrimary({ exec: fileURLToPath(import.meta.url) });
  const workers: Worker[] = [];
  let url = '';
  // one at a time: the first makes the master key and the issuer's key the others then read
  for (let i = 0; i < Number(process.env.LOAD_API_WORKERS ?? 2); i++) {
    const worker = cluster.fork();
    url = await new Promise<string>((done) =>
      worker.on('message', (m: { ready?: string }) => m.ready && done(m.ready)),
    );
    workers.push(worker);
  }
  let next = 0;
  const askAll = (ask: Ask['ask']) =>
    Promise.all(
      workers.map((worker) => {
        const id = next++;
        return new Promise<Reply>((done) => {
          const listener = (m: Reply) => {
            if (m.id !== id) return;
            worker.off('message', listener);
            done(m);
          };
          worker.on('message', listener);
          worker.send({ id, ask } satisfies Ask);
        });
      }),
    );
  const routes: Route = (request, response) => {
    if (request.url === '/calls') {
      void askAll('calls').then((r) => answer(response, { calls: r.reduce((n, w) => n + (w.calls ?? 0), 0) }));
      return true;
    }
    if (request.url !== '/record') return false;
    if (request.method === 'POST') void askAll('recordStart').then(() => answer(response, { recording: true }));
    else
      void askAll('recordStop').then((r) =>
        answer(
          response,
          r.flatMap((w) => w.recorded ?? []),
        ),
      );
    return true;
  };
  process.on('SIGTERM', () => {
    for (const worker of workers) worker.kill('SIGTERM');
  });
  return { url, routes };
};

if (cluster.isWorker) {
  await startApiWorker();
} else {
  const role =
    env('LOAD_ROLE') === 'consumers' ? { url: null, routes: await startConsumers() } : await startApiWorkers();
  const control = createServer((request, response) => {
    if (request.url === '/calls' && role.url === null) return answer(response, { calls });
    if (!role.routes(request, response)) response.writeHead(404).end();
  });
  await new Promise<void>((done) => control.listen(0, '127.0.0.1', done));
  const { port } = control.address() as AddressInfo;
  console.log(JSON.stringify({ url: role.url, control: `http://127.0.0.1:${port}` }));
}

// ended by the load test: exit normally, so `--cpu-prof` (LOAD_PROFILE) can write its profile
process.on('SIGTERM', () => setImmediate(() => process.exit(0)));
