import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryStorage, SyncServer, type SyncHooks, type UpdateProposal } from '@readingroom/sync-server';
import { FakeClient, until } from '@readingroom/testing';
import { composeHooks } from './sync-hooks';

describe('composeHooks', () => {
  it('accepts an update only when every accept hook does, and lets all of them stage it once', async () => {
    const staged: unknown[] = [];
    const stagingHook = (name: string): SyncHooks => ({
      acceptUpdate(p: UpdateProposal) {
        const s = p.stage();
        staged.push(s.doc.getMap('m').get('k'));
        return s.doc.getMap('m').get('k') === `refused-by-${name}` ? { accept: false, code: name, message: `no (${name})` } : { accept: true };
      },
    });
    const applied: string[] = [];
    const hooks = composeHooks(stagingHook('a'), {}, stagingHook('b'), { onUpdateApplied: (u) => applied.push(u.room) });
    const sync = new SyncServer({ storage: new MemoryStorage(), hooks, unloadDelayMs: 0, flushDelayMs: 1 });
    // A refused change stays in its client (later ones depend on it), so each case uses a fresh client.
    const send = async (value: string) => {
      const c = new FakeClient(sync, 'r', { userId: 'u' });
      await until(() => c.synced);
      c.doc.getMap('m').set('k', value);
      return c;
    };
    await send('fine');
    expect(staged).toEqual(['fine', 'fine']);
    expect(applied).toEqual(['r']);

    expect((await send('refused-by-b')).permissionDenied).toEqual([expect.stringMatching(/^b: no \(b\)/)]);
    expect((await send('refused-by-a')).permissionDenied).toEqual([expect.stringMatching(/^a: no \(a\)/)]);
    // Both read the one staged copy when b refused; when a refused, b was not asked.
    expect(staged.slice(2)).toEqual(['refused-by-b', 'refused-by-b', 'refused-by-a']);
    expect(applied).toEqual(['r']);
    await sync.shutdown();
  });

  it('leaves out what no hook provides, so the server takes its defaults', () => {
    expect(composeHooks({}, {})).toEqual({});
    expect(Object.keys(composeHooks({ onRoomState() {} }))).toEqual(['onRoomState']);
  });

  it('calls every notification hook even when one throws, then rethrows the first error', () => {
    const calls: string[] = [];
    const hooks = composeHooks(
      { onRoomLoaded: () => { calls.push('a'); throw new Error('first'); } },
      { onRoomLoaded: () => { calls.push('b'); throw new Error('second'); } },
      { onRoomLoaded: () => calls.push('c') },
    );
    expect(() => hooks.onRoomLoaded!('r', new Y.Doc())).toThrow('first');
    expect(calls).toEqual(['a', 'b', 'c']);
  });

  it('passes awareness entries kept by one hook on to the next, and refuses if any refuses', () => {
    const entries = [1, 2, 3].map((clientId) => ({ clientId, clock: 1, state: {} }));
    const proposal = { room: 'r', identity: { userId: 'u' }, entries, ownerOf: () => null, ownClaims: new Set<number>() };
    const dropOdd: SyncHooks = { acceptAwareness: (p) => ({ accept: true, entries: p.entries.filter((e) => e.clientId % 2 === 0) }) };
    const seen: number[][] = [];
    const spy: SyncHooks = { acceptAwareness: (p) => (seen.push(p.entries.map((e) => e.clientId)), { accept: true }) };
    expect(composeHooks(dropOdd, spy).acceptAwareness!(proposal)).toEqual({ accept: true, entries: [entries[1]] });
    expect(seen).toEqual([[2]]);
    expect(composeHooks(spy, spy).acceptAwareness!(proposal)).toEqual({ accept: true });
    const refuse: SyncHooks = { acceptAwareness: () => ({ accept: false, code: 'x', message: 'no' }) };
    expect(composeHooks(dropOdd, refuse, spy).acceptAwareness!(proposal)).toEqual({ accept: false, code: 'x', message: 'no' });
  });
});
