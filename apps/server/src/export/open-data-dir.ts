import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStorage } from '@readingroom/storage-sqlite';
import { SyncServer, type DocumentStorage, type Logger } from '@readingroom/sync-server';
import { AuditRecorder } from '../audit/audit-recorder';
import { documentAuditHooks } from '../audit/document-audit';
import { SqliteAuditLog } from '../audit/sqlite-audit-log';
import { SqliteCatalog } from '../catalog/sqlite-catalog';
import { CliError } from '../cli/cli-io';
import type { Config } from '../config/config-schema';
import { EncryptedStorage } from '../crypto/encrypted-storage';
import type { KeySource } from '../crypto/encryption-key';
import { openEncryption } from '../crypto/open-encryption';
import { createProjectImageSources } from '../projects/project-image-sources';
import { SqliteProjectStore } from '../projects/sqlite-project-store';
import { SqliteSessionStore } from '../sessions/sqlite-session-store';
import { openSyncAccess } from '../sync-access/open-sync-access';
import type { SyncAccess } from '../sync-access/sync-access';
import { composeHooks } from '../sync-hooks';
import { SqliteUserStore } from '../users/sqlite-user-store';
import { dataDirInUse } from './data-dir-in-use';
import { dataDirImages } from './export-api';
import type { StudyImageSource } from './study-images';

/** What the export and import-labels commands use of a data directory, opened like the server opens it. */
export interface DataDirServices {
  readonly users: SqliteUserStore;
  readonly projects: SqliteProjectStore;
  readonly sessions: SqliteSessionStore;
  readonly images: StudyImageSource;
  /** The audit trail of the directory (this process is its only appender while the command runs). */
  readonly audit: AuditRecorder;
  /** The sync core over the directory's rooms, with the server's accept step and document audit. */
  readonly sync: SyncServer;
  /** The sync door, as the server decides it. */
  readonly access: SyncAccess;
}

/** Errors only, as one line each on stderr; log contexts carry no patient data. */
const stderrLogger = (write: (text: string) => void): Logger => ({
  debug() {},
  info() {},
  warn(_obj, msg) {
    write(`warning: ${msg ?? 'unknown'}\n`);
  },
  error(_obj, msg) {
    write(`error: ${msg ?? 'unknown'}\n`);
  },
});

/**
 * Opens a data directory for a command that writes the audit trail or study documents, runs `fn`
 * and closes everything (rooms are flushed and compacted first). Refuses a directory a running
 * server holds (`dataDirInUse`): use the HTTP API then. No room is loaded unless `fn` writes one
 * (`sync.changeDocument`); reads use `sync.readDocument`, which reads storage.
 */
export async function withDataDir<T>(
  config: Pick<Config, 'dataDir' | 'maxDocumentBytes'> & KeySource,
  stderr: (text: string) => void,
  fn: (services: DataDirServices) => Promise<T>,
): Promise<T> {
  const { dataDir } = config;
  if (!existsSync(join(dataDir, 'readingroom.db'))) throw new CliError(`no Reading Room data in ${dataDir} (no readingroom.db)`);
  if (dataDirInUse(dataDir)) {
    throw new CliError(`a running server holds ${dataDir}: stop it first, or use the HTTP API (GET /api/projects/<id>/export, POST …/import-labels)`);
  }
  const cipher = openEncryption(dataDir, config);
  const logger = stderrLogger(stderr);
  const filename = join(dataDir, 'readingroom.db');
  const closers: (() => unknown)[] = [];
  try {
    const users = SqliteUserStore.open({ filename });
    closers.push(() => users.close());
    const projects = SqliteProjectStore.open({ filename, cipher });
    closers.push(() => projects.close());
    const sessions = SqliteSessionStore.open({ filename });
    closers.push(() => sessions.close());
    const catalog = SqliteCatalog.open({ filename: join(dataDir, 'catalog.db'), cipher });
    closers.push(() => catalog.close());
    const rooms = SqliteStorage.open({ filename: join(dataDir, 'rooms.db') });
    closers.push(() => rooms.close());
    const storage: DocumentStorage = cipher.enabled ? new EncryptedStorage(rooms, cipher) : rooms;
    const auditLog = await SqliteAuditLog.open({ dataDir, cipher });
    closers.push(() => auditLog.close());
    const audit = new AuditRecorder(auditLog, logger);
    closers.push(() => audit.close());
    const syncAccess = openSyncAccess({ dataDir, projects, users, sessions, logger, cipher });
    closers.push(() => syncAccess.close());
    const sync = new SyncServer({
      storage,
      logger,
      limits: { maxDocumentBytes: config.maxDocumentBytes },
      hooks: composeHooks(syncAccess.access.hooks, documentAuditHooks({ sink: audit, logger })),
    });
    // Stores what was written, compacts and unloads every room before storage closes.
    closers.push(() => sync.shutdown());
    const upstream = createProjectImageSources(projects);
    const images = dataDirImages({ catalog, dataDir, cipher, sourceForStudy: (uid, local) => upstream.sourceForStudy(uid, local) });
    return await fn({ users, projects, sessions, images, audit, sync, access: syncAccess.access });
  } finally {
    for (const close of closers.reverse()) await close();
  }
}
