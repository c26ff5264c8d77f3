export * from './brand.ts';
export * from './decider.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './ids.ts';
