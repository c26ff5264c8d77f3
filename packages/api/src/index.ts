export * from './auth.ts';
export * from './devIssuer.ts';
export * from './members.ts';
