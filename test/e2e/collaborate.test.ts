import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollabFixture, type CollabFixture, type StudyPage } from './support/collab-session';
import { dragImage, drawBox, rr, waitFor } from './support/study-hook';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const near = (a: number, b: number) => Math.abs(a - b) < 0.02;

describe('several readers annotate the same study live in the web client', () => {
  let fx: CollabFixture;
  let a: StudyPage; // reader1: a reader
  let b: StudyPage; // adjudicator: may edit others' boxes
  let c: StudyPage; // reader2: a third reader watching

  beforeAll(async () => {
    fx = await startCollabFixture([
      { username: 'reader1', role: 'reader' },
      { username: 'adjudicator', role: 'adjudicator' },
      { username: 'reader2', role: 'reader' },
    ]);
    [a, b, c] = await Promise.all([fx.openStudy('reader1'), fx.openStudy('adjudicator'), fx.openStudy('reader2')]);
  }, 240_000);

  afterAll(async () => {
    await fx?.close();
  });

  const boxesOf = (page: StudyPage) =>
    rr(page.page, (h) => h.documentBoxes().map((x) => ({ id: x.id, label: x.label, author: x.author, geometry: x.geometry })).sort((p, q) => p.id.localeCompare(q.id)));

  it("shows A's new box on B's and C's pages within a second, at the same image coordinates", async () => {
    for (const p of [a, b, c]) await rr(p.page, (h) => h.showImage(10));
    const before = await rr(a.page, (h) => h.documentBoxes().length);
    await drawBox(a.page, { x: 60, y: 70, width: 40, height: 30 });
    const drawnAt = Date.now();
    await waitFor(a.page, (h, n) => h.documentBoxes().length === n + 1, before);
    const [drawn] = await rr(a.page, (h) => h.documentBoxes());
    expect(drawn!.label).toBe('nodule');
    expect(drawn!.author).toBe(await rr(a.page, (h) => h.userId));
    // The mouse went from (60, 70) to (100, 100): the stored box is where it was drawn.
    expect(Math.abs(drawn!.geometry.x - 60)).toBeLessThan(1);
    expect(Math.abs(drawn!.geometry.width - 40)).toBeLessThan(1);
    for (const other of [b, c]) {
      await waitFor(other.page, (h, id) => h.shownBoxes().some((s) => s.id === id), drawn!.id, 1000);
      const shown = (await rr(other.page, (h) => h.shownBoxes())).find((s) => s.id === drawn!.id)!;
      expect(near(shown.x, drawn!.geometry.x) && near(shown.y, drawn!.geometry.y)).toBe(true);
      expect(near(shown.width, drawn!.geometry.width) && near(shown.height, drawn!.geometry.height)).toBe(true);
      expect(shown.label).toBe('nodule');
    }
    console.info(`box visible on the other pages ${Date.now() - drawnAt} ms after the mouse was released`);
    await b.page.screenshot({ path: `${ARTIFACTS}collab-b-sees-a-box.png` });
  });

  it("ends with A's geometry and B's label when A moves a box while B relabels it", async () => {
    const [box] = await rr(a.page, (h) => h.documentBoxes());
    const { x, y, width } = box!.geometry;
    // B (adjudicator) selects A's box and presses the hotkey of "mass" while A drags its top edge.
    await rr(b.page, (h, id) => h.select(id), box!.id);
    await Promise.all([
      dragImage(a.page, [x + width / 2, y], [x + width / 2 + 30, y + 20], 6),
      b.page.keyboard.press('m'),
    ]);
    await waitFor(a.page, (h) => h.saveState === 'saved', undefined);
    await waitFor(b.page, (h) => h.saveState === 'saved', undefined);
    const expected = { label: 'mass', x: x + 30, y: y + 20 };
    for (const p of [a, b, c]) {
      await waitFor(p.page, (h, e) => h.documentBoxes().some((d) => d.label === e.label && Math.abs(d.geometry.x - e.x) < 1.5 && Math.abs(d.geometry.y - e.y) < 1.5), expected);
    }
    const [onA = [], onB, onC] = await Promise.all([a, b, c].map(boxesOf));
    expect(onB).toEqual(onA);
    expect(onC).toEqual(onA);
    expect(onA[0]!.author).toBe(await rr(a.page, (h) => h.userId));
  });

  it('merges edits A made offline with B\'s concurrent edits when A comes back, losing nothing', async () => {
    await a.context.setOffline(true);
    await waitFor(a.page, (h) => h.saveState === 'offline', undefined);
    const before = (await boxesOf(a)).length;
    await drawBox(a.page, { x: 150, y: 150, width: 30, height: 25 });
    await drawBox(a.page, { x: 30, y: 180, width: 20, height: 20 });
    await waitFor(a.page, (h, n) => h.documentBoxes().length === n + 2, before);
    const offline = (await rr(a.page, (h) => h.documentBoxes())).filter((d) => d.geometry.x > 25);
    const moved = offline.find((d) => Math.abs(d.geometry.x - 150) < 1)!;
    const doomed = offline.find((d) => Math.abs(d.geometry.x - 30) < 1)!;
    // Move the first (drag its left edge's midpoint), delete the second (select + Delete).
    await dragImage(a.page, [150, 150 + 12.5], [140, 150 + 12.5], 5);
    await rr(a.page, (h, id) => h.select(id), doomed.id);
    await a.page.keyboard.press('Delete');
    // Meanwhile B, online, draws a box of its own.
    await drawBox(b.page, { x: 190, y: 40, width: 25, height: 25 });
    await waitFor(a.page, (h, id) => !h.documentBoxes().some((d) => d.id === id), doomed.id);
    expect(await rr(a.page, (h) => h.saveState)).toBe('offline');
    await a.context.setOffline(false);
    for (const p of [a, b, c]) await waitFor(p.page, (h) => h.saveState === 'saved', undefined, 15_000);
    await waitFor(b.page, (h, n) => h.documentBoxes().length === n, before + 2, 10_000);
    await waitFor(a.page, (h, n) => h.documentBoxes().length === n, before + 2, 10_000);
    const [onA = [], onB, onC] = await Promise.all([a, b, c].map(boxesOf));
    expect(onB).toEqual(onA);
    expect(onC).toEqual(onA);
    const movedNow = onA.find((d) => d.id === moved.id)!;
    expect(Math.abs(movedNow.geometry.x - (moved.geometry.x - 10))).toBeLessThan(1.5);
    expect(onA.some((d) => d.id === doomed.id)).toBe(false);
    expect(onA.some((d) => Math.abs(d.geometry.x - 190) < 1)).toBe(true);
    await a.page.screenshot({ path: `${ARTIFACTS}collab-two-authors-a.png` });
    await b.page.screenshot({ path: `${ARTIFACTS}collab-two-authors-b.png` });
  });

  it("shows slice 40 with A's window/level on B's page when B follows A", async () => {
    const aId = await rr(a.page, (h) => h.userId);
    await rr(b.page, (h, id) => h.follow(id), aId);
    await a.page.mouse.move(10, 400); // keyboard focus on the page, not on a panel control
    const from = await rr(a.page, (h) => h.currentImageIndex);
    for (let i = from; i < 40; i++) await a.page.keyboard.press('ArrowDown');
    await waitFor(a.page, (h) => h.currentImageIndex === 40, undefined);
    await a.page.click('[data-testid=mode-windowLevel]');
    await dragImage(a.page, [128, 128], [168, 100], 6);
    const voiA = await rr(a.page, (h) => h.voi);
    await waitFor(b.page, (h, v) => h.currentImageIndex === 40 && !!h.voi && Math.abs(h.voi.lower - v!.lower) < 0.01 && Math.abs(h.voi.upper - v!.upper) < 0.01, voiA, 5000);
    expect(await rr(b.page, (h) => h.parallelScale)).toBeCloseTo((await rr(a.page, (h) => h.parallelScale))!, 3);
    await a.page.click('[data-testid=mode-box]');
    await rr(b.page, (h) => h.follow(null));
    await b.page.screenshot({ path: `${ARTIFACTS}collab-b-follows-a.png` });
  });

  it("undoes only A's last change, not B's concurrent one", async () => {
    const before = await boxesOf(b);
    await drawBox(a.page, { x: 100, y: 30, width: 30, height: 30 });
    await drawBox(b.page, { x: 40, y: 30, width: 30, height: 30 });
    await waitFor(a.page, (h, n) => h.documentBoxes().length === n + 2, before.length);
    const mine = (await rr(a.page, (h) => h.documentBoxes())).find((d) => Math.abs(d.geometry.x - 100) < 1)!;
    const theirs = (await rr(a.page, (h) => h.documentBoxes())).find((d) => Math.abs(d.geometry.x - 40) < 1)!;
    await a.page.keyboard.press('Control+z');
    for (const p of [a, b]) await waitFor(p.page, (h, id) => !h.documentBoxes().some((d) => d.id === id), mine.id);
    const onB = await boxesOf(b);
    expect(onB.some((d) => d.id === theirs.id)).toBe(true);
    expect(onB.map((d) => d.id).sort()).toEqual([...before.map((d) => d.id), theirs.id].sort());
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
