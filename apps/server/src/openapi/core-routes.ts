import { Hono } from 'hono';
import { z } from 'zod';
import { errorResponses, type OpenApiRegistry } from './registry';

// The auth, me and ops routes predate the registry; they are described here. The
// "every route is documented" test keeps these in step with `createApp`.
const LoginBodySchema = z.object({ username: z.string().min(1).max(256), password: z.string().min(1).max(1024) });
const TokenSchema = z.object({ token: z.string(), expiresAt: z.iso.datetime() });
const MeSchema = z.object({ id: z.string(), username: z.string(), isAdmin: z.boolean() });
const StatusSchema = z.object({ status: z.string() });
/** refresh and logout read no body; any (or none) is accepted. */
const EmptyBodySchema = z.object({});

/** Describes `/healthz`, `/readyz`, `/metrics`, `/api/auth/login` and `/api/me`. */
export function registerCoreRoutes(api: OpenApiRegistry): void {
  api.registerRoute({ method: 'get', path: '/healthz', summary: 'Liveness', tags: ['ops'], auth: false, responses: { 200: { description: 'alive', schema: StatusSchema } } });
  api.registerRoute({
    method: 'get', path: '/readyz', summary: 'Readiness', tags: ['ops'], auth: false,
    responses: { 200: { description: 'ready', schema: StatusSchema }, 503: { description: 'not ready', schema: StatusSchema } },
  });
  api.registerRoute({
    method: 'get', path: '/metrics', summary: 'Prometheus metrics', tags: ['ops'], auth: false,
    responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } },
  });
  api.registerRoute({
    method: 'post', path: '/api/auth/login', summary: 'Exchange username and password for a bearer token', tags: ['auth'], auth: false,
    request: { body: LoginBodySchema },
    responses: { 200: { description: 'a token', schema: TokenSchema }, ...errorResponses(400, 401, 413, 429) },
  });
  api.registerRoute({
    method: 'post', path: '/api/auth/refresh', summary: 'Exchange a valid token for a new one; the old one is revoked', tags: ['auth'],
    request: { body: EmptyBodySchema },
    responses: { 200: { description: 'a new token', schema: TokenSchema }, ...errorResponses(400, 401) },
  });
  api.registerRoute({
    method: 'post', path: '/api/auth/logout', summary: 'Revoke the bearer token and close its sync connections', tags: ['auth'],
    request: { body: EmptyBodySchema },
    responses: { 204: { description: 'revoked' }, ...errorResponses(401) },
  });
  api.registerRoute({ method: 'get', path: '/api/me', summary: 'The bearer', tags: ['auth'], responses: { 200: { description: 'the user', schema: MeSchema }, ...errorResponses(401) } });
}

/** `GET /openapi.json` (mount under `/api`): the document, built once on first request. */
export function openApiRoutes(api: OpenApiRegistry) {
  api.registerRoute({
    method: 'get', path: '/api/openapi.json', summary: 'This OpenAPI document', tags: ['ops'], auth: false,
    responses: { 200: { description: 'OpenAPI 3.1 document', contentType: 'application/json' } },
  });
  let document: Record<string, unknown> | undefined;
  return new Hono().get('/openapi.json', (c) =>
    c.json((document ??= api.document({ title: 'Reading Room API', version: '0.1.0' }))),
  );
}
