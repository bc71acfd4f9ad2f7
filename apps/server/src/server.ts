import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Registry } from 'prom-client';
import { SqliteStorage } from '@readingroom/storage-sqlite';
import { SyncServer, type DocumentStorage, type Logger } from '@readingroom/sync-server';
import { createAuthenticate } from './auth/authenticate';
import { createTokenService } from './auth/tokens';
import type { Config, ConfigInput } from './config/config-schema';
import { parseConfig } from './config/load-config';
import { resolveTokenSecret } from './config/token-secret';
import { openImageServices, type ImageServiceDeps } from './dicomweb/image-services';
import { createApp } from './http/create-app';
import { defaultWebRoot } from './http/static-web';
import { createLogger } from './logger';
import { createMetrics } from './metrics/create-metrics';
import { SqliteProjectStore } from './projects/sqlite-project-store';
import { createProjectAccess } from './projects/project-access';
import { createProjectImageSources } from './projects/project-image-sources';
import { importProjectLinks } from './projects/import-project-links';
import { bootstrapAdmin } from './users/bootstrap-admin';
import { SqliteUserStore } from './users/sqlite-user-store';
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

const openSqliteStorage = (config: Config) => SqliteStorage.open({ filename: join(config.dataDir, 'rooms.db') });

/**
 * Wires storage, users, tokens, the sync core, HTTP and WebSocket, and listens. `port: 0`
 * picks a free port. Signals are the CLI's business, not this function's.
 */
export async function startServer(input: ConfigInput, deps: ServerDeps = {}): Promise<RunningServer> {
  const config = parseConfig(input);
  const logger = deps.logger ?? createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });

  const tokenSecret = resolveTokenSecret(config.dataDir, config.tokenSecret);
  const users = SqliteUserStore.open({ filename: join(config.dataDir, 'readingroom.db') });
  let projects: SqliteProjectStore | undefined;
  let storage: DocumentStorage | undefined;
  try {
    projects = SqliteProjectStore.open({ filename: join(config.dataDir, 'readingroom.db') });
    await bootstrapAdmin(users, config.adminPassword, deps.announce ?? ((m) => process.stdout.write(m)));
    storage = await (deps.openStorage ?? openSqliteStorage)(config);
  } catch (error) {
    await projects?.close();
    await users.close();
    throw error;
  }

  const registry = new Registry();
  const sync = new SyncServer({ storage, logger, metrics: createMetrics(registry) });
  const tokens = createTokenService({ secret: tokenSecret, ttlSeconds: config.tokenTtl });
  const authenticate = createAuthenticate(tokens, users);
  const imageSources = createProjectImageSources(projects);
  const images = openImageServices({
    dataDir: config.dataDir,
    maxImportBytes: config.maxImportBytes,
    authenticate,
    deps: {
      access: createProjectAccess(projects),
      projects: importProjectLinks(projects, 'import'),
      sourceForStudy: (uid, local) => imageSources.sourceForStudy(uid, local),
      extraSearchSources: [imageSources.upstreamSearch],
      ...deps.images,
    },
  });

  let state: 'running' | 'stopping' | 'stopped' = 'running';
  const app = createApp({
    users,
    projects,
    tokens,
    authenticate,
    registry,
    logger,
    isReady: () => state === 'running',
    webRoot: deps.webRoot === undefined ? defaultWebRoot() : deps.webRoot,
    images: images.routes,
    imageSources,
  });

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }) as Server;
  const upgrade = attachSyncUpgrade({
    server,
    sync,
    authenticate,
    logger,
    maxMessageBytes: config.maxMessageBytes,
    pingIntervalMs: config.pingIntervalMs,
    isAccepting: () => state === 'running',
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
    await storage.close();
    await images.close();
    await projects.close();
    await users.close();
    throw error;
  }

  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ port, host: config.host, dataDir: config.dataDir }, 'server listening');

  let closing: Promise<void> | undefined;
  const openStorage = storage;
  const close = () =>
    (closing ??= (async () => {
      state = 'stopping';
      logger.info({}, 'server stopping');
      const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await sync.shutdown(1012, 'server restarting');
      await upgrade.close();
      server.closeAllConnections();
      await httpClosed;
      await openStorage.close();
      await images.close();
      await projects.close();
      await users.close();
      state = 'stopped';
      logger.info({}, 'server stopped');
    })());

  return { url, port, sync, close };
}
