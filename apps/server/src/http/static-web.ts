import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

/**
 * The built web client (`pnpm --filter @readingroom/web build` → `apps/web/dist`), or null when
 * it has not been built: the API works without it.
 */
export function defaultWebRoot(): string | null {
  const root = fileURLToPath(new URL('../../../web/dist', import.meta.url));
  return existsSync(join(root, 'index.html')) ? root : null;
}

/**
 * Serves the web client's files from `root` (GET and HEAD only; anything else, and any path with
 * no file, falls through to the next route). Mount it after the API routes. Vite's hashed
 * `/assets/*` are cached for a year; `index.html` is revalidated so a new build shows up.
 */
export function staticWebRoutes(root: string) {
  return new Hono()
    .use('*', async function webClientHeaders(c, next) {
      await next();
      if (c.res.status !== 200) return;
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('Cache-Control', c.req.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    })
    .use('*', serveStatic({ root }));
}
