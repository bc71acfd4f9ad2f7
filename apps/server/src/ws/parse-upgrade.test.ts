import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseUpgrade, selectProtocol } from './parse-upgrade';

const req = (url: string, protocol?: string) =>
  ({ url, headers: protocol ? { 'sec-websocket-protocol': protocol } : {} }) as IncomingMessage;

describe('parseUpgrade', () => {
  it('percent-decodes the room and reads the token from the query', () => {
    expect(parseUpgrade(req('/sync/study%2F1.2.3%20a?token=abc'))).toEqual({ ok: true, room: 'study/1.2.3 a', token: 'abc' });
  });

  it('reads the token from a readingroom.token subprotocol', () => {
    expect(parseUpgrade(req('/sync/r1', 'readingroom, readingroom.token.h.p.s'))).toEqual({ ok: true, room: 'r1', token: 'h.p.s' });
  });

  it('has no token when neither query nor subprotocol carries one', () => {
    expect(parseUpgrade(req('/sync/r1', 'readingroom'))).toEqual({ ok: true, room: 'r1', token: undefined });
  });

  it('answers 400 for an empty, too long or badly encoded room and 404 for other paths', () => {
    expect(parseUpgrade(req('/sync/'))).toMatchObject({ ok: false, status: 400 });
    expect(parseUpgrade(req(`/sync/${'r'.repeat(257)}`))).toMatchObject({ ok: false, status: 400 });
    expect(parseUpgrade(req(`/sync/${'r'.repeat(256)}`))).toMatchObject({ ok: true });
    expect(parseUpgrade(req('/sync/%E0%A4%A'))).toMatchObject({ ok: false, status: 400 });
    expect(parseUpgrade(req('/other/r1'))).toMatchObject({ ok: false, status: 404 });
  });
});

describe('selectProtocol', () => {
  it('echoes "readingroom" when offered so the token stays out of the response', () => {
    expect(selectProtocol(new Set(['readingroom.token.x', 'readingroom']))).toBe('readingroom');
  });
  it('echoes the token protocol when it is the only one offered, and nothing otherwise', () => {
    expect(selectProtocol(new Set(['readingroom.token.x']))).toBe('readingroom.token.x');
    expect(selectProtocol(new Set(['other']))).toBe(false);
  });
});
