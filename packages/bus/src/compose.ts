import { DOMAIN_EVENTS } from '@app/domain';
import { EventCatalog, EventStore, type EventStoreOptions, withoutPersonalData } from '@app/event-store';
import type { StreamLogger } from '@app/streams';
import type { IntegrationBus } from './eventBridge.ts';
import { Publisher } from './publisher.ts';

export interface PublisherDeps {
  /** The events table's DynamoDB client (the type the event store takes: this package adds no DynamoDB SDK). */
  readonly client: EventStoreOptions['client'];
  readonly eventsTable: string;
  readonly bus: IntegrationBus;
  readonly logger?: StreamLogger;
}

/**
 * The store the publisher reads with: no data keys, so it needs no access to the master key and
 * every personal field reads as erased (DESIGN.md §8: integration events carry ids only).
 */
export const publisherStore = (deps: Pick<PublisherDeps, 'client' | 'eventsTable'>): EventStore =>
  new EventStore({
    client: deps.client,
    tableName: deps.eventsTable,
    catalog: new EventCatalog(Object.values(DOMAIN_EVENTS).flat()),
    keys: withoutPersonalData,
  });

/** The publisher as the reactor Lambda and the local stream runner both run it. */
export const createPublisher = (deps: PublisherDeps): Publisher =>
  new Publisher({ store: publisherStore(deps), bus: deps.bus, ...(deps.logger && { logger: deps.logger }) });
