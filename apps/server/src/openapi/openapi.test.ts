import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { projectTestApp } from '../projects/routes/test-app';
import { HTTP_METHODS, OpenApiRegistry, toOpenApiPath } from './registry';

interface Operation {
  summary?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; schema: object }[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: object }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Partial<Record<string, Operation>>>;
  components: { securitySchemes: Record<string, unknown> };
}

async function loadDocument() {
  const { app, call } = await projectTestApp();
  const res = await call(null, 'GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  return { app, doc: res.json as Document };
}

describe('GET /api/openapi.json', () => {
  it('documents every route the app answers, and nothing it does not', async () => {
    const { app, doc } = await loadDocument();
    const answered = new Set(
      app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`)),
    );
    expect([...answered].sort()).toEqual([...documented].sort());
    expect(documented).toContain('post /api/projects/{id}/labels');
    expect(documented).toContain('post /api/auth/login');
  });

  it('is a structurally valid OpenAPI 3.1 document with bearer security', async () => {
    const { doc } = await loadDocument();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    for (const [path, ops] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\/[^:]*$/);
      const placeholders = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method} ${path}`;
        expect(HTTP_METHODS, where).toContain(method);
        expect(op!.summary, where).toBeTruthy();
        expect(op!.parameters?.filter((p) => p.in === 'path').map((p) => p.name) ?? [], where).toEqual(placeholders);
        const statuses = Object.keys(op!.responses);
        expect(statuses.length, where).toBeGreaterThan(0);
        for (const status of statuses) {
          expect(status, where).toMatch(/^[1-5]\d\d$/);
          const response = op!.responses[status]!;
          expect(response.description, where).toBeTruthy();
          const ok = Number(status) < 300 && status !== '204';
          if (ok) expect(response.content, `${where} ${status}`).toBeDefined();
          for (const media of Object.values(response.content ?? {})) if (media.schema) expect(media.schema).not.toHaveProperty('$schema');
        }
        if (['post', 'put', 'patch'].includes(method)) {
          expect(op!.requestBody?.content['application/json']?.schema, where).toMatchObject({ type: 'object' });
        }
      }
    }
    const login = doc.paths['/api/auth/login']!.post!;
    expect(login.security).toBeUndefined();
    expect(doc.paths['/api/projects']!.get!.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/projects/{id}/members/{userId}']!.put!.responses['200']!.content!['application/json']!.schema)
      .toMatchObject({ type: 'object', required: expect.arrayContaining(['userId', 'role']) });
  });
});

describe('OpenApiRegistry', () => {
  it('refuses the same method and path twice', () => {
    const api = new OpenApiRegistry();
    const route = { method: 'get', path: '/x', summary: 'x', responses: { 200: { description: 'ok', schema: z.object({}) } } } as const;
    api.registerRoute(route);
    expect(() => api.registerRoute(route)).toThrow(/registered twice/);
  });
});
