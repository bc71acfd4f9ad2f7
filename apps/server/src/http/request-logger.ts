import { createMiddleware } from 'hono/factory';
import type { Logger } from '@readingroom/sync-server';

/**
 * One structured line per request: id, method, path (without the query string, which may carry
 * a token), status and duration. Never bodies or headers.
 */
export function requestLogger(logger: Logger) {
  return createMiddleware(async function requestLogger(c, next) {
    const started = performance.now();
    await next();
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    const status = c.res.status;
    const entry = { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status, durationMs };
    if (status >= 500) logger.error(entry, 'request');
    else logger.info(entry, 'request');
  });
}
