import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { generateCtSeries } from '@readingroom/demo-data';
import type { Role } from '@readingroom/model';
import { hashPassword } from '../../../apps/server/src/users/password';
import { SqliteUserStore } from '../../../apps/server/src/users/sqlite-user-store';
import { startTestServer, type TestServer } from '../../support/test-server';
import { CHROMIUM_FLAGS } from './browser';
import { importWithCli } from './import-cli';
import { WEB_DIST, ensureWebBuild } from './web-build';

export const PASSWORD = 'reader-password-1';
export interface LabelSpec {
  readonly name: string;
  readonly colour: string;
  readonly hotkey: string;
  readonly kind: 'box2d' | 'box3d' | 'finding';
}

export const LABELS: readonly LabelSpec[] = [
  { name: 'nodule', colour: '#e6194b', hotkey: 'n', kind: 'box2d' },
  { name: 'mass', colour: '#f58231', hotkey: 'm', kind: 'box2d' },
  { name: 'consolidation', colour: '#ffe119', hotkey: 'c', kind: 'box2d' },
] as const;

export interface Reader {
  readonly username: string;
  readonly role: Role;
}

/** One user's browser context with the study open. */
export interface StudyPage {
  readonly username: string;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly errors: string[];
}

/** DICOM files of one series to import instead of the default synthetic CT. */
export interface SeriesFiles {
  readonly files: ReadonlyArray<{ readonly name: string; readonly bytes: Uint8Array }>;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  /** Images in the viewer's stack (frames of multi-frame instances count one each). */
  readonly imageCount: number;
}

export interface CollabFixture {
  readonly server: TestServer;
  readonly browser: Browser;
  readonly projectId: string;
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly sliceCount: number;
  /** Label ids of the project's taxonomy by name, user ids of the readers by username. */
  readonly labelIds: ReadonlyMap<string, string>;
  readonly userIds: ReadonlyMap<string, string>;
  /** Calls the REST API as the global admin (e.g. to change a role while a page is open). */
  admin(method: string, path: string, body?: unknown): Promise<unknown>;
  /**
   * Logs in through the login page in a new browser context and opens the study from the
   * worklist. `search` (e.g. `?rendering=gpu`) is added to the address of the login page.
   */
  openStudy(username: string, options?: { search?: string }): Promise<StudyPage>;
  close(): Promise<void>;
}

/**
 * A real server with an imported synthetic CT (the project's generator; `series` imports other
 * files instead), a project with a small taxonomy and the given members, and headless Chromium;
 * users open the study through the login page and the worklist as a person would.
 */
export async function startCollabFixture(
  readers: readonly Reader[],
  options: { sliceCount?: number; labels?: readonly LabelSpec[]; series?: SeriesFiles } = {},
): Promise<CollabFixture> {
  const sliceCount = options.series?.imageCount ?? options.sliceCount ?? 48;
  const labels = options.labels ?? LABELS;
  const workDir = mkdtempSync(join(tmpdir(), 'readingroom-collab-'));
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await ensureWebBuild();
    const ct = options.series ?? generateCtSeries({ sliceCount, sliceSpacingMm: 5 });
    const inbox = join(workDir, 'inbox');
    mkdirSync(inbox);
    for (const file of ct.files) writeFileSync(join(inbox, file.name), file.bytes);
    const dataDir = join(workDir, 'data');
    await importWithCli(dataDir, [inbox]);
    server = await startTestServer({ dataDir, deps: { webRoot: WEB_DIST } });
    // After the first start, so the server bootstraps its admin into an empty user table.
    const users = SqliteUserStore.open({ filename: join(dataDir, 'readingroom.db') });
    const passwordHash = await hashPassword(PASSWORD);
    for (const { username } of readers) await users.create({ username, passwordHash, isAdmin: false });
    await users.close();
    const admin = await server.login();
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${server!.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.status === 204 ? {} : ((await response.json()) as { id?: string; userId?: string });
    };
    const project = await call('POST', '/api/projects', { name: 'Collaboration e2e' });
    const projectId = project.id!;
    const labelIds = new Map<string, string>();
    for (const label of labels) labelIds.set(label.name, (await call('POST', `/api/projects/${projectId}/labels`, label)).id!);
    const userIds = new Map<string, string>();
    for (const { username, role } of readers) userIds.set(username, (await call('POST', `/api/projects/${projectId}/members`, { username, role })).userId!);
    await call('POST', `/api/projects/${projectId}/studies`, { studyInstanceUids: [ct.studyInstanceUid] });

    const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_FLAGS] });
    const running = { server, browser };
    return {
      ...running,
      projectId,
      studyUid: ct.studyInstanceUid,
      seriesUid: ct.seriesInstanceUid,
      sliceCount,
      labelIds,
      userIds,
      admin: call,
      async openStudy(username, openOptions = {}) {
        const context = await running.browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        page.on('console', (message) => {
          if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
        });
        await page.goto(`${running.server.url}/${openOptions.search ?? ''}`);
        await page.fill('input[name=username]', username);
        await page.fill('input[name=password]', PASSWORD);
        await page.click('button[type=submit]');
        await page.click(`[data-study-uid="${ct.studyInstanceUid}"] a`);
        // Ready: the viewport holds its final stack (an image of it rendered) and the document synced.
        await page.waitForFunction(
          () => {
            const rr = (globalThis as unknown as { __rr?: { stackIsReady: boolean; synced: boolean; error: string | null } }).__rr;
            return rr?.error || (rr?.stackIsReady && rr.synced);
          },
          null,
          { timeout: 60_000 },
        );
        return { username, context, page, errors };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
