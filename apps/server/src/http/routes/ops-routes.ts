import { Hono } from 'hono';
import type { Registry } from 'prom-client';

export interface OpsRoutesDeps {
  /** True while storage is open and the server is not shutting down. */
  readonly isReady: () => boolean;
  readonly registry: Registry;
}

/** `/healthz` (liveness), `/readyz` (readiness) and `/metrics` (Prometheus text). */
export function opsRoutes({ isReady, registry }: OpsRoutesDeps) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', (c) => (isReady() ? c.json({ status: 'ready' }) : c.json({ status: 'unavailable' }, 503)))
    .get('/metrics', async (c) => {
      c.header('Content-Type', registry.contentType);
      c.header('Cache-Control', 'no-store');
      return c.body(await registry.metrics());
    });
}
