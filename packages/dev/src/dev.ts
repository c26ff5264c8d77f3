/**
 * `pnpm dev`: the local stack. Starts DynamoDB Local (persisted under `.data/`, or `--data-dir`,
 * unless `--in-memory`), creates the tables from the shared definition, makes the dev master key,
 * runs the projector on the table's stream as Lambda would, seeds the demo university (unless
 * `--no-seed`), serves the GraphQL API with the dev issuer for tokens, prints a token per role,
 * and keeps running until Ctrl-C. Deadlines (the reactor and the local scheduler) start after the seed.
 */
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { applicationOnTables, type Role } from '@app/api';
import { fileKeyWrapper } from '@app/event-store';
import { startDynamoLocal } from '@app/local';
import { type ApiServer, startApiServer } from './api.ts';
import { DEMO_OPERATOR, seedDemo } from './seed.ts';
import { startLocalStack, writeDevState } from './stack.ts';

const root = resolve(import.meta.dirname, '../../..');

const usage = `usage: pnpm dev [--in-memory] [--data-dir DIR] [--port N] [--dynamo-port N] [--no-seed]
  --in-memory      a throwaway store (default: persisted under DIR/dynamodb)
  --data-dir DIR   where the store, the dev keys and dev.json are kept (default: .data at the repo root)
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
      'data-dir': { type: 'string' },
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
  const dataDir = resolve(args.values['data-dir'] ?? resolve(root, '.data'));
  // how the data folder is named in what is printed: as given, or from the repo root
  const shown = `${(args.values['data-dir'] ?? relative(root, dataDir)).replace(/\/$/, '')}/`;

  const masterKeyFile = resolve(dataDir, 'master.key');
  const dynamo = await startDynamoLocal({
    ...(dynamoPort && { port: dynamoPort }),
    ...(!inMemory && { dbPath: resolve(dataDir, 'dynamodb') }),
  });
  // deadlines start once the demo's months of history are written: then time acts on all of it
  const stack = await startLocalStack({ endpoint: dynamo.endpoint, client: dynamo.client(), deadlines: false });
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
    masterKeyFile, // the dev master key, made once
    issuerKeyFile: resolve(dataDir, 'dev-issuer.jwk'),
    port: apiPort ?? 4000,
    healthy: () => stack.healthy(),
  });
  writeDevState(dataDir, { endpoint: dynamo.endpoint, tables: stack.tables, pid: process.pid });
  const expiresIn = 12 * 3_600;
  const operatorToken = await api.issuer.token({ sub: DEMO_OPERATOR.userId, roles: ['PLATFORM_ADMIN'], expiresIn });

  console.log(`DynamoDB Local  ${dynamo.endpoint}  (${inMemory ? 'in memory' : `persisted in ${shown}dynamodb`})`);
  console.log(`tables          ${stack.tables.events}, ${stack.tables.views}`);
  console.log(`master key      ${shown}master.key (dev only; KMS in AWS)`);
  console.log("projector       following the events table's stream into the views");
  console.log(`GraphQL API     ${api.url}  (GraphiQL in a browser; tokens from the dev issuer)`);
  console.log('POST /dev/token  { "sub", "tenant_id", "roles" } → { "token" }  (dev only)');

  const tokens: [string, string][] = [['operator', operatorToken]];
  if (!args.values['no-seed']) {
    const started = Date.now();
    process.stdout.write('demo university … ');
    let at = new Date();
    const { app } = applicationOnTables({
      client: dynamo.client(),
      tables: stack.tables,
      keyWrapper: fileKeyWrapper(masterKeyFile),
      clock: () => at,
    });
    const demo = await seedDemo(app, {
      set: (instant) => {
        at = instant;
      },
    });
    await stack.drain();
    console.log(
      demo.created
        ? `seeded in ${((Date.now() - started) / 1_000).toFixed(1)} s: 1 cohort, 1 coach, ${demo.studentIds.length} students, ${demo.commands} commands`
        : `already there (delete ${shown} or use --in-memory to seed afresh)`,
    );
    const { tenantId } = demo;
    const token = (sub: string, role: Role) => api?.issuer.token({ sub, roles: [role], tenantId, expiresIn }) ?? '';
    tokens.push(
      ['admin', await token(demo.adminId, 'TENANT_ADMIN')],
      ['coach', await token(demo.coachId, 'COACH')],
      ['student', await token(demo.studentIds[0] as string, 'STUDENT')],
    );
  }
  await stack.startDeadlines();
  console.log('deadlines       the reactor arms them from the stream; the local scheduler fires them');
  console.log('\ntokens (12 h; send as "Authorization: Bearer …"):');
  for (const [role, token] of tokens) console.log(`  ${role.padEnd(9)}${token}`);
  if (args.values['no-seed']) console.log('  (--no-seed: provision a university with the operator token)');
  console.log('Ctrl-C stops the stack.');
};

await main();
