export * from './catalogDoc.ts';
export * from './compose.ts';
export * from './eventBridge.ts';
export * from './inProcessBus.ts';
export * from './integration.ts';
export * from './publicEvents.ts';
export * from './publisher.ts';
