export * from './app.ts';
export * from './auth.ts';
export type { ApiContext, Application, TenantView } from './context.ts';
export * from './devIssuer.ts';
export * from './errors.ts';
export * from './lambda.ts';
export * from './members.ts';
export { schema } from './schema/index.ts';
export * from './server.ts';
