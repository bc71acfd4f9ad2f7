import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS, startCollabFixture, type CollabFixture, type StudyPage } from './support/collab-session';
import { dragImage, drawBox, rr, waitFor } from './support/study-hook';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const DASHED = '6,4';

describe('3D boxes span a slice range and appear live on every slice of it', () => {
  let fx: CollabFixture;
  let a: StudyPage;
  let b: StudyPage;
  let boxId = '';

  beforeAll(async () => {
    fx = await startCollabFixture(
      [
        { username: 'reader1', role: 'reader' },
        { username: 'reader2', role: 'reader' },
      ],
      { sliceCount: 24, labels: [...LABELS, { name: 'lesion', colour: '#3cb44b', hotkey: 'l', kind: 'box3d' }] },
    );
    [a, b] = await Promise.all([fx.openStudy('reader1'), fx.openStudy('reader2')]);
  }, 240_000);

  afterAll(async () => {
    await fx?.close();
  });

  /** What B's viewport draws for the box on slice `index` (null: not drawn), once it settled. */
  async function drawnOnB(index: number, expected: { drawn: boolean; dash?: string | null }): Promise<void> {
    await rr(b.page, (h, i) => h.showImage(i), index);
    await waitFor(
      b.page,
      (h, e) => {
        const box = h.renderedBoxes().find((r) => r.id === e.id);
        return e.drawn ? !!box && box.dash === e.dash : !box;
      },
      { id: boxId, ...expected },
      5000,
    );
  }

  it("draws a one-slice 3D box with a 3D label, then sets its first and last slice with '[' and ']'", async () => {
    await rr(a.page, (h) => h.showImage(15));
    await a.page.mouse.move(10, 400);
    await a.page.keyboard.press('l');
    await drawBox(a.page, { x: 60, y: 70, width: 40, height: 30 });
    await waitFor(a.page, (h) => h.documentBoxes().some((d) => d.kind === 'box3d'), undefined);
    const drawn = (await rr(a.page, (h) => h.documentBoxes())).find((d) => d.kind === 'box3d')!;
    boxId = drawn.id;
    expect(drawn.label).toBe('lesion');
    expect([drawn.geometry.firstSliceIndex, drawn.geometry.lastSliceIndex]).toEqual([15, 15]);
    expect(await rr(a.page, (h) => h.selectedId)).toBe(boxId);

    await rr(a.page, (h) => h.showImage(10));
    await a.page.keyboard.press('[');
    await rr(a.page, (h) => h.showImage(20));
    await a.page.keyboard.press(']');
    await waitFor(a.page, (h, id) => h.documentBoxes().some((d) => d.id === id && d.geometry.firstSliceIndex === 10 && d.geometry.lastSliceIndex === 20), boxId);
    const stack = await rr(a.page, (h) => h.stackImages());
    const extended = (await rr(a.page, (h) => h.documentBoxes())).find((d) => d.id === boxId)!;
    expect(extended.geometry.firstSopInstanceUid).toBe(stack[10]!.sopInstanceUid);
    expect(extended.geometry.lastSopInstanceUid).toBe(stack[20]!.sopInstanceUid);
    // The in-plane rectangle did not move.
    expect(Math.abs(extended.geometry.x - drawn.geometry.x)).toBeLessThan(0.02);
    expect(Math.abs(extended.geometry.width - drawn.geometry.width)).toBeLessThan(0.02);
  });

  it("shows A's 3D box on B's page dashed between the key slices, solid on them, and nowhere else", async () => {
    const imageIds = await rr(b.page, (h) => h.imageIds);
    await waitFor(b.page, (h, e) => h.shownBoxes().some((s) => s.id === e.id && s.imageId === e.first && s.endImageId === e.last), { id: boxId, first: imageIds[10], last: imageIds[20] }, 2000);
    await drawnOnB(15, { drawn: true, dash: DASHED });
    await b.page.screenshot({ path: `${ARTIFACTS}box3d-b-slice-15-dashed.png` });
    await drawnOnB(10, { drawn: true, dash: null });
    await b.page.screenshot({ path: `${ARTIFACTS}box3d-b-slice-10-solid.png` });
    await drawnOnB(20, { drawn: true, dash: null });
    await drawnOnB(21, { drawn: false });
    await drawnOnB(9, { drawn: false });
    // Drawn at the same image coordinates as on A's page.
    const shown = (await rr(b.page, (h) => h.shownBoxes())).find((s) => s.id === boxId)!;
    const stored = (await rr(a.page, (h) => h.documentBoxes())).find((d) => d.id === boxId)!;
    expect(Math.abs(shown.x - stored.geometry.x)).toBeLessThan(0.02);
    expect(Math.abs(shown.height - stored.geometry.height)).toBeLessThan(0.02);
  });

  it('moves the 3D box in plane on every slice when A drags it on a middle slice, keeping its range', async () => {
    const before = (await rr(a.page, (h) => h.documentBoxes())).find((d) => d.id === boxId)!;
    const { x, y, width, height } = before.geometry;
    await rr(a.page, (h) => h.showImage(14));
    // Dragging an edge (not a corner) moves the whole box: 10 px to the left.
    await dragImage(a.page, [x, y + height / 2], [x - 10, y + height / 2], 5);
    await waitFor(b.page, (h, e) => h.documentBoxes().some((d) => d.id === e.id && Math.abs(d.geometry.x - (e.x - 10)) < 1.5), { id: boxId, x });
    const after = (await rr(b.page, (h) => h.documentBoxes())).find((d) => d.id === boxId)!;
    expect([after.geometry.firstSliceIndex, after.geometry.lastSliceIndex]).toEqual([10, 20]);
    expect(Math.abs(after.geometry.width - width)).toBeLessThan(0.02);
    await drawnOnB(12, { drawn: true, dash: DASHED });
    const shown = (await rr(b.page, (h) => h.shownBoxes())).find((s) => s.id === boxId)!;
    expect(Math.abs(shown.x - after.geometry.x)).toBeLessThan(0.02);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
