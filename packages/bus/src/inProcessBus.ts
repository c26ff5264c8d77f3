import { randomUUID } from 'node:crypto';
import type { IntegrationBus } from './eventBridge.ts';
import type { IntegrationDetail, IntegrationEvent } from './integration.ts';

// The local twin of the EventBridge bus (DESIGN.md §2): the same integration events, delivered
// to subscribers in the shape an EventBridge rule hands its targets, so a handler written for a
// rule's target runs here unchanged. As on EventBridge, a subscriber that fails does not fail
// the publisher: its error is reported and delivery goes on.

/** An event as an EventBridge rule delivers it to a target. */
export interface DeliveredEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  /** To the second, as EventBridge writes it. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: IntegrationDetail;
}

export type Subscriber = (event: DeliveredEvent) => void | Promise<void>;

export interface InProcessBusOptions {
  /** Told about a subscriber that threw (default: the console, with ids only). */
  readonly onError?: (error: unknown, event: DeliveredEvent, pattern: string) => void;
  readonly account?: string;
  readonly region?: string;
}

/**
 * A detail-type pattern as a matcher: `*` stands for any characters, as in EventBridge's
 * `wildcard` filter (`Interview.*` every interview event, `*.v1` every first version).
 */
export const detailTypeMatcher = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

const secondsOnly = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class InProcessBus implements IntegrationBus {
  /** Every integration event published, in order: for tests and the dev server. */
  readonly published: IntegrationEvent[] = [];
  private readonly subscriptions: { pattern: string; matches: RegExp; subscriber: Subscriber }[] = [];
  private readonly onError: NonNullable<InProcessBusOptions['onError']>;
  private readonly account: string;
  private readonly region: string;

  constructor(options: InProcessBusOptions = {}) {
    this.onError =
      options.onError ??
      ((error, event, pattern) =>
        console.error('in-process bus: a subscriber failed', {
          pattern,
          detailType: event['detail-type'],
          eventId: event.detail.eventId,
          error: error instanceof Error ? error.name : 'Error',
        }));
    this.account = options.account ?? '000000000000';
    this.region = options.region ?? 'local';
  }

  /** Calls `subscriber` with every event whose detail-type matches `pattern`; answers how to stop. */
  subscribe(pattern: string, subscriber: Subscriber): () => void {
    const subscription = { pattern, matches: detailTypeMatcher(pattern), subscriber };
    this.subscriptions.push(subscription);
    return () => {
      const at = this.subscriptions.indexOf(subscription);
      if (at >= 0) this.subscriptions.splice(at, 1);
    };
  }

  /** Delivers each event, in order, to each matching subscriber in turn. */
  async publish(events: readonly IntegrationEvent[]): Promise<void> {
    for (const event of events) {
      this.published.push(event);
      // one EventBridge id per event, the same for every target, as EventBridge does
      const id = randomUUID();
      const matching = this.subscriptions.filter((s) => s.matches.test(event.detailType));
      for (const { pattern, subscriber } of matching) {
        const delivered = this.deliver(event, id);
        try {
          await subscriber(delivered);
        } catch (error) {
          this.onError(error, delivered, pattern);
        }
      }
    }
  }

  /** A fresh copy per target, through JSON as on the wire: no subscriber can change what another sees. */
  private deliver(event: IntegrationEvent, id: string): DeliveredEvent {
    return {
      version: '0',
      id,
      'detail-type': event.detailType,
      source: event.source,
      account: this.account,
      time: secondsOnly(event.detail.recordedAt),
      region: this.region,
      resources: [],
      detail: JSON.parse(JSON.stringify(event.detail)) as IntegrationDetail,
    };
  }
}
