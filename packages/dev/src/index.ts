export * from './api.ts';
export * from './stack.ts';
