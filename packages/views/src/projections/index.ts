import type { RecordedEvent } from '@app/event-store';
import type { Change, Contribution } from '../changes.ts';
import type { ProjectionEnv } from './env.ts';
import { interviewContribution } from './interview.ts';
import { cohortChanges, contactContribution, memberContribution, tenantContribution } from './people.ts';

export * from './env.ts';
export * from './interview.ts';
export * from './people.ts';

/**
 * How each stream type reaches the views: a small stream contributes as a whole (the
 * projector applies the difference its new events make); a cohort, which grows with its
 * students, event by event.
 */
export type StreamProjection =
  | {
      readonly kind: 'whole';
      readonly contribution: (events: readonly RecordedEvent[], env: ProjectionEnv) => Contribution;
    }
  | { readonly kind: 'each'; readonly changes: (event: RecordedEvent, env: ProjectionEnv) => Change[] };

const whole = <E extends RecordedEvent>(f: (events: readonly E[], env: ProjectionEnv) => Contribution) =>
  ({
    kind: 'whole',
    contribution: f as (events: readonly RecordedEvent[], env: ProjectionEnv) => Contribution,
  }) as const;

export const STREAM_PROJECTIONS: Readonly<Record<string, StreamProjection>> = {
  Tenant: whole(tenantContribution),
  Member: whole(memberContribution),
  Contact: whole(contactContribution),
  Interview: whole(interviewContribution),
  Cohort: { kind: 'each', changes: cohortChanges as (event: RecordedEvent, env: ProjectionEnv) => Change[] },
};
