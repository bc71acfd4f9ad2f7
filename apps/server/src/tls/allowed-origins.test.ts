import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createOriginCheck } from './allowed-origins';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('WebSocket origin check', () => {
  it('allows requests without Origin (non-browser clients) and pages from the same host', () => {
    const check = createOriginCheck([]);
    expect(check(req({ host: 'rr.example.org' }))).toBe(true);
    expect(check(req({ host: 'rr.example.org', origin: 'https://rr.example.org' }))).toBe(true);
    expect(check(req({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' }))).toBe(true);
    expect(check(req({ host: 'rr.example.org:443', origin: 'https://rr.example.org' }))).toBe(true);
  });

  it('refuses another site, another port of the same host, and opaque or malformed origins', () => {
    const check = createOriginCheck([]);
    expect(check(req({ host: 'rr.example.org', origin: 'https://evil.example' }))).toBe(false);
    expect(check(req({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:9999' }))).toBe(false);
    expect(check(req({ host: 'rr.example.org', origin: 'null' }))).toBe(false);
    expect(check(req({ host: 'rr.example.org', origin: 'file://x' }))).toBe(false);
    expect(check(req({ origin: 'https://rr.example.org' }))).toBe(false);
  });

  it('allows listed origins exactly, and every origin with *', () => {
    const check = createOriginCheck(['https://Viewer.example.org', 'http://localhost:5173']);
    expect(check(req({ host: 'api.example.org', origin: 'https://viewer.example.org' }))).toBe(true);
    expect(check(req({ host: 'api.example.org', origin: 'http://localhost:5173' }))).toBe(true);
    expect(check(req({ host: 'api.example.org', origin: 'http://localhost:5174' }))).toBe(false);
    expect(createOriginCheck(['*'])(req({ host: 'a', origin: 'https://anything.example' }))).toBe(true);
  });
});
