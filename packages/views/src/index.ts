export * from './analytics.ts';
export * from './changes.ts';
export * from './keys.ts';
export * from './projections/index.ts';
export * from './projector.ts';
export * from './viewTable.ts';
