export * from './consumer.ts';
export * from './handler.ts';
export * from './localScheduler.ts';
export * from './port.ts';
