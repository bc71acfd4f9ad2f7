import { join } from 'node:path';
import type { Logger } from '@readingroom/sync-server';
import { SqliteCatalog } from '../catalog/sqlite-catalog';
import type { DataCipher } from '../crypto/data-cipher';
import type { ProjectChanges } from '../projects/project-events';
import type { ProjectStore } from '../projects/project-store';
import type { SessionChanges } from '../sessions/session-events';
import type { SessionStore } from '../sessions/session-store';
import type { UserStore } from '../users/user-store';
import { SqliteClientIdRegistry } from './client-id-registry';
import { createSyncAccess, type SyncAccess } from './sync-access';

/** File of the client id bindings, in the data directory. */
export const CLIENT_IDS_FILE = 'sync-access.db';

/**
 * Opens what sync access control reads and writes in a data directory: its own connection to
 * `catalog.db` (image sizes; WAL allows it next to the importer's) and `sync-access.db` (client
 * id bindings). `close` releases both.
 */
export function openSyncAccess(options: {
  readonly dataDir: string;
  readonly projects: ProjectStore;
  readonly users: Pick<UserStore, 'findById'>;
  readonly changes?: ProjectChanges;
  readonly sessions?: Pick<SessionStore, 'get'>;
  readonly sessionChanges?: SessionChanges;
  readonly logger: Logger;
  readonly recheckIntervalMs?: number;
  /** The catalog's encryption at rest, when enabled (see crypto/). */
  readonly cipher?: DataCipher;
}): { access: SyncAccess; close(): Promise<void> } {
  const catalog = SqliteCatalog.open({ filename: join(options.dataDir, 'catalog.db'), ...(options.cipher ? { cipher: options.cipher } : {}) });
  let clientIds: SqliteClientIdRegistry;
  try {
    clientIds = SqliteClientIdRegistry.open({ filename: join(options.dataDir, CLIENT_IDS_FILE) });
  } catch (error) {
    void catalog.close();
    throw error;
  }
  const access = createSyncAccess({ ...options, catalog, clientIds });
  return {
    access,
    async close() {
      clientIds.close();
      await catalog.close();
    },
  };
}
