import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { serve } from '@hono/node-server';
import { Registry } from 'prom-client';
import { WorkerSqliteStorage } from '@readingroom/storage-sqlite';
import { SyncServer, type DocumentStorage, type Logger } from '@readingroom/sync-server';
import { catalogImageKeys } from './agreement/study-image-keys';
import { AuditRecorder } from './audit/audit-recorder';
import { documentAuditHooks } from './audit/document-audit';
import { loginAuditListener } from './audit/http-audit';
import { SqliteAuditLog } from './audit/sqlite-audit-log';
import { createAuthServices, openAuthStores, type AuthStores } from './auth/auth-services';
import type { LoginListener } from './auth/login-event';
import { createTokenService } from './auth/tokens';
import type { Config, ConfigInput } from './config/config-schema';
import { parseConfig } from './config/load-config';
import { EncryptedStorage } from './crypto/encrypted-storage';
import { openEncryption } from './crypto/open-encryption';
import { resolveTokenSecret } from './config/token-secret';
import { openImageServices, type ImageServiceDeps } from './dicomweb/image-services';
import { dataDirImages } from './export/export-api';
import { createApp } from './http/create-app';
import { defaultWebRoot } from './http/static-web';
import { createLogger } from './logger';
import { createSyncLimits } from './limits/sync-limits';
import { createMetrics } from './metrics/create-metrics';
import { SqliteProjectStore } from './projects/sqlite-project-store';
import { createProjectAccess } from './projects/project-access';
import { createProjectImageSources } from './projects/project-image-sources';
import { importProjectLinks } from './projects/import-project-links';
import { withProjectEvents } from './projects/project-events';
import { withSessionEvents } from './sessions/session-events';
import { SqliteSessionStore } from './sessions/sqlite-session-store';
import { openSyncAccess } from './sync-access/open-sync-access';
import { bootstrapAdmin } from './users/bootstrap-admin';
import { SqliteUserStore } from './users/sqlite-user-store';
import { composeHooks } from './sync-hooks';
import { createOriginCheck } from './tls/allowed-origins';
import { loadTls } from './tls/load-tls';
import { attachSyncUpgrade } from './ws/attach-sync-upgrade';

/** Adapters and outputs that tests (or other deployments) may replace. */
export interface ServerDeps {
  readonly logger?: Logger;
  /** Opens document storage; defaults to SQLite at `<dataDir>/rooms.db`. */
  readonly openStorage?: (config: Config) => DocumentStorage | Promise<DocumentStorage>;
  /** Receives the one-time message with a generated admin password; defaults to stdout. */
  readonly announce?: (message: string) => void;
  /** Folder of the built web client; defaults to `apps/web/dist` when built, null to serve none. */
  readonly webRoot?: string | null;
  /** Study access, image sources and project linking for /dicomweb and /api/import. */
  readonly images?: ImageServiceDeps;
  /** Told of every login attempt (after the audit log). */
  readonly onLogin?: LoginListener;
}

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly port: number;
  /** The sync core, for inspection (room and connection counts). */
  readonly sync: SyncServer;
  /** Stops accepting, flushes and closes every room (1012), then closes storage. Idempotent. */
  close(): Promise<void>;
}

// In a worker thread, so commits (fsync) do not stall the event loop that relays edits.
const openSqliteStorage = (config: Config) => WorkerSqliteStorage.open({ filename: join(config.dataDir, 'rooms.db') });

/**
 * Wires storage, users, tokens, the sync core, HTTP and WebSocket, and listens. `port: 0`
 * picks a free port. Signals are the CLI's business, not this function's.
 */
