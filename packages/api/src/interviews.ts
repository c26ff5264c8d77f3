import type { Advice, TenantId } from '@app/core';
import {
  type ActiveInterview,
  COMMANDS_READING_CONTACT,
  contactDecider,
  type InterviewCommand,
  type InterviewContext,
  type InterviewEvent,
  interviewDecider,
  organizationOf,
  type Policy,
  prepAdvice,
} from '@app/domain';
import { type EventStore, newId, type RecordedEvent, streamRef } from '@app/event-store';
import type { Caller } from './auth.ts';
import type { Commands } from './commands.ts';
import { apiError } from './errors.ts';
import { stateOf } from './state.ts';

// The interview commands as the API sends them: the decision context read from the streams it
// names (the tenant's policy, the contact), and the interview read back from the store.

/** An interview as its student sees it, with what the API adds: its id, events and advice. */
export interface InterviewView extends ActiveInterview {
  readonly id: string;
  readonly events: readonly RecordedEvent<InterviewEvent>[];
  /** Preparation advice while the meeting is ahead; nothing after. */
  readonly advice: readonly Advice[];
}

const BEFORE_MEETING = new Set(['PLANNED', 'AWAITING_REPLY', 'ACCEPTED', 'SCHEDULED']);

export class Interviews {
  constructor(
    private readonly store: EventStore,
    private readonly commands: Commands,
    private readonly now: () => string,
    /** Whether the caller may read what this student owns (the student, an admin, one of its coaches). */
    private readonly mayRead: (caller: Caller, studentId: string) => Promise<boolean> = async (caller, studentId) =>
      caller.userId === studentId,
  ) {}

  /** Each request's callers, with the tenant's policy as that request first read it. */
  private readonly policies = new WeakMap<Caller, Promise<Policy>>();

  /**
   * The tenant's policy, read once per request (a page of interviews shares it) from the tenant
   * read that `Commands.send` checks for suspension, so an interview write reads the tenant once.
   */
  private policy(caller: Caller): Promise<Policy> {
    let policy = this.policies.get(caller);
    if (!policy) {
      policy = this.commands.tenant(caller).then((tenant) => {
        if (tenant.status === 'NONE') throw apiError('FORBIDDEN', 'this tenant is not provisioned');
        return tenant.policy;
      });
      policy.catch(() => {}); // awaited by each reader; one unread must not go unhandled
      this.policies.set(caller, policy);
    }
    return policy;
  }

  private view(
    id: string,
    events: readonly RecordedEvent<InterviewEvent>[],
    policy: Policy | null,
  ): InterviewView | null {
    const state = events.reduce(
      (s, e) => interviewDecider.evolve(s, e as never),
      interviewDecider.initialState as ReturnType<typeof interviewDecider.evolve>,
    );
    if (state.status === 'NONE') return null;
    const advice = policy && BEFORE_MEETING.has(state.status) ? prepAdvice(state, policy) : [];
    return { ...state, id, events, advice };
  }

  /** An interview the caller may see, or `null` (another student's and another tenant's alike). */
  async get(caller: Caller, id: string): Promise<InterviewView | null> {
    const tenantId = caller.tenantId;
    if (tenantId === null || !id.startsWith('int_')) return null;
    const policy = this.policy(caller);
    const { events } = await this.store.load(streamRef(tenantId, 'Interview', id));
    const first = events[0] as RecordedEvent<InterviewEvent> | undefined;
    const studentId = (first?.data as { studentId?: string } | undefined)?.studentId;
    if (!studentId || !(await this.mayRead(caller, studentId))) return null;
    return this.view(id, events as RecordedEvent<InterviewEvent>[], await policy);
  }

  /** Sends a command for the caller's interview (`id`), or plans a new one (no `id`). */
  async send(
    caller: Caller,
    id: string | null,
    command: InterviewCommand,
    options: { idempotencyKey?: string | null | undefined; expectedVersion?: number | null | undefined },
  ): Promise<{ interview: InterviewView; advice: readonly Advice[] }> {
    const tenantId = caller.tenantId;
    if (tenantId === null) throw apiError('FORBIDDEN', 'the operator acts on tenants, not inside one');
    // read beside the interview's load, not after it
    const policy = this.policy(caller);
    const result = await this.commands.send({
      caller,
      stream: id === null ? { type: 'Interview', create: 'int_' } : { type: 'Interview', id },
      decider: interviewDecider,
      command,
      // only its student writes an interview; anyone else's id reads as missing, answered before
      // a repeated key or a stale version could tell that it exists
      authorize: (state) => {
        if (id !== null && (state.status === 'NONE' || state.studentId !== caller.userId)) {
          throw apiError('NOT_FOUND', `no interview ${id}`);
        }
      },
      context: async (state): Promise<InterviewContext> => {
        const contactId =
          command.type === 'PlanInterview' ? command.contactId : state.status === 'NONE' ? null : state.contactId;
        const contact =
          contactId && COMMANDS_READING_CONTACT.has(command.type) ? await this.contact(tenantId, contactId) : undefined;
        // another student's contact, another tenant's and one that does not exist answer alike
        if (command.type === 'PlanInterview' && contact?.ownerId !== caller.userId) {
          throw apiError('NOT_FOUND', `no contact ${command.contactId}`, { field: 'contactId' });
        }
        return {
          now: this.now(),
          policy: await policy,
          studentId: caller.userId,
          newId: (prefix) => newId(`${prefix}_`),
          ...(contact && { contact }),
        };
      },
      idempotencyKey: options.idempotencyKey,
      expectedVersion: options.expectedVersion,
    });
    const events = result.history ?? (await this.store.load(streamRef(tenantId, 'Interview', result.id))).events;
    const interview = this.view(result.id, events as RecordedEvent<InterviewEvent>[], await policy);
    if (!interview) throw new Error(`interview ${result.id} folds to nothing after a command`);
    return { interview, advice: result.advice };
  }

  /** The contact as the decider needs it (its owner is checked there), or nothing when there is none. */
  private async contact(tenantId: TenantId, contactId: string): Promise<InterviewContext['contact']> {
    if (!contactId.startsWith('con_')) return undefined;
    const c = await stateOf(this.store, streamRef(tenantId, 'Contact', contactId), contactDecider);
    if (c.status === 'NONE') return undefined;
    const referrer = c.referredByContactId
      ? await stateOf(this.store, streamRef(tenantId, 'Contact', c.referredByContactId), contactDecider)
      : null;
    return {
      id: contactId,
      ownerId: c.ownerId,
      status: c.status,
      organization: c.company ? organizationOf(c.company) : null,
      preferredChannel: c.preferredChannel,
      referrerName: referrer && referrer.status !== 'NONE' ? referrer.name : null,
    };
  }
}
