import { createDeadlineHandler, type DeadlineRef } from '@app/deadlines';
import { DEADLINE_KINDS, type DeadlineKind } from '@app/domain';
import { CommandHandler, EventStore, withoutPersonalData } from '@app/event-store';
import { domainCatalog } from '@app/views';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';

// The deadline handler Lambda: the target of every deadline's one-time schedule. Its input is
// what the reactor armed the schedule with; it sends the deadline's command through the command
// handler, which decides whether it still applies (DESIGN.md §5). Outcomes carry no personal
// data, so it reads and writes without data keys (no access to the master key).

/** The schedule's input, checked: a deadline reference, or an error that says what is wrong. */
export const deadlineOf = (input: unknown): DeadlineRef => {
  const x = (input ?? {}) as Record<string, unknown>;
  const text = (name: string) => {
    const value = x[name];
    if (typeof value !== 'string' || value.length === 0 || value.length > 128) {
      throw new Error(`the schedule's input is not a deadline: ${name} must be a string of 1 to 128 characters`);
    }
    return value;
  };
  const [tenantId, streamId, deadlineId, kind] = [text('tenantId'), text('streamId'), text('deadlineId'), text('kind')];
  if (!(DEADLINE_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`the schedule's input is not a deadline: kind must be one of ${DEADLINE_KINDS.join(', ')}`);
  }
  return { tenantId, streamId, deadlineId, kind: kind as DeadlineKind };
};

export const createHandler = (deps: { client: DynamoDBClient; eventsTable: string; now?: () => Date }) => {
  const store = new EventStore({
    client: deps.client,
    tableName: deps.eventsTable,
    catalog: domainCatalog(),
    keys: withoutPersonalData,
  });
  const fire = createDeadlineHandler({ store, handler: new CommandHandler(store), ...(deps.now && { now: deps.now }) });
  return middy<unknown, { appended: readonly string[] }>().handler(async (input) => fire(deadlineOf(input)));
};
