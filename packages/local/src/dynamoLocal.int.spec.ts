import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tableNames } from '@app/tables';
import { GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startDynamoLocal } from './dynamoLocal.ts';
import { createTables } from './tables.ts';

const listening = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });

const waitFor = async (check: () => Promise<boolean>, ms: number) => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return false;
};

describe('DynamoDB Local', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ddb-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('keeps a persisted database across a restart, and frees its port when stopped', async () => {
    const tables = tableNames('persisted_');
    const first = await startDynamoLocal({ dbPath: folder });
    await createTables(first.client(), tables);
    await first
      .client()
      .send(new PutItemCommand({ TableName: tables.events, Item: { pk: { S: 'kept' }, sk: { N: '1' } } }));
    await first.stop();
    expect(await listening(first.port)).toBe(false);

    const second = await startDynamoLocal({ dbPath: folder });
    try {
      const { TableNames } = await second.client().send(new ListTablesCommand({}));
      expect(TableNames).toEqual(expect.arrayContaining([tables.events, tables.views]));
      const { Item } = await second
        .client()
        .send(new GetItemCommand({ TableName: tables.events, Key: { pk: { S: 'kept' }, sk: { N: '1' } } }));
      expect(Item?.pk?.S).toBe('kept');
    } finally {
      await second.stop();
    }
  });

  it('stops when the process that started it dies without cleaning up', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, 'fixtures/startAndWait.ts')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const { port } = await new Promise<{ port: number }>((done, fail) => {
      child.stdout.once('data', (chunk: Buffer) => done(JSON.parse(chunk.toString())));
      child.once('exit', (code) => fail(new Error(`the child exited early (${code})`)));
    });
    expect(await listening(port)).toBe(true);
    child.kill('SIGKILL');
    expect(await waitFor(async () => !(await listening(port)), 10_000)).toBe(true);
  });

  it('says what is missing when Java is not installed', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startDynamoLocal()).rejects.toThrow(/Java was not found: DynamoDB Local needs Java 17/);
    } finally {
      process.env.PATH = path;
    }
  });
});
