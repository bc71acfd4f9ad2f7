import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCtSeries, type LesionSliceTruth } from '@readingroom/demo-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasGreyAt, canvasStats } from './support/canvas';
import { readFilePixels } from './support/dicom-pixels';
import { indexOfSop, openSeriesInViewer, type ViewerSession } from './support/viewer-session';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

// 48 slices of 5 mm cover z = -117.5..117.5 mm, with every default nodule, and import in seconds.
const ct = generateCtSeries({ sliceCount: 48, sliceSpacingMm: 5 });
const files = ct.files.map((file) => readFilePixels(file.bytes));
const nodule = [...ct.lesions].sort((a, b) => b.diameterMm - a.diameterMm)[0]!;
const noduleSlice: LesionSliceTruth = nodule.slices.find((s) => s.sliceIndex === nodule.middleSliceIndex)!;
const noduleCentre = {
  column: Math.round((noduleSlice.pixels.firstColumn + noduleSlice.pixels.lastColumn) / 2),
  row: Math.round((noduleSlice.pixels.firstRow + noduleSlice.pixels.lastRow) / 2),
};
// 6 pixels (8.4 mm) beyond the nodule's edge, towards the patient's side: aerated lung.
const lungPoint = { column: noduleSlice.pixels.firstColumn - 6, row: noduleCentre.row };
const airPoint = { column: 2, row: 2 };

describe('the web client renders an imported CT series through the DICOMweb endpoints', () => {
  let viewer: ViewerSession;

  beforeAll(async () => {
    viewer = await openSeriesInViewer(ct);
    console.info(`render-ct setup (ms): ${JSON.stringify(viewer.timings)}`);
  }, 240_000);

  afterAll(async () => {
    await viewer?.close();
  });

  it('renders the first slice, with every slice of the series stacked in patient order', async () => {
    expect(await viewer.hook((rr) => rr.error)).toBeNull();
    const imageIds = await viewer.hook((rr) => rr.imageIds);
    // Ascending z, as generated: image i of the stack is file i.
    expect(imageIds).toHaveLength(ct.files.length);
    expect(ct.slices.map((slice) => indexOfSop(imageIds, slice.sopInstanceUid))).toEqual(ct.slices.map((_, i) => i));
    const seriesUrl = `${viewer.server.url}/dicomweb/studies/${ct.studyInstanceUid}/series/${ct.seriesInstanceUid}`;
    expect(imageIds[0]).toBe(`wadors:${seriesUrl}/instances/${ct.slices[0]!.sopInstanceUid}/frames/1`);
    expect(await viewer.hook((rr) => rr.renderedImageId)).toBe(imageIds[0]);
    expect(await viewer.hook((rr) => rr.currentImageIndex)).toBe(0);
  });

  it('gives back exactly the HU stored in the imported files', async () => {
    const size = ct.columns;
    const last = ct.files.length - 1;
    const mid = Math.floor(ct.files.length / 2);
    const points: Array<[number, number, number]> = [
      [0, 0, 0],
      [0, size / 2, size / 2],
      [mid, size / 2, size / 2],
      [mid, 37, 201],
      [nodule.middleSliceIndex, noduleCentre.column, noduleCentre.row],
      [last, size - 1, size - 1],
      [last, 100, 60],
    ];
    for (const [index, column, row] of points) {
      const { modality } = await viewer.pixel(index, column, row);
      expect({ index, column, row, modality }).toEqual({ index, column, row, modality: files[index]!.modality(column, row) });
    }
  });

  it('shows air, lung and a nodule at their Hounsfield values', async () => {
    const index = nodule.middleSliceIndex;
    const air = await viewer.pixel(index, airPoint.column, airPoint.row);
    const lung = await viewer.pixel(index, lungPoint.column, lungPoint.row);
    const lesion = await viewer.pixel(index, noduleCentre.column, noduleCentre.row);
    expect(air.modality).toBeGreaterThanOrEqual(-1024);
    expect(air.modality).toBeLessThan(-940);
    expect(Math.abs(lung.modality - -850)).toBeLessThanOrEqual(100);
    expect(Math.abs(lesion.modality - nodule.hu)).toBeLessThanOrEqual(60);
    // Slope 1, intercept 0: stored values are HU.
    expect(lesion.stored).toBe(lesion.modality);
  });

  it('draws air, lung and the nodule at the grey levels of the series window', async () => {
    const index = nodule.middleSliceIndex;
    await viewer.showImage(index);
    const imageIds = await viewer.hook((rr) => rr.imageIds);
    expect(await viewer.hook((rr) => rr.renderedImageId)).toBe(imageIds[index]);
    expect(await viewer.page.getByTestId('slice').textContent()).toBe(`Image ${index + 1} / ${imageIds.length}`);

    const stats = await canvasStats(viewer.page);
    expect(stats.width).toBeGreaterThan(100);
    expect(stats.variance).toBeGreaterThan(200);

    const greyAt = async ({ column, row }: { column: number; row: number }) => {
      const [x, y] = await viewer.canvasPixelOf(column, row);
      return canvasGreyAt(viewer.page, x, y);
    };
    const air = await greyAt(airPoint);
    const lung = await greyAt(lungPoint);
    const lesion = await greyAt(noduleCentre);
    // The series' first window is the lung window (centre -600, width 1500, i.e. -1350..150 HU
    // onto 0..255): air ≈ 60, lung ≈ 85, nodule ≈ 232.
    expect(air).toBeGreaterThan(35);
    expect(air).toBeLessThan(85);
    expect(lung - air).toBeGreaterThan(10);
    expect(lesion - lung).toBeGreaterThan(100);

    mkdirSync(ARTIFACTS, { recursive: true });
    await viewer.page.screenshot({ path: join(ARTIFACTS, 'render-ct.png') });
    expect(viewer.pageErrors).toEqual([]);
  });
});
