export * from './consumer.ts';
export * from './eventBridgeScheduler.ts';
export * from './handler.ts';
export * from './localScheduler.ts';
export * from './policies.ts';
export * from './port.ts';
