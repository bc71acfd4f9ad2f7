import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { staticWebRoutes } from './static-web';

describe('staticWebRoutes', () => {
  const root = mkdtempSync(join(tmpdir(), 'rr-static-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Reading Room</title>');
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'codec-abc123.wasm'), new Uint8Array([0, 97, 115, 109]));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const app = new Hono()
    .get('/api/ping', (c) => c.text('pong'))
    .route('/', staticWebRoutes(root))
    .notFound((c) => c.json({ error: { code: 'not_found' } }, 404));

  it('serves index.html at / and asks the browser to revalidate it', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('Reading Room');
  });

  it('serves hashed assets with a long cache lifetime and the WASM media type', async () => {
    const js = await app.request('/assets/index-abc123.js');
    expect(js.headers.get('cache-control')).toContain('immutable');
    const wasm = await app.request('/assets/codec-abc123.wasm');
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
  });

  it('leaves API routes alone and falls through to the JSON 404 for unknown paths', async () => {
    expect(await (await app.request('/api/ping')).text()).toBe('pong');
    const missing = await app.request('/api/nothing');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found' } });
  });

  it('refuses path traversal', async () => {
    const res = await app.request('/assets/../../etc/passwd');
    expect(res.status).toBe(404);
  });

  it('serves files to GET and HEAD only', async () => {
    expect((await app.request('/', { method: 'HEAD' })).status).toBe(200);
    expect((await app.request('/', { method: 'POST' })).status).toBe(404);
  });
});
