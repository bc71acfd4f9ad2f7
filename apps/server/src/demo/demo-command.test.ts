import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteCatalog } from '../catalog/sqlite-catalog';
import { SqliteProjectStore } from '../projects/sqlite-project-store';
import { SqliteUserStore } from '../users/sqlite-user-store';
import { verifyPassword } from '../users/password';
import { agreementCommand } from '../agreement/agreement-command';
import { SqliteSessionStore } from '../sessions/sqlite-session-store';
import { demoCommand } from './demo-command';
import { DEMO_PROJECT_NAME, DEMO_TAXONOMY, DEMO_USERS } from './demo-taxonomy';

describe('readingroom demo', () => {
  let dataDir: string;
  let out = '';
  const io = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (out += s), env: {} };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'rr-demo-'));
    expect(await demoCommand({ dataDir, adminPassword: 'admin-password-1' }, io)).toBe(0);
  }, 120_000);
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('creates the demo project with its taxonomy, the demo users as members, and prints their passwords once', async () => {
    const filename = join(dataDir, 'readingroom.db');
    const users = SqliteUserStore.open({ filename });
    const projects = SqliteProjectStore.open({ filename });
    try {
      const project = await projects.findProjectByName(DEMO_PROJECT_NAME);
      expect(project).not.toBeNull();
      const labels = await projects.listLabels(project!.id);
      expect(labels.map((l) => l.name)).toEqual(DEMO_TAXONOMY.map((l) => l.name));
      const members = await projects.listMembers(project!.id);
      for (const { username, role } of DEMO_USERS) {
        const user = await users.findByUsername(username);
        expect(members.find((m) => m.userId === user!.id)?.role).toBe(role);
        // The printed password is the one that works.
        const printed = new RegExp(`${username}\\s+${role}\\s+(\\S+)`).exec(out)?.[1];
        expect(printed).toBeDefined();
        expect(await verifyPassword(printed!, user!.passwordHash)).toBe(true);
      }
    } finally {
      await projects.close();
      await users.close();
    }
  });

  it('imports the synthetic CT (at least 120 slices), the X-ray, the multi-frame and the 20-slice MR, all linked to the project', async () => {
    const catalog = SqliteCatalog.open({ filename: join(dataDir, 'catalog.db') });
    const projects = SqliteProjectStore.open({ filename: join(dataDir, 'readingroom.db') });
    try {
      const project = await projects.findProjectByName(DEMO_PROJECT_NAME);
      const linked = (await projects.listStudies(project!.id)).map((s) => s.studyInstanceUid);
      expect(linked.length).toBeGreaterThanOrEqual(3);
      const counts = new Map<string, number>();
      for (const uid of linked) {
        for (const series of (await catalog.searchSeries(uid, {})) ?? []) counts.set(series.modality ?? '?', (counts.get(series.modality ?? '?') ?? 0) + series.instanceCount);
      }
      expect(counts.get('CT')).toBeGreaterThanOrEqual(120);
      expect(counts.get('MR')).toBeGreaterThanOrEqual(20);
      expect(counts.get('DX')).toBe(1);
      expect(counts.get('XA')).toBe(1); // the 96-frame cine
      expect(out).not.toMatch(/skipped: [1-9]/);
      expect(existsSync(join(dataDir, 'demo', 'ground-truth.json'))).toBe(true);
    } finally {
      await projects.close();
      await catalog.close();
    }
  });

  it('seeds the CT with three submitted reads in adjudication and a consensus that the agreement command reports', async () => {
    const projects = SqliteProjectStore.open({ filename: join(dataDir, 'readingroom.db') });
    const sessions = SqliteSessionStore.open({ filename: join(dataDir, 'readingroom.db') });
    try {
      const project = await projects.findProjectByName(DEMO_PROJECT_NAME);
      const seeded = [...(await sessions.list(project!.id)).values()];
      expect(seeded).toHaveLength(1);
      expect(seeded[0]).toMatchObject({ phase: 'adjudication', readersMayDiscuss: true });
      expect(Object.keys(seeded[0]!.submitted).sort()).toEqual([...seeded[0]!.readers].sort());
    } finally {
      await sessions.close();
      await projects.close();
    }
    let json = '';
    const capture = { stdout: (s: string) => void (json += s), stderr: () => {}, env: {} };
    expect(await agreementCommand({ dataDir }, { project: DEMO_PROJECT_NAME }, capture)).toBe(0);
    const view = JSON.parse(json);
    const read = view.studies.filter((s: { readers: unknown[] }) => s.readers.length > 0);
    expect(read).toHaveLength(1);
    expect(read[0].readers.map((r: { source: string }) => r.source)).toEqual(['own', 'own', 'own']);
    expect(Object.values(view.readerNames).sort()).toEqual(['reader1', 'reader2', 'reader3']);
    expect(view.report).toMatchObject({ unresolvedDisagreements: 1, consensus: { boxes: 3 } });
  });

  it('changes nothing when run again', async () => {
    out = '';
    expect(await demoCommand({ dataDir, adminPassword: undefined }, io)).toBe(0);
    expect(out).toMatch(/already exists; nothing changed/);
    expect(out).not.toMatch(/password/);
  });
});
