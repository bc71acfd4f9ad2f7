import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { Registry } from 'prom-client';
import type { Logger } from '@readingroom/sync-server';
import type { Authenticate } from '../auth/authenticate';
import type { TokenService } from '../auth/tokens';
import type { UserStore } from '../users/user-store';
import { ApiError } from './api-error';
import { errorHandler } from './error-handler';
import { requestLogger } from './request-logger';
import { authRoutes } from './routes/auth-routes';
import { meRoutes } from './routes/me-routes';
import { opsRoutes } from './routes/ops-routes';

export interface AppDeps {
  readonly users: UserStore;
  readonly tokens: TokenService;
  readonly authenticate: Authenticate;
  readonly registry: Registry;
  readonly isReady: () => boolean;
  readonly logger: Logger;
}

/** The HTTP API. No network: tests call `app.request()`. */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.use(requestId());
  app.use(requestLogger(deps.logger));
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: 64 * 1024,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', 'the body is larger than 64 KiB');
      },
    }),
  );
  app.route('/', opsRoutes(deps));
  app.route('/api/auth', authRoutes(deps));
  app.route('/api/me', meRoutes(deps.authenticate));
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'no such route' } }, 404));
  app.onError(errorHandler(deps.logger));
  return app;
}
