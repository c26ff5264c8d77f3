export * from './auth.ts';
export * from './devIssuer.ts';
export * from './errors.ts';
export * from './members.ts';
