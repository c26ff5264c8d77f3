import { defineEvent, type EventOf } from '@app/core';
import * as z from 'zod';

export const CohortCreated = defineEvent('CohortCreated', {
  schema: z.strictObject({ name: z.string().min(1).max(200), term: z.string().max(100).nullable() }),
});
export const CoachAssigned = defineEvent('CoachAssigned', { schema: z.strictObject({ coachId: z.string() }) });
export const CoachUnassigned = defineEvent('CoachUnassigned', { schema: z.strictObject({ coachId: z.string() }) });
export const StudentEnrolled = defineEvent('StudentEnrolled', { schema: z.strictObject({ studentId: z.string() }) });
export const StudentWithdrawn = defineEvent('StudentWithdrawn', { schema: z.strictObject({ studentId: z.string() }) });
export const CohortArchived = defineEvent('CohortArchived', {
  schema: z.strictObject({ reason: z.string().max(500) }),
});

export const COHORT_EVENTS = [
  CohortCreated,
  CoachAssigned,
  CoachUnassigned,
  StudentEnrolled,
  StudentWithdrawn,
  CohortArchived,
];

export type CohortEvent = (
  | EventOf<typeof CohortCreated>
  | EventOf<typeof CoachAssigned>
  | EventOf<typeof CoachUnassigned>
  | EventOf<typeof StudentEnrolled>
  | EventOf<typeof StudentWithdrawn>
  | EventOf<typeof CohortArchived>
) & { readonly occurredAt: string };
