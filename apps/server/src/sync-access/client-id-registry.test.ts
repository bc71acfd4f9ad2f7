import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryClientIdRegistry, SqliteClientIdRegistry, type ClientIdRegistry } from './client-id-registry';

const dir = mkdtempSync(join(tmpdir(), 'rr-client-ids-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const implementations: Array<[string, () => ClientIdRegistry]> = [
  ['MemoryClientIdRegistry', () => new MemoryClientIdRegistry()],
  ['SqliteClientIdRegistry', () => SqliteClientIdRegistry.open({ filename: join(dir, `${Math.random()}.db`) })],
];

describe.each(implementations)('%s', (_name, open) => {
  it('binds a client id to the first user, per room, and keeps it', () => {
    const r = open();
    expect(r.ownerOf('room', 7)).toBeNull();
    expect(r.bind('room', 7, 'alice')).toBe('alice');
    expect(r.bind('room', 7, 'bob')).toBe('alice');
    expect(r.ownerOf('room', 7)).toBe('alice');
    expect(r.bind('other-room', 7, 'bob')).toBe('bob');
    r.release('room');
    expect(r.ownerOf('room', 7)).toBe('alice');
    r.close();
  });
});

describe('SqliteClientIdRegistry', () => {
  it('keeps bindings across a reopen (a server restart)', () => {
    const filename = join(dir, 'restart.db');
    const first = SqliteClientIdRegistry.open({ filename });
    first.bind('p/1/s/2', 4_294_967_295, 'alice');
    first.close();
    const second = SqliteClientIdRegistry.open({ filename });
    expect(second.ownerOf('p/1/s/2', 4_294_967_295)).toBe('alice');
    expect(second.bind('p/1/s/2', 4_294_967_295, 'mallory')).toBe('alice');
    second.close();
  });

  it('lets the stored row decide when another process bound the id after this one cached the room', () => {
    const filename = join(dir, 'two-processes.db');
    const a = SqliteClientIdRegistry.open({ filename });
    const b = SqliteClientIdRegistry.open({ filename });
    expect(a.ownerOf('r', 1)).toBeNull();
    expect(b.ownerOf('r', 1)).toBeNull();
    expect(b.bind('r', 1, 'bob')).toBe('bob');
    expect(a.bind('r', 1, 'alice')).toBe('bob');
    a.close();
    b.close();
  });
});
