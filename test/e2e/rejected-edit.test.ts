import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollabFixture, type CollabFixture, type StudyPage } from './support/collab-session';
import { drawBox, rr, waitFor } from './support/study-hook';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

type Recorder = { __rr: { documentBoxes(): Array<{ id: string }>; synced: boolean }; __seen: Set<string>; __seenTimer?: ReturnType<typeof setInterval>; __wentOffline: boolean };

/** From now on, records in the page every box id its document ever holds, and whether it lost its sync. */
async function startRecording(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as Recorder;
    clearInterval(w.__seenTimer);
    w.__seen = new Set();
    w.__wentOffline = false;
    w.__seenTimer = setInterval(() => {
      for (const box of w.__rr.documentBoxes()) w.__seen.add(box.id);
      if (!w.__rr.synced) w.__wentOffline = true;
    }, 5);
  });
}

const seenIds = (page: Page) => page.evaluate(() => [...(globalThis as unknown as Recorder).__seen]);
const boxIds = (page: Page) => rr(page, (h) => h.documentBoxes().map((d) => d.id).sort());

describe('an edit the server refuses is explained and taken back in the web client', () => {
  let fx: CollabFixture;
  let a: StudyPage; // reader1: lowered to observer while the study is open
  let b: StudyPage; // reader2: a colleague watching
  let c: StudyPage; // reader3: draws with a label the project removed meanwhile

  beforeAll(async () => {
    fx = await startCollabFixture(
      [
        { username: 'reader1', role: 'reader' },
        { username: 'reader2', role: 'reader' },
        { username: 'reader3', role: 'reader' },
      ],
      { sliceCount: 24 },
    );
    [a, b, c] = await Promise.all([fx.openStudy('reader1'), fx.openStudy('reader2'), fx.openStudy('reader3')]);
    for (const p of [a, b, c]) await rr(p.page, (h) => h.showImage(12));
  }, 240_000);

  afterAll(async () => {
    await fx?.close();
  });

  it('refuses a box with a label removed from the taxonomy meanwhile: it vanishes, the reason is shown, nobody else sees it', async () => {
    await rr(c.page, (h) => h.chooseLabel('consolidation'));
    await fx.admin('DELETE', `/api/projects/${fx.projectId}/labels/${fx.labelIds.get('consolidation')}`);
    await c.page.waitForTimeout(1200); // the server re-reads taxonomies at once, and every second anyway
    expect(await rr(c.page, (h) => h.boxLabels())).toContain('consolidation'); // the page was not told
    const before = await boxIds(b.page);
    await startRecording(b.page);
    await startRecording(c.page);

    await drawBox(c.page, { x: 60, y: 60, width: 30, height: 30 });
    await waitFor(c.page, (h) => (h.notice ?? '').includes('invalid_update'), undefined, 10_000);
    const notice = (await c.page.getByTestId('notice').textContent()) ?? '';
    expect(notice).toContain('label "consolidation" is not in the project taxonomy');
    // The box was in C's document for a moment, and is not any more: C shows the server's state.
    const refused = (await seenIds(c.page)).filter((id) => !before.includes(id));
    expect(refused).toHaveLength(1);
    await waitFor(c.page, (h, id) => h.synced && !h.documentBoxes().some((d) => d.id === id), refused[0]!, 10_000);
    await waitFor(c.page, (h, id) => !h.shownBoxes().some((s) => s.id === id), refused[0]!, 5000);
    await c.page.screenshot({ path: `${ARTIFACTS}rejected-edit-label-removed.png` });
    await c.page.waitForTimeout(500);
    expect(await seenIds(b.page)).not.toContain(refused[0]);
    expect(await boxIds(b.page)).toEqual(before);
    expect(await boxIds(c.page)).toEqual(before);

    // The page read the taxonomy again, and the reloaded document works: a box with a label
    // that exists is stored and shared, and undo takes back that box, not the refused one.
    await waitFor(c.page, (h) => !h.boxLabels().includes('consolidation') && h.canDraw, undefined, 5000);
    await rr(c.page, (h) => h.chooseLabel('nodule'));
    await drawBox(c.page, { x: 120, y: 60, width: 30, height: 30 });
    await waitFor(b.page, (h, n) => h.documentBoxes().length === n + 1, before.length, 5000);
    await waitFor(c.page, (h) => h.saveState === 'saved', undefined);
    expect(await rr(c.page, (h) => h.undo())).toBe(true);
    await waitFor(b.page, (h, n) => h.documentBoxes().length === n, before.length, 5000);
    expect(await rr(c.page, (h) => h.undo())).toBe(false);
    expect(await seenIds(b.page)).not.toContain(refused[0]);
    expect(c.errors).toEqual([]);
  });

  it('refuses a box drawn offline by a reader lowered to observer meanwhile: it vanishes on reconnect, the reason is shown, nobody else sees it', async () => {
    const before = await boxIds(b.page);
    await startRecording(b.page);
    await a.context.setOffline(true);
    await waitFor(a.page, (h) => h.saveState === 'offline', undefined);
    await drawBox(a.page, { x: 40, y: 150, width: 35, height: 25 });
    await waitFor(a.page, (h, n) => h.documentBoxes().length === n + 1, before.length);
    const refused = (await boxIds(a.page)).filter((id) => !before.includes(id));
    expect(refused).toHaveLength(1);
    await fx.admin('PUT', `/api/projects/${fx.projectId}/members/${fx.userIds.get('reader1')}`, { role: 'observer' });
    expect(await rr(a.page, (h) => [h.role, h.canDraw])).toEqual(['reader', true]); // the page was not told

    // Back online, A's provider sends the box to the server, which refuses it: A is an observer now.
    await a.context.setOffline(false);
    await waitFor(a.page, (h) => (h.notice ?? '').includes('read_only'), undefined, 15_000);
    expect(await a.page.getByTestId('notice').textContent()).toContain('your role (observer) may only read this document');
    await waitFor(a.page, (h, id) => h.synced && !h.documentBoxes().some((d) => d.id === id), refused[0]!, 10_000);
    await waitFor(a.page, (h, id) => !h.shownBoxes().some((s) => s.id === id), refused[0]!, 5000);
    await a.page.screenshot({ path: `${ARTIFACTS}rejected-edit-observer.png` });
    await a.page.waitForTimeout(500);
    expect(await seenIds(b.page)).not.toContain(refused[0]);
    expect(await boxIds(b.page)).toEqual(before);
    expect(await boxIds(a.page)).toEqual(before);

    // The page read the new role: no more drawing, the primary button adjusts the window instead.
    await waitFor(a.page, (h) => h.role === 'observer' && !h.canDraw && h.pointerMode === 'windowLevel', undefined, 5000);
    expect(await a.page.getByTestId('mode-box').isDisabled()).toBe(true);
    await drawBox(a.page, { x: 40, y: 150, width: 35, height: 25 });
    await a.page.waitForTimeout(300);
    expect(await boxIds(a.page)).toEqual(before);
    expect(await rr(a.page, (h) => h.undo())).toBe(false);
  });

  it('follows a role change made while the page is online: the server reconnects it with the new grant', async () => {
    // A is an observer (previous test). The server closes A's connection with 4403 "role changed;
    // reconnect"; the page reconnects (the stock provider would stay offline) and reads its role.
    await startRecording(a.page);
    await fx.admin('PUT', `/api/projects/${fx.projectId}/members/${fx.userIds.get('reader1')}`, { role: 'reader' });
    await a.page.waitForFunction(() => (globalThis as unknown as Recorder).__wentOffline && (globalThis as unknown as Recorder).__rr.synced, null, {
      timeout: 10_000,
      polling: 20,
    });
    await waitFor(a.page, (h) => h.role === 'reader' && h.canDraw, undefined, 5000);
    await a.page.click('[data-testid=mode-box]');
    const before = await boxIds(b.page);
    await drawBox(a.page, { x: 150, y: 150, width: 30, height: 30 });
    await waitFor(b.page, (h, n) => h.documentBoxes().length === n + 1, before.length, 5000);
    await waitFor(a.page, (h) => h.saveState === 'saved', undefined);
    expect(await boxIds(a.page)).toEqual(await boxIds(b.page));
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
