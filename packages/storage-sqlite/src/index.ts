export { SqliteStorage, type SqliteStorageOptions, type SqlitePragmas } from './sqlite-storage';
export { SCHEMA_VERSION } from './schema';
