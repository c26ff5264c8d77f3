export * from './interview/outreachLint.ts';
export * from './interview/prepAdvice.ts';
export * from './interview/questionLint.ts';
export * from './policy/days.ts';
export * from './policy/policy.ts';
export * from './rules/rules.ts';
