export * from './dynamoLocal.ts';
export * from './tables.ts';
