export * from './storage';
export { MemoryStorage } from './memory-storage';
export * from './socket';
export * from './logger';
export * from './hooks';
export { SyncServer, type SyncServerOptions, type SyncConnection } from './sync-server';
