import { contactDecider, tenantDecider } from '@app/domain';
import { type CommandHandler, type EventStore, streamRef } from '@app/event-store';
import type { Caller } from './auth.ts';
import { Commands } from './commands.ts';
import type { Application, ContactView, TenantView } from './context.ts';
import { Interviews } from './interviews.ts';
import { type Identities, localIdentities, People } from './people.ts';
import { stateOf } from './state.ts';

/** The application functions resolvers call, on the event store (reads of one's own writes come from there). */
export const storeApplication = (
  store: EventStore,
  handler: CommandHandler,
  clock: () => Date = () => new Date(),
  identities: Identities = localIdentities,
): Application => {
  const commands = new Commands(store, handler);
  const now = () => clock().toISOString();

  const contact = async (caller: Caller, id: string): Promise<ContactView | null> => {
    if (caller.tenantId === null || !id.startsWith('con_')) return null;
    const state = await stateOf(store, streamRef(caller.tenantId, 'Contact', id), contactDecider);
    // A student's contacts are theirs alone (DESIGN.md §7): anyone else's read as not there.
    return state.status !== 'NONE' && state.ownerId === caller.userId ? { ...state, id } : null;
  };

  return {
    interviews: new Interviews(store, commands, now),
    people: new People(store, commands, identities, now),
    async tenant(caller: Caller): Promise<TenantView | null> {
      if (caller.tenantId === null) return null;
      const state = await stateOf(store, streamRef(caller.tenantId, 'Tenant', caller.tenantId), tenantDecider);
      return state.status === 'NONE' ? null : { ...state, id: caller.tenantId };
    },
    contacts: {
      get: contact,
      async add(caller, input) {
        const referrer = input.referredByContactId ? await contact(caller, input.referredByContactId) : null;
        const result = await commands.send({
          caller,
          stream: { type: 'Contact', create: 'con_' },
          decider: contactDecider,
          command: {
            type: 'AddContact',
            name: input.name,
            source: input.source,
            ...(input.title !== undefined && { title: input.title }),
            ...(input.company !== undefined && { company: input.company }),
            ...(input.industry !== undefined && { industry: input.industry }),
            ...(input.email !== undefined && { email: input.email }),
            ...(input.referredByContactId && { referredByContactId: input.referredByContactId }),
          },
          context: () => ({
            now: now(),
            studentId: caller.userId,
            referrer: referrer && { ownerId: referrer.ownerId },
          }),
          idempotencyKey: input.idempotencyKey,
        });
        const state = result.state;
        if (state.status === 'NONE') throw new Error('a contact was added but its stream folds to nothing');
        return { contact: { ...state, id: result.id }, advice: result.advice };
      },
    },
  };
};
