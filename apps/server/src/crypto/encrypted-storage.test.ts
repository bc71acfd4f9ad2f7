import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from '@readingroom/storage-sqlite';
import { MemoryStorage, type DocumentStorage, type NewUpdate, type RoomRecord } from '@readingroom/sync-server';
import { runStorageAdapterTests } from '@readingroom/testing';
import { describe, expect, it } from 'vitest';
import { createKeyedCipher } from './data-cipher';
import { EncryptedStorage } from './encrypted-storage';
import { encryptionKeyFromBytes } from './encryption-key';
import { envelopeKeyId } from './envelope';

const cipher = createKeyedCipher(encryptionKeyFromBytes(randomBytes(32)));

runStorageAdapterTests('EncryptedStorage over MemoryStorage', async () => ({ storage: new EncryptedStorage(new MemoryStorage(), cipher) }));

runStorageAdapterTests('EncryptedStorage over SqliteStorage', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rr-enc-storage-'));
  return {
    storage: new EncryptedStorage(SqliteStorage.open({ filename: join(dir, 'rooms.db'), synchronous: 'NORMAL' }), cipher),
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

/** A storage that lets a test rewrite what the inner storage returns, like an attacker with the file. */
class TamperingStorage extends MemoryStorage {
  rewrite: ((room: string, record: RoomRecord) => RoomRecord) | null = null;
  override async loadRoom(room: string): Promise<RoomRecord> {
    const record = await super.loadRoom(room);
    return this.rewrite ? this.rewrite(room, record) : record;
  }
}

const update = (text: string, userId: string | null = 'alice'): NewUpdate => ({ update: new TextEncoder().encode(text), userId, receivedAt: 1_700_000_000_000 });

describe('EncryptedStorage', () => {
  it('hands only sealed envelopes to the inner storage and plaintext back to the caller', async () => {
    const inner = new MemoryStorage();
    const storage: DocumentStorage = new EncryptedStorage(inner, cipher);
    await storage.appendUpdates('r', [update('pneumothorax-XYZ')]);
    await storage.compact('r', new TextEncoder().encode('snapshot secret-note-XYZ'), 1);
    await storage.appendUpdates('r', [update('tail')]);
    const raw = await inner.loadRoom('r');
    expect(envelopeKeyId(raw.snapshot!)).toBe(cipher.keyId);
    expect(Buffer.from(raw.snapshot!).includes('secret-note-XYZ')).toBe(false);
    expect(raw.updates.map((u) => envelopeKeyId(u.update))).toEqual([cipher.keyId]);
    const loaded = await storage.loadRoom('r');
    expect(Buffer.from(loaded.snapshot!).toString()).toBe('snapshot secret-note-XYZ');
    expect(loaded.updates.map((u) => [u.seq, Buffer.from(u.update).toString(), u.userId])).toEqual([[2, 'tail', 'alice']]);
  });

  it('refuses to load a room whose update was moved in from another room', async () => {
    const inner = new TamperingStorage();
    const storage = new EncryptedStorage(inner, cipher);
    await storage.appendUpdates('a', [update('from room a')]);
    await storage.appendUpdates('b', [update('from room b')]);
    const fromA = (await inner.loadRoom('a')).updates[0]!;
    inner.rewrite = (room, record) => (room === 'b' ? { ...record, updates: [{ ...record.updates[0]!, update: fromA.update }] } : record);
    await expect(storage.loadRoom('b')).rejects.toThrow(/failed authentication/);
  });

  it('refuses to load an update whose stored author was changed (no silent misattribution)', async () => {
    const inner = new TamperingStorage();
    const storage = new EncryptedStorage(inner, cipher);
    await storage.appendUpdates('a', [update('edit', 'alice')]);
    inner.rewrite = (_room, record) => ({ ...record, updates: record.updates.map((u) => ({ ...u, userId: 'mallory' })) });
    await expect(storage.loadRoom('a')).rejects.toThrow(/failed authentication/);
  });

  it('refuses a snapshot that claims to cover another seq than it was written for', async () => {
    const inner = new TamperingStorage();
    const storage = new EncryptedStorage(inner, cipher);
    await storage.appendUpdates('a', [update('1'), update('2')]);
    await storage.compact('a', new TextEncoder().encode('snap'), 1);
    inner.rewrite = (_room, record) => ({ ...record, snapshotSeq: 2 });
    await expect(storage.loadRoom('a')).rejects.toThrow(/failed authentication/);
  });

  it('refuses to load with another key rather than returning garbage', async () => {
    const inner = new MemoryStorage();
    await new EncryptedStorage(inner, cipher).appendUpdates('a', [update('x')]);
    const stranger = new EncryptedStorage(inner, createKeyedCipher(encryptionKeyFromBytes(randomBytes(32))));
    await expect(stranger.loadRoom('a')).rejects.toThrow(/not given/);
  });
});
