export * from './clock.ts';
export * from './givenWhenThen.ts';
export * from './testDb.ts';
