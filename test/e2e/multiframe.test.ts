import { fileURLToPath } from 'node:url';
import { generateMultiFrame } from '@readingroom/demo-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasGreyAt } from './support/canvas';
import { startCollabFixture, type CollabFixture, type StudyPage } from './support/collab-session';
import { drawBox, rr, waitFor } from './support/study-hook';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

// The demo's 24-frame cine (one Multi-frame Grayscale Byte SC instance): a bright disc (215)
// circles over a darker textured background (about 60-120), so frames differ where the disc is.
const cine = generateMultiFrame();
const FRAME = 5;
const disc = cine.frames[FRAME]!;
const discCentre = { column: Math.round(disc.centre.column), row: Math.round(disc.centre.row) };

describe('a multi-frame cine scrolls frame by frame, and a box belongs to its frame', () => {
  let fx: CollabFixture;
  let a: StudyPage;
  let b: StudyPage;

  beforeAll(async () => {
    fx = await startCollabFixture(
      [
        { username: 'reader1', role: 'reader' },
        { username: 'reader2', role: 'reader' },
      ],
      {
        series: {
          files: [cine.file],
          studyInstanceUid: cine.studyInstanceUid,
          seriesInstanceUid: cine.seriesInstanceUid,
          imageCount: cine.numberOfFrames,
        },
      },
    );
    [a, b] = await Promise.all([fx.openStudy('reader1'), fx.openStudy('reader2')]);
  }, 240_000);

  afterAll(async () => {
    await fx?.close();
  });

  it('stacks one image per frame, each read through its own WADO-RS frame URL', async () => {
    expect(await rr(a.page, (h) => h.error)).toBeNull();
    const stack = await rr(a.page, (h) => h.stackImages());
    expect(stack.map((s) => [s.sopInstanceUid, s.frame])).toEqual(cine.frames.map((f) => [cine.sopInstanceUid, f.frameIndex + 1]));
    const imageIds = await rr(a.page, (h) => h.imageIds);
    const seriesUrl = `${fx.server.url}/dicomweb/studies/${cine.studyInstanceUid}/series/${cine.seriesInstanceUid}`;
    expect(imageIds).toEqual(cine.frames.map((f) => `wadors:${seriesUrl}/instances/${cine.sopInstanceUid}/frames/${f.frameIndex + 1}`));
  });

  it('shows another frame on each wheel step: the disc of frame 5 is where frame 0 has background', async () => {
    await rr(a.page, (h) => h.showImage(0));
    // Decoded pixels: the disc is at its frame-5 place only on frame 5.
    const onFrame5 = await rr(a.page, (h, p) => h.getPixel(p.frame, p.column, p.row), { frame: FRAME, ...discCentre });
    const onFrame0 = await rr(a.page, (h, p) => h.getPixel(0, p.column, p.row), discCentre);
    expect(onFrame5.modality).toBeGreaterThan(190);
    expect(onFrame0.modality).toBeLessThan(150);

    // What is drawn: grey level of the canvas at the disc's frame-5 centre, before and after scrolling.
    const [cx, cy] = await rr(a.page, (h, p) => h.canvasPixelOf(p.column, p.row), discCentre);
    const greyOnFrame0 = await canvasGreyAt(a.page, cx, cy, 2);
    const [px, py] = await rr(a.page, (h) => h.pagePointOf(128, 128));
    await a.page.mouse.move(px, py);
    for (let step = 1; step <= FRAME; step++) {
      await a.page.mouse.wheel(0, 100);
      await waitFor(a.page, (h, i) => h.currentImageIndex === i, step, 5000);
    }
    const imageIds = await rr(a.page, (h) => h.imageIds);
    await waitFor(a.page, (h, id) => h.renderedImageId === id, imageIds[FRAME]!, 5000);
    const greyOnFrame5 = await canvasGreyAt(a.page, cx, cy, 2);
    expect(greyOnFrame5 - greyOnFrame0).toBeGreaterThan(40);
    expect(await a.page.getByTestId('slice').textContent()).toBe(`Image ${FRAME + 1} / ${cine.numberOfFrames}`);
  });

  it("saves a box drawn on frame 5 with frameIndex 5, and a colleague's page shows it on frame 5 only", async () => {
    await rr(a.page, (h, i) => h.showImage(i), FRAME);
    await drawBox(a.page, { x: disc.box.x, y: disc.box.y, width: disc.box.width, height: disc.box.height });
    await waitFor(a.page, (h) => h.documentBoxes().length === 1 && h.saveState === 'saved', undefined);
    const [drawn] = await rr(a.page, (h) => h.documentBoxes());
    expect(drawn!.sopInstanceUid).toBe(cine.sopInstanceUid);
    expect(drawn!.frameIndex).toBe(FRAME);
    expect(Math.abs(drawn!.geometry.x - disc.box.x)).toBeLessThan(1);
    expect(Math.abs(drawn!.geometry.width - disc.box.width)).toBeLessThan(1);

    // B received it through the server, with the same frame, and draws it on that frame only.
    await waitFor(b.page, (h, id) => h.documentBoxes().some((d) => d.id === id), drawn!.id, 5000);
    const onB = (await rr(b.page, (h) => h.documentBoxes())).find((d) => d.id === drawn!.id)!;
    expect([onB.sopInstanceUid, onB.frameIndex]).toEqual([cine.sopInstanceUid, FRAME]);
    const imageIds = await rr(b.page, (h) => h.imageIds);
    await waitFor(b.page, (h, e) => h.shownBoxes().some((s) => s.id === e.id && s.imageId === e.imageId), { id: drawn!.id, imageId: imageIds[FRAME]! }, 5000);
    for (const frame of [FRAME, FRAME - 1, FRAME + 1, 0, FRAME, 23]) {
      await rr(b.page, (h, i) => h.showImage(i), frame);
      const expected = frame === FRAME;
      await waitFor(b.page, (h, e) => h.renderedBoxes().some((r) => r.id === e.id) === e.expected, { id: drawn!.id, expected }, 5000);
      // Still so a few frames later (the overlay is redrawn after the image).
      await b.page.waitForTimeout(150);
      expect({ frame, drawn: (await rr(b.page, (h) => h.renderedBoxes())).some((r) => r.id === drawn!.id) }).toEqual({ frame, drawn: expected });
      if (frame === FRAME) await b.page.screenshot({ path: `${ARTIFACTS}multiframe-b-frame-5.png` });
    }
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
