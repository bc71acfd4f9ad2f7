export * from './storage';
export { MemoryStorage } from './memory-storage';
export * from './socket';
export * from './logger';
export * from './hooks';
export type { AwarenessEntry } from './awareness-guard';
export { SyncServer, type SyncServerOptions, type SyncConnection } from './sync-server';
export { assertValidUpdate, assertValidCompaction } from './storage-checks';
