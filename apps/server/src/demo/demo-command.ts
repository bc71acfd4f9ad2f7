import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config-schema';
import { SqliteStorage } from '@readingroom/storage-sqlite';
import { SqliteCatalog } from '../catalog/sqlite-catalog';
import type { CliIo } from '../cli/cli-io';
import { formatSummary } from '../import/import-summary';
import { EncryptedStorage } from '../crypto/encrypted-storage';
import { openEncryption } from '../crypto/open-encryption';
import type { KeySource } from '../crypto/encryption-key';
import { SqliteProjectStore } from '../projects/sqlite-project-store';
import { SqliteSessionStore } from '../sessions/sqlite-session-store';
import { bootstrapAdmin } from '../users/bootstrap-admin';
import { SqliteUserStore } from '../users/sqlite-user-store';
import { DEMO_PROJECT_NAME } from './demo-taxonomy';
import { seedDemo } from './seed-demo';

/**
 * `demo`: creates the demo project, users and studies in `<dataDir>` (idempotent) and prints the
 * demo accounts' passwords once. Also run by `serve` on an empty data directory.
 */
export async function demoCommand(config: Pick<Config, 'dataDir' | 'adminPassword'> & KeySource, io: CliIo): Promise<number> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // With a key, the demo data is encrypted like everything else (and the directory marked so).
  const cipher = openEncryption(config.dataDir, config);
  const filename = join(config.dataDir, 'readingroom.db');
  const users = SqliteUserStore.open({ filename });
  const projects = SqliteProjectStore.open({ filename, cipher });
  const catalog = SqliteCatalog.open({ filename: join(config.dataDir, 'catalog.db'), cipher });
  const sessions = SqliteSessionStore.open({ filename });
  const rooms = SqliteStorage.open({ filename: join(config.dataDir, 'rooms.db') });
  try {
    await bootstrapAdmin(users, config.adminPassword, io.stdout);
    io.stdout(`creating demo data in ${config.dataDir} ...\n`);
    let lastReport = 0;
    const result = await seedDemo({
      dataDir: config.dataDir,
      cipher,
      users,
      projects,
      catalog,
      sessions,
      storage: cipher.enabled ? new EncryptedStorage(rooms, cipher) : rooms,
      onProgress: (done, total) => {
        if (done === total || Date.now() - lastReport > 2000) {
          lastReport = Date.now();
          io.stdout(`demo import: ${done}/${total} files\n`);
        }
      },
    });
    if (!result.created) {
      io.stdout(`the demo project "${DEMO_PROJECT_NAME}" already exists; nothing changed\n`);
      return 0;
    }
    if (result.summary) io.stdout(`${formatSummary(result.summary)}\n`);
    io.stdout(`demo project "${DEMO_PROJECT_NAME}" created with its chest-finding taxonomy\n`);
    io.stdout(`the chest CT has three finished reads (reader1-3) and a consensus in progress; agreement: readingroom agreement --project "${DEMO_PROJECT_NAME}"\n`);
    if (result.accounts.length > 0) {
      io.stdout('demo accounts (passwords are shown only now):\n');
      for (const a of result.accounts) io.stdout(`  ${a.username.padEnd(12)} ${a.role.padEnd(12)} ${a.password}\n`);
    }
    return 0;
  } finally {
    await rooms.close();
    await sessions.close();
    await catalog.close();
    await projects.close();
    await users.close();
  }
}
