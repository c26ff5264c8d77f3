import type { Policy } from '@app/domain';
import { builder } from '../builder.ts';
import type { TenantView } from '../context.ts';

const PolicyPreset = builder.enumType('PolicyPreset', { values: ['SEED_ARTICLES', 'TWO_HOUR_JOB_SEARCH'] as const });
const DayCounting = builder.enumType('DayCounting', { values: ['CALENDAR', 'BUSINESS'] as const });
const TenantStatus = builder.enumType('TenantStatus', { values: ['ACTIVE', 'SUSPENDED'] as const });

const INT_FIELDS = [
  'followUpAfterDays',
  'maxFollowUps',
  'minQuestions',
  'maxQuestions',
  'minMeetingMinutes',
  'maxMeetingMinutes',
  'thankYouWithinHours',
  'keepInTouchEveryDays',
  'prepReminderHours',
  'commitmentDefaultDays',
  'notesWithinHours',
  'maxOutreachWords',
  'minProposedTimes',
  'meetingWithinDays',
  'maxOpenRequestsPerContact',
] as const satisfies readonly (keyof Policy)[];

const TenantPolicy = builder.objectRef<Policy>('TenantPolicy').implement({
  description: "The rules a university runs its students' networking by (RULES.md defaults, or a preset).",
  fields: (t) => ({
    preset: t.field({ type: PolicyPreset, resolve: (p) => p.preset }),
    version: t.exposeInt('version'),
    dayCounting: t.field({ type: DayCounting, resolve: (p) => p.dayCounting }),
    timeZone: t.exposeString('timeZone'),
    holidays: t.field({ type: ['Date'], resolve: (p) => [...p.holidays] }),
    secondContactAfterDays: t.int({ nullable: true, resolve: (p) => p.secondContactAfterDays }),
    ...Object.fromEntries(INT_FIELDS.map((name) => [name, t.exposeInt(name)])),
  }),
});

export const Tenant = builder.objectRef<TenantView>('Tenant').implement({
  description: 'A university.',
  interfaces: [builder.nodeInterfaceRef()],
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    slug: t.exposeString('slug'),
    status: t.field({ type: TenantStatus, resolve: (x) => x.status }),
    policy: t.field({ type: TenantPolicy, resolve: (x) => x.policy }),
    createdAt: t.field({ type: 'DateTime', resolve: (x) => x.createdAt }),
  }),
});