export async function startServer(input: ConfigInput, deps: ServerDeps = {}): Promise<RunningServer> {
  const config = parseConfig(input);
  const logger = deps.logger ?? createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // Before any database is opened: refuses an encrypted directory without its key (or a wrong one).
  const cipher = openEncryption(config.dataDir, config);
  const tls = loadTls(config);

  const tokenSecret = resolveTokenSecret(config.dataDir, config.tokenSecret);
  const users = SqliteUserStore.open({ filename: join(config.dataDir, 'readingroom.db') });
  let projects: SqliteProjectStore | undefined;
  let readingSessions: SqliteSessionStore | undefined;
  let storage: DocumentStorage | undefined;
  let auditLog: SqliteAuditLog | undefined;
  let authStores: AuthStores | undefined;
  try {
    projects = SqliteProjectStore.open({ filename: join(config.dataDir, 'readingroom.db'), cipher });
    readingSessions = SqliteSessionStore.open({ filename: join(config.dataDir, 'readingroom.db') });
    authStores = openAuthStores(config);
    await bootstrapAdmin(users, config.adminPassword, deps.announce ?? ((m) => process.stdout.write(m)));
    auditLog = await SqliteAuditLog.open({ dataDir: config.dataDir, cipher });
    const plainStorage = await (deps.openStorage ?? openSqliteStorage)(config);
    storage = cipher.enabled ? new EncryptedStorage(plainStorage, cipher) : plainStorage;
  } catch (error) {
    await auditLog?.close();
    await authStores?.close();
    await readingSessions?.close();
    await projects?.close();
    await users.close();
    throw error;
  }

  // Project writes through this process are announced, so sync access reacts to them at once.
  const { store: observedProjects, changes: projectChanges } = withProjectEvents(projects);
  // Reading-session writes too: a submitted read or a new phase re-decides open connections at once.
  const { store: observedSessions, changes: sessionChanges } = withSessionEvents(readingSessions);
  const syncAccess = openSyncAccess({
    dataDir: config.dataDir,
    projects: observedProjects,
    users,
    changes: projectChanges,
    sessions: observedSessions,
    sessionChanges,
    logger,
    cipher,
  });

  const registry = new Registry();
  // Audit events (document updates, logins, memberships) are batched into <dataDir>/audit.db.
  const auditRecorder = new AuditRecorder(auditLog, logger);
  const sync = new SyncServer({
    storage,
    logger,
    metrics: createMetrics(registry),
    limits: { maxBufferedBytes: config.maxBufferedBytes, maxDocumentBytes: config.maxDocumentBytes },
    hooks: composeHooks(syncAccess.access.hooks, documentAuditHooks({ sink: auditRecorder, logger })),
    // A refused sender gets the room's full state back (stock clients keep the refused change).
    resyncAfterRefusal: true,
  });
  const stopAccessWatch = syncAccess.access.watch(sync);
  const tokens = createTokenService({ secret: tokenSecret, ttlSeconds: config.tokenTtl });
  // Revocation, token generations, OIDC, login throttling; logout closes the token's sockets.
  const auth = createAuthServices(config, { stores: authStores, tokens, users, projects: observedProjects, sync, logger });
  const authenticate = auth.authenticate;
  const imageSources = createProjectImageSources(projects);
  const images = openImageServices({
    dataDir: config.dataDir,
    maxImportBytes: config.maxImportBytes,
    authenticate,
    cipher,
    deps: {
      access: createProjectAccess(observedProjects),
      projects: importProjectLinks(observedProjects, 'import'),
      sourceForStudy: (uid, local) => imageSources.sourceForStudy(uid, local),
      extraSearchSources: [imageSources.upstreamSearch],
      ...deps.images,
    },
  });

  let state: 'running' | 'stopping' | 'stopped' = 'running';
  const auditLogin = loginAuditListener(auditRecorder);
  const app = createApp({
    users,
    projects: observedProjects,
    tokens,
    authenticate,
    registry,
    logger,
    isReady: () => state === 'running',
    webRoot: deps.webRoot === undefined ? defaultWebRoot() : deps.webRoot,
    images: images.routes,
    imageSources,
    audit: { log: auditLog, recorder: auditRecorder },
    onLogin: (event) => {
      auditLogin(event);
      deps.onLogin?.(event);
    },
    sessions: auth.sessions,
    loginLimiter: auth.loginLimiter,
    readingSessions: observedSessions,
    // Comments and votes over HTTP: the sync door decides who may open the document, and the
    // write goes through the sync core as the caller (accept step, storage, broadcast, audit).
    discussion: { authorize: (user, room) => syncAccess.access.authorize(user, room), documents: sync },
    // Reports read documents without loading rooms, and count images in the local catalog.
    agreement: { documents: sync, imageKeys: catalogImageKeys(images.catalog) },
    // Label exports read documents like reports; label imports write through the sync door as the
    // reader (or a model id) like discussion. Images: the catalog, else the project's upstream.
    exports: {
      documents: sync,
      authorize: (user, room) => syncAccess.access.authorize(user, room),
      images: dataDirImages({ catalog: images.catalog, dataDir: config.dataDir, cipher, sourceForStudy: (uid, local) => imageSources.sourceForStudy(uid, local) }),
      maxImportBytes: config.maxImportBytes,
    },
  });

  const listen = { fetch: app.fetch, port: config.port, hostname: config.host };
  const server = (tls ? serve({ ...listen, createServer: createHttpsServer, serverOptions: { ...tls } }) : serve(listen)) as Server;
  const upgrade = attachSyncUpgrade({
    server,
    sync,
    authenticate,
    logger,
    maxMessageBytes: config.maxMessageBytes,
    pingIntervalMs: config.pingIntervalMs,
    isAccepting: () => state === 'running',
    isOriginAllowed: createOriginCheck(config.allowedOrigins),
    limits: createSyncLimits(config),
    authorize: (user, room) => syncAccess.access.authorize(user, room),
  });
  server.on('clientError', (err, socket) => {
    logger.debug({ err: { message: err.message } }, 'http client error');
    socket.destroy();
  });

  try {
    await new Promise<void>((resolve, reject) => {
      if (server.listening) return resolve();
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    await upgrade.close(0);
    stopAccessWatch();
    await syncAccess.close();
    auth.stop();
    await authStores.close();
    await storage.close();
    await auditRecorder.close();
    await auditLog.close();
    await images.close();
    await readingSessions.close();
    await projects.close();
    await users.close();
    throw error;
  }

  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ port, host: config.host, dataDir: config.dataDir }, 'server listening');

  let closing: Promise<void> | undefined;
  const openStorage = storage;
  const openAuditLog = auditLog;
  const openAuthDb = authStores;
  const openSessions = readingSessions;
  const close = () =>
    (closing ??= (async () => {
      state = 'stopping';
      logger.info({}, 'server stopping');
      auth.stop();
      stopAccessWatch();
      const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await sync.shutdown(1012, 'server restarting');
      await upgrade.close();
      server.closeAllConnections();
      await httpClosed;
      await openStorage.close();
      await auditRecorder.close();
      await openAuditLog.close();
      await images.close();
      await syncAccess.close();
      await openAuthDb.close();
      await openSessions.close();
      await projects.close();
      await users.close();
      state = 'stopped';
      logger.info({}, 'server stopped');
    })());

  return { url, port, sync, close };
}
