import { randomUUID } from 'node:crypto';
import { parseTenantId, type TenantId } from '@app/core';
import {
  contactDecider,
  type InterviewContext,
  interviewDecider,
  OUTCOME_OF,
  organizationOf,
  type Policy,
} from '@app/domain';
import { type CommandHandler, type EventStore, newId, streamRef } from '@app/event-store';
import { tenantPolicies } from './policies.ts';
import type { DeadlineRef } from './port.ts';

// The deadline handler (DESIGN.md §5): what a schedule calls when a deadline falls due. It sends
// the deadline's command to the interview through the command handler, and the decider decides
// whether it still applies: a deadline settled or disarmed since (a thank-you sent, a reply
// received) decides nothing. So it is at most once in effect however often it fires, and
// firing late, early by less than a minute, or twice is safe.

/** Who acts when time does. */
export const TIME_ACTOR = { userId: 'system:deadlines', role: 'SYSTEM' } as const;

export interface DeadlineHandlerDeps {
  readonly store: EventStore;
  readonly handler: CommandHandler;
  readonly now?: () => Date;
  /** The tenant's policy now (default: read from its stream). */
  readonly policyOf?: (tenantId: TenantId) => Promise<Policy>;
}

export interface Fired {
  /** What it appended: nothing when the deadline no longer applied. */
  readonly appended: readonly string[];
}

export const createDeadlineHandler = (deps: DeadlineHandlerDeps) => {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const policyOf = deps.policyOf ?? tenantPolicies(store);

  /** The contact's organization, for `SecondContactDue` (the only deadline that names it). */
  const contactOf = async (tenantId: TenantId, contactId: string): Promise<InterviewContext['contact']> => {
    const { events } = await store.load(streamRef(tenantId, 'Contact', contactId));
    const c = events.reduce((s, e) => contactDecider.evolve(s, e as never), contactDecider.initialState);
    if (c.status === 'NONE') return undefined;
    return {
      id: contactId,
      ownerId: c.ownerId,
      status: c.status,
      organization: organizationOf(c.company),
      preferredChannel: c.preferredChannel,
      referrerName: null,
    };
  };

  return async (ref: DeadlineRef): Promise<Fired> => {
    const tenantId = parseTenantId(ref.tenantId);
    const type = OUTCOME_OF[ref.kind];
    const policy = policyOf(tenantId);
    policy.catch(() => {}); // awaited below; a gone stream must not leave it unhandled
    let gone = false;
    const result = await deps.handler
      .handle({
        stream: streamRef(tenantId, 'Interview', ref.streamId),
        decider: interviewDecider,
        commandType: type,
        command: { type, deadlineId: ref.deadlineId },
        authorize: (state) => {
          gone = state.status === 'NONE';
          if (gone) throw new Error('gone');
        },
        context: async (state) => {
          if (state.status === 'NONE') throw new Error('unreachable: authorize refuses a missing stream');
          const contact = type === 'SecondContactDue' ? await contactOf(tenantId, state.contactId) : undefined;
          return {
            now: now().toISOString(),
            policy: await policy,
            studentId: state.studentId,
            newId: (prefix) => newId(`${prefix}_`),
            ...(contact && { contact }),
          };
        },
        actor: TIME_ACTOR,
        correlationId: randomUUID(),
        causationId: `${ref.streamId}/${ref.deadlineId}`,
        // outcomes count for the cohorts the student is in when they are recorded, as its own events do
        stamp: async (state) => ({
          cohorts: state.status === 'NONE' ? [] : await store.guardsIn(tenantId, 'Enrolments', state.studentId),
        }),
      })
      .catch((error: unknown) => {
        if (gone) return null; // an interview that is not there (any more) has no deadlines
        throw error;
      });
    return { appended: result?.events.map((e) => e.type) ?? [] };
  };
};
