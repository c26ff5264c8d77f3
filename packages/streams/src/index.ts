export * from './attributes.ts';
export { CATCH_UP_PREFIX, readTenantLog } from './catchUp.ts';
export { StreamRecordFailedError } from './delivery.ts';
export * from './lambda.ts';
export * from './localRunner.ts';
export * from './logger.ts';
export { isEventRecord, recordedAtOf } from './records.ts';
export * from './together.ts';
export * from './types.ts';
