import type { TenantId } from '@app/core';
import { InvalidInputError } from '@app/domain';
import type { EventStore } from '@app/event-store';
import { type CohortAnalytics, ViewReader } from './analytics.ts';
import type { ViewKey } from './changes.ts';
import { replayTenant } from './replay.ts';
import { MemoryViews } from './sinks.ts';

// Time travel: a cohort as it stood at an instant, computed by replaying the tenant's log up
// to it into views held in memory (only those analytics reads), with the same projections the
// live views use. No product in this field shows a coach the cohort as it stood in week 6.

const ANALYTICS_VIEWS = ['#CohortDaily#', '#CohortMembers#', '#StudentProgress#'];
const readByAnalytics = (key: ViewKey) => ANALYTICS_VIEWS.some((part) => key.pk.includes(part));

/** `CohortAnalytics` from the events recorded up to `asOf`; students at risk are judged at `asOf`. */
export const cohortAnalyticsAsOf = async (options: {
  readonly store: EventStore;
  readonly tenantId: TenantId;
  readonly cohortId: string;
  readonly from: string;
  readonly to: string;
  readonly asOf: string;
  readonly now: string;
}): Promise<CohortAnalytics> => {
  const asOfMs = Date.parse(options.asOf);
  if (!/^\d{4}-\d\d-\d\dT/.test(options.asOf) || Number.isNaN(asOfMs)) {
    throw new InvalidInputError('asOf', `"${options.asOf}" is not an ISO 8601 instant`);
  }
  if (asOfMs > Date.parse(options.now)) throw new InvalidInputError('asOf', 'lies in the future');
  const asOf = new Date(asOfMs).toISOString();
  const scope = { tenantId: options.tenantId, generation: 0 };
  const memory = new MemoryViews(readByAnalytics);
  await replayTenant({ store: options.store, tenantId: options.tenantId, scope, upTo: asOf, sink: memory });
  return new ViewReader(memory).cohortAnalytics(scope, options.cohortId, {
    from: options.from,
    to: options.to,
    now: asOf,
  });
};
