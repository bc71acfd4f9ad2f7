import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { Registry } from 'prom-client';
import type { Logger } from '@readingroom/sync-server';
import { projectAgreementRoutes, STUDIES_BASE, studyAgreementRoutes } from '../agreement/agreement-routes';
import { createAgreementService } from '../agreement/agreement-service';
import type { ImageKeySource } from '../agreement/study-image-keys';
import type { DocumentReader } from '../agreement/study-reads';
import { memoryAudit, type AppAudit } from '../audit/app-audit';
import { AUDIT_BASE, auditRoutes } from '../audit/audit-routes';
import { logoutAudit } from '../audit/http-audit';
import type { Authenticate } from '../auth/authenticate';
import type { TokenService } from '../auth/tokens';
import type { DiscussionServices } from '../discussion/discussion-access';
import { exportApi, type ExportServices } from '../export/export-api';
import { isLabelImportPath } from '../export/export-routes';
import { discussionRoutes } from '../discussion/discussion-routes';
import { openApiRoutes, registerCoreRoutes } from '../openapi/core-routes';
import { OpenApiRegistry } from '../openapi/registry';
import { MemoryProjectStore } from '../projects/memory-project-store';
import { createProjectAccess } from '../projects/project-access';
import type { ProjectStore } from '../projects/project-store';
import type { ProjectImageSources } from '../projects/project-image-sources';
import { PROJECTS_BASE } from '../projects/routes/project-routes-deps';
import { projectsApi, userListRoutes } from '../projects/routes/projects-api';
import { MemorySessionStore } from '../sessions/memory-session-store';
import type { SessionStore } from '../sessions/session-store';
import { sessionsApi } from '../sessions/sessions-api';
import type { UserStore } from '../users/user-store';
import { ApiError } from './api-error';
import { errorHandler } from './error-handler';
import { requestLogger } from './request-logger';
import { authRoutes, type AuthRoutesDeps } from './routes/auth-routes';
import { meRoutes } from './routes/me-routes';
import { opsRoutes } from './routes/ops-routes';
import { staticWebRoutes } from './static-web';

/** Routers mounted as they are: `/api/import` brings its own (larger) body limit. */
export interface ImageRoutes {
  readonly importApi: Hono<any, any, any>;
  readonly dicomweb: Hono<any, any, any>;
}

/** `sessions`, `loginLimiter`, `onLogin`: token lifecycle and login throttling (see auth-routes.ts). */
export interface AppDeps extends Pick<AuthRoutesDeps, 'sessions' | 'loginLimiter' | 'onLogin'> {
  readonly users: UserStore;
  readonly tokens: TokenService;
  readonly authenticate: Authenticate;
  readonly registry: Registry;
  readonly isReady: () => boolean;
  readonly logger: Logger;
  /** Projects, members, labels and project studies; defaults to an empty in-memory store (tests). */
  readonly projects?: ProjectStore;
  /** Image import and DICOMweb; absent when a deployment or test does not serve images. */
  readonly images?: ImageRoutes;
  /** Upstream DICOMweb sources of projects, for linking their studies. */
  readonly imageSources?: ProjectImageSources;
  /** Folder of the built web client, served at `/` after the API; null or absent: not served. */
  readonly webRoot?: string | null;
  /** The audit trail (`/api/audit`, membership and logout events); defaults to one in memory (tests). */
  readonly audit?: AppAudit;
  /** Reading sessions of project studies; defaults to an empty in-memory store (tests). */
  readonly readingSessions?: SessionStore;
  /** Comments and votes over HTTP, written into study documents; absent: not served. */
  readonly discussion?: DiscussionServices;
  /** Agreement reports: how study documents are read and where images are counted; absent: not served. */
  readonly agreement?: { readonly documents: DocumentReader; readonly imageKeys: ImageKeySource };
  /** Label exports (zip) and label imports into study documents; absent: not served. */
  readonly exports?: ExportServices;
}

/** The HTTP API. No network: tests call `app.request()`. */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.use(requestId());
  app.use(requestLogger(deps.logger));
  const apiBodyLimit = bodyLimit({
    maxSize: 64 * 1024,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', 'the body is larger than 64 KiB');
    },
  });
  // Uploads of DICOM files and of label files bring their own (larger) limits.
  const ownLimit = (path: string) => (deps.images && path === '/api/import') || (deps.exports && isLabelImportPath(path));
  app.use('/api/*', (c, next) => (ownLimit(c.req.path) ? next() : apiBodyLimit(c, next)));
  app.route('/', opsRoutes(deps));
  const audit = deps.audit ?? memoryAudit(deps.logger);
  app.use('/api/auth/logout', logoutAudit(audit.recorder));
  app.route('/api/auth', authRoutes(deps));
  app.route('/api/me', meRoutes(deps.authenticate));
  if (deps.images) {
    app.route('/api/import', deps.images.importApi);
    app.route('/dicomweb', deps.images.dicomweb);
  }
  // Route factories describe themselves in `api`; /api/openapi.json serves the document.
  const api = new OpenApiRegistry();
  registerCoreRoutes(api);
  const projects = deps.projects ?? new MemoryProjectStore();
  const access = createProjectAccess(projects);
  app.route(PROJECTS_BASE, projectsApi({ ...deps, projects, access, api, audit: audit.recorder }));
  const sessions = deps.readingSessions ?? new MemorySessionStore();
  app.route(PROJECTS_BASE, sessionsApi({ ...deps, projects, access, sessions, api, audit: audit.recorder }));
  if (deps.discussion) app.route(PROJECTS_BASE, discussionRoutes({ ...deps.discussion, authenticate: deps.authenticate, api }));
  if (deps.agreement) {
    const agreement = createAgreementService({ ...deps.agreement, projects, sessions, users: deps.users });
    const agreementDeps = { projects, access, sessions, authenticate: deps.authenticate, api, agreement };
    app.route(PROJECTS_BASE, projectAgreementRoutes(agreementDeps));
    app.route(STUDIES_BASE, studyAgreementRoutes(agreementDeps));
  }
  if (deps.exports) {
    app.route(PROJECTS_BASE, exportApi({ ...deps.exports, projects, access, sessions, users: deps.users, authenticate: deps.authenticate, api, audit: audit.recorder }));
  }
  app.route(AUDIT_BASE, auditRoutes({ ...deps, log: audit.log, flush: () => audit.recorder.flush(), access, api }));
  app.route('/api/users', userListRoutes({ ...deps, api }));
  app.route('/api', openApiRoutes(api));
  if (deps.webRoot) app.route('/', staticWebRoutes(deps.webRoot));
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'no such route' } }, 404));
  app.onError(errorHandler(deps.logger));
  return app;
}
