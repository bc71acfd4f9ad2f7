export { SqliteStorage, type SqliteStorageOptions, type SqlitePragmas } from './sqlite-storage';
export { WorkerSqliteStorage } from './worker-sqlite-storage';
export { SCHEMA_VERSION } from './schema';
