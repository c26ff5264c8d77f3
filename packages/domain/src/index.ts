export * from './catalog.ts';
export * from './cohort/decider.ts';
export * from './cohort/events.ts';
export * from './contact/decider.ts';
export * from './contact/events.ts';
export * from './errors.ts';
export * from './input.ts';
export * from './interview/commands.ts';
export * from './interview/decider.ts';
export * from './interview/events.ts';
export * from './interview/outreachLint.ts';
export * from './interview/prepAdvice.ts';
export * from './interview/questionLint.ts';
export {
  type ActiveInterview,
  type Commitment,
  type Deadline,
  type InterviewState,
  interviewDeadlines,
  type Question,
} from './interview/state.ts';
export * from './member/decider.ts';
export * from './member/events.ts';
export * from './policy/days.ts';
export * from './policy/policy.ts';
export * from './rules/rules.ts';
export * from './tenant/decider.ts';
export * from './tenant/events.ts';
export * from './time.ts';
