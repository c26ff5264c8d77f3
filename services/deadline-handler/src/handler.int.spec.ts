import { streamRef } from '@app/event-store';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHandler } from './deadlineHandler.ts';

// The deadline handler Lambda as Scheduler invokes it: the input the reactor armed, against
// DynamoDB Local.

describe('the deadline handler Lambda', () => {
  it('sends the due deadline once however often it is invoked, and refuses an input that is no deadline', async () => {
    const w = new World(testDb(), { start: '2026-09-01T09:00:00.000Z' });
    await w.provision();
    const student = await w.member(['STUDENT']);
    const interview = await w.plan(student, await w.contact(student));
    await w.interview(student, interview, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });
    const handler = createHandler({
      client: w.db.client,
      eventsTable: w.db.tables.events,
      now: () => new Date('2026-09-08T09:01:00.000Z'),
    });
    const input = {
      tenantId: w.tenantId,
      streamId: interview,
      deadlineId: 'FOLLOW_UP_DUE-2',
      kind: 'FOLLOW_UP_DUE',
      armedAtVersion: 2,
    };
    const first = await handler(input, {} as Context);
    const second = await handler(input, {} as Context);
    expect(first.appended).toEqual(['FollowUpDue']);
    expect(second.appended).toEqual([]);
    const types = (await w.store.readStream(streamRef(w.tenantId, 'Interview', interview))).map((e) => e.type);
    expect(types.filter((t) => t === 'FollowUpDue')).toHaveLength(1);

    await expect(handler({ ...input, kind: 'SOMETIME' }, {} as Context)).rejects.toThrow(/kind must be one of/);
    await expect(handler({ tenantId: w.tenantId }, {} as Context)).rejects.toThrow(/streamId must be a string/);
  });
});
