export * from './catalog.ts';
export { type Item, streamOf } from './codec.ts';
export * from './commandHandler.ts';
export * from './crypto.ts';
export * from './errors.ts';
export * from './eventStore.ts';
export * from './itemSize.ts';
export * from './keys.ts';
export * from './types.ts';
