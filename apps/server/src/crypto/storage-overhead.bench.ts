// Throughput cost of EncryptedStorage: 10k small updates appended with and without the decorator.
// Run: node --import tsx apps/server/src/crypto/storage-overhead.bench.ts   (no assertion, prints a table)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from '@readingroom/storage-sqlite';
import { MemoryStorage, type DocumentStorage, type NewUpdate } from '@readingroom/sync-server';
import { createKeyedCipher } from './data-cipher';
import { EncryptedStorage } from './encrypted-storage';
import { encryptionKeyFromBytes } from './encryption-key';

const UPDATES = 10_000;
const cipher = createKeyedCipher(encryptionKeyFromBytes(randomBytes(32)));
// About the size of one box move: a few dozen bytes.
const updates: NewUpdate[] = Array.from({ length: UPDATES }, (_, i) => ({ update: randomBytes(60), userId: `user-${i % 5}`, receivedAt: 1_700_000_000_000 + i }));

async function run(label: string, open: () => DocumentStorage, batch: number) {
  const storage = open();
  const start = process.hrtime.bigint();
  for (let i = 0; i < UPDATES; i += batch) await storage.appendUpdates('room', updates.slice(i, i + batch));
  const appendMs = Number(process.hrtime.bigint() - start) / 1e6;
  const loadStart = process.hrtime.bigint();
  const record = await storage.loadRoom('room');
  const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
  if (record.updates.length !== UPDATES) throw new Error('lost updates');
  await storage.close();
  console.log(`${label.padEnd(44)} append ${appendMs.toFixed(0).padStart(6)} ms (${Math.round((UPDATES / appendMs) * 1000).toString().padStart(7)}/s)   load ${loadMs.toFixed(1).padStart(6)} ms`);
}

const dir = mkdtempSync(join(tmpdir(), 'rr-enc-bench-'));
let n = 0;
const sqlite = (synchronous: 'FULL' | 'NORMAL') => () => SqliteStorage.open({ filename: join(dir, `rooms-${n++}.db`), synchronous });
try {
  for (const batch of [1, 100]) {
    await run(`memory, batch ${batch}, plain`, () => new MemoryStorage(), batch);
    await run(`memory, batch ${batch}, encrypted`, () => new EncryptedStorage(new MemoryStorage(), cipher), batch);
    await run(`sqlite NORMAL, batch ${batch}, plain`, sqlite('NORMAL'), batch);
    await run(`sqlite NORMAL, batch ${batch}, encrypted`, () => new EncryptedStorage(sqlite('NORMAL')(), cipher), batch);
    await run(`sqlite FULL, batch ${batch}, plain`, sqlite('FULL'), batch);
    await run(`sqlite FULL, batch ${batch}, encrypted`, () => new EncryptedStorage(sqlite('FULL')(), cipher), batch);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
