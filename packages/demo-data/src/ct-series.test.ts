import dcmjs from 'dcmjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TISSUE_HU } from './chest-phantom';
import { CT_IMAGE_STORAGE, generateCtSeries, type CtSeries } from './ct-series';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLEMENTATION_CLASS_UID } from './part10-writer';
import { numbers, pixelOf, readBack, type ReadBack } from './testing/read-back';

const UID = /^2\.25\.[1-9]\d*$/;
// Noise is σ = 12 HU; a single pixel stays within ±5σ of its tissue.
const PIXEL_TOLERANCE = 60;
const SLOW = 60_000;

let series: CtSeries;
let images: ReadBack[];
let timing: { wallMs: number; cpuMs: number };

beforeAll(() => {
  const cpu = process.cpuUsage();
  const start = performance.now();
  series = generateCtSeries();
  const used = process.cpuUsage(cpu);
  timing = { wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
  images = series.files.map((file) => readBack(file.bytes));
}, SLOW);

function image(index: number): ReadBack {
  const found = images[index];
  if (found === undefined) throw new Error(`no slice ${index}`);
  return found;
}

describe('generateCtSeries', () => {
  it('generates the default series of 128 slices of 256 × 256 (time reported; speed lives in benchmarks)', () => {
    console.info(
      `demo-data: 128 × 256 × 256 CT generated in ${timing.wallMs.toFixed(0)} ms wall, ${timing.cpuMs.toFixed(0)} ms CPU`,
    );
    expect(series.files).toHaveLength(128);
  });

  it('writes every slice as CT Image Storage, Explicit VR Little Endian, with complete file meta', () => {
    for (const [index, { dataSet }] of images.entries()) {
      expect(dataSet.string('x00020002')).toBe(CT_IMAGE_STORAGE);
      expect(dataSet.string('x00020003')).toBe(dataSet.string('x00080018'));
      expect(dataSet.string('x00020010')).toBe(EXPLICIT_VR_LITTLE_ENDIAN);
      expect(dataSet.string('x00020012')).toBe(IMPLEMENTATION_CLASS_UID);
      expect(dataSet.string('x00080016')).toBe(CT_IMAGE_STORAGE);
      expect(dataSet.string('x00080060')).toBe('CT');
      expect(dataSet.uint16('x00280010')).toBe(256);
      expect(dataSet.uint16('x00280011')).toBe(256);
      expect(numbers(dataSet, 'x00280030')).toEqual([1.4, 1.4]);
      expect(numbers(dataSet, 'x00200037')).toEqual([1, 0, 0, 0, 1, 0]);
      expect(dataSet.uint16('x00280103')).toBe(1);
      expect(dataSet.floatString('x00281053')).toBe(1);
      expect(dataSet.floatString('x00281052')).toBe(0);
      expect(dataSet.intString('x00200013')).toBe(index + 1);
      expect(dataSet.string('x00200052')).toBe(series.frameOfReferenceUid);
      expect(dataSet.elements.x7fe00010?.length).toBe(256 * 256 * 2);
    }
  });

  it('sets a lung window first and never a zero window width', () => {
    const { dataSet } = image(0);
    expect(numbers(dataSet, 'x00281050')).toEqual([-600, 40]);
    expect(numbers(dataSet, 'x00281051')).toEqual([1500, 400]);
    for (const { dataSet: ds } of images) expect(numbers(ds, 'x00281051').every((w) => w > 0)).toBe(true);
    const mediastinal = generateCtSeries({ sliceCount: 1, window: 'mediastinum' });
    expect(numbers(readBack(mediastinal.files[0]!.bytes).dataSet, 'x00281051')).toEqual([400, 1500]);
  });

  it('places slices ascending along z, exactly one slice spacing apart, with matching SliceLocation', () => {
    const zs = images.map(({ dataSet }) => numbers(dataSet, 'x00200032')[2] ?? Number.NaN);
    for (let i = 1; i < zs.length; i++) expect(zs[i]! - zs[i - 1]!).toBeCloseTo(2.5, 6);
    expect(zs[0]).toBeCloseTo(-158.75, 6);
    for (const { dataSet } of images) {
      expect(dataSet.floatString('x00201041')).toBe(numbers(dataSet, 'x00200032')[2]);
      expect(dataSet.floatString('x00180050')).toBe(2.5);
      expect(dataSet.floatString('x00180088')).toBe(2.5);
    }
  });

  it('describes a synthetic patient and uses unique, well-formed 2.25 UIDs', () => {
    const { dataSet } = image(0);
    expect(dataSet.string('x00100010')).toBe('DEMO^CHEST');
    expect(dataSet.string('x00100020')).toBe('RR-DEMO-001');
    expect(dataSet.string('x00081030')).toMatch(/synthetic/i);
    expect(dataSet.string('x0008103e')).toBeTruthy();
    const uids = [series.studyInstanceUid, series.seriesInstanceUid, series.frameOfReferenceUid, ...series.slices.map((s) => s.sopInstanceUid)];
    for (const uid of uids) {
      expect(uid).toMatch(UID);
      expect(uid.length).toBeLessThanOrEqual(64);
    }
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('stores realistic HU: air outside the body, lung, soft tissue, contrast-filled aorta and vertebral bone', () => {
    const mid = image(64);
    const at = (x: number, y: number): number => {
      const { column, row } = pixelOf(mid.dataSet, x, y);
      return mid.mean(column, row, 2);
    };
    expect(mid.value(2, 2)).toBeGreaterThanOrEqual(-1024);
    expect(Math.abs(mid.mean(10, 10, 3) - TISSUE_HU.air)).toBeLessThan(10);
    expect(Math.abs(at(-68, 5) - TISSUE_HU.lung)).toBeLessThan(15);
    expect(Math.abs(at(80, 5) - TISSUE_HU.lung)).toBeLessThan(15);
    expect(Math.abs(at(28, 45) - TISSUE_HU.contrastAorta)).toBeLessThan(15);
    const heartSlice = image(46); // z = -43.75, near the heart's centre
    const heart = pixelOf(heartSlice.dataSet, 18, -22);
    expect(Math.abs(heartSlice.mean(heart.column, heart.row, 2) - TISSUE_HU.heart)).toBeLessThan(15);
    expect(Math.abs(at(-155, 5) - TISSUE_HU.fat)).toBeLessThan(20);
    const vertebra = images.map((img) => {
      const { column, row } = pixelOf(img.dataSet, 0, 68);
      return img.mean(column, row, 2);
    });
    // Vertebral bodies (cancellous) alternate with discs along z.
    expect(vertebra.some((hu) => Math.abs(hu - TISSUE_HU.cancellousBone) < 15)).toBe(true);
    expect(vertebra.some((hu) => Math.abs(hu - TISSUE_HU.disc) < 15)).toBe(true);
  });

  it('gives each nodule a contiguous slice range around its centre and a box matching its diameter', () => {
    expect(series.lesions.map((l) => l.id)).toEqual(['nodule-1', 'nodule-2', 'nodule-3', 'nodule-4']);
    for (const lesion of series.lesions) {
      const radius = lesion.diameterMm / 2;
      expect(lesion.slices.map((s) => s.sliceIndex)).toEqual(
        Array.from({ length: lesion.lastSliceIndex - lesion.firstSliceIndex + 1 }, (_, i) => lesion.firstSliceIndex + i),
      );
      for (const s of lesion.slices) {
        expect(Math.abs(s.zMm - lesion.centreMm[2])).toBeLessThanOrEqual(radius);
        expect(s.sopInstanceUid).toBe(series.slices[s.sliceIndex]?.sopInstanceUid);
        expect(s.box).toEqual({
          x: s.pixels.firstColumn - 0.5,
          y: s.pixels.firstRow - 0.5,
          width: s.pixels.lastColumn - s.pixels.firstColumn + 1,
          height: s.pixels.lastRow - s.pixels.firstRow + 1,
        });
      }
      const middle = lesion.slices.find((s) => s.sliceIndex === lesion.middleSliceIndex);
      expect(middle).toBeDefined();
      expect(Math.abs(middle!.zMm - lesion.centreMm[2])).toBeLessThanOrEqual(1.25);
      const expectedWidth = (2 * Math.sqrt(radius ** 2 - (middle!.zMm - lesion.centreMm[2]) ** 2)) / 1.4;
      expect(Math.abs(middle!.box.width - expectedWidth)).toBeLessThanOrEqual(1.5);
      expect(lesion.box3d.firstSopInstanceUid).toBe(series.slices[lesion.firstSliceIndex]?.sopInstanceUid);
      expect(lesion.box3d.width).toBeGreaterThanOrEqual(middle!.box.width);
    }
  });

  it('draws each nodule at its HU inside the middle-slice box, with lung 3 px outside the box', () => {
    for (const lesion of series.lesions) {
      const truth = lesion.slices.find((s) => s.sliceIndex === lesion.middleSliceIndex)!;
      const img = image(truth.sliceIndex);
      const { firstColumn, lastColumn, firstRow, lastRow } = truth.pixels;
      const centreColumn = Math.round((firstColumn + lastColumn) / 2);
      const centreRow = Math.round((firstRow + lastRow) / 2);
      expect(Math.abs(img.value(centreColumn, centreRow) - lesion.hu)).toBeLessThan(PIXEL_TOLERANCE);
      const outside = [
        [firstColumn - 3, centreRow],
        [lastColumn + 3, centreRow],
        [centreColumn, firstRow - 3],
        [centreColumn, lastRow + 3],
      ] as const;
      for (const [column, row] of outside) {
        expect(Math.abs(img.value(column, row) - TISSUE_HU.lung)).toBeLessThan(PIXEL_TOLERANCE);
      }
      // Every nodule-bright pixel near the nodule lies inside the box.
      for (let row = firstRow - 6; row <= lastRow + 6; row++) {
        for (let column = firstColumn - 6; column <= lastColumn + 6; column++) {
          const inside = column >= firstColumn && column <= lastColumn && row >= firstRow && row <= lastRow;
          if (!inside) expect(img.value(column, row)).toBeLessThan(-500);
        }
      }
    }
  });

  it('regenerates byte-identical files from the same seed, and different UIDs from another seed', () => {
    const again = generateCtSeries();
    expect(again.files.map((f) => f.name)).toEqual(series.files.map((f) => f.name));
    again.files.forEach((file, i) => expect(Buffer.from(file.bytes).equals(Buffer.from(series.files[i]!.bytes))).toBe(true));
    expect(again.lesions).toEqual(series.lesions);
    const other = generateCtSeries({ seed: 'another-seed', sliceCount: 2 });
    expect(other.studyInstanceUid).not.toBe(series.studyInstanceUid);
    expect(other.slices[0]?.sopInstanceUid).not.toBe(series.slices[0]?.sopInstanceUid);
  }, SLOW);

  it('generates a 512 × 512 series with 0.7 mm pixels and keeps nodules at the same place in mm', () => {
    const fine = generateCtSeries({ matrix: 512, sliceCount: 16 });
    const { dataSet } = readBack(fine.files[0]!.bytes);
    expect(dataSet.uint16('x00280010')).toBe(512);
    expect(numbers(dataSet, 'x00280030')).toEqual([0.7, 0.7]);
    // Only nodule-3 (z = -5 mm) lies within the 16 central slices.
    expect(fine.lesions.map((l) => l.id)).toEqual(['nodule-3']);
    const lesion = fine.lesions[0]!;
    const truth = lesion.slices.find((s) => s.sliceIndex === lesion.middleSliceIndex)!;
    const img = readBack(fine.files[truth.sliceIndex]!.bytes);
    const { column, row } = pixelOf(img.dataSet, lesion.centreMm[0], lesion.centreMm[1]);
    expect(column).toBeGreaterThanOrEqual(truth.pixels.firstColumn);
    expect(column).toBeLessThanOrEqual(truth.pixels.lastColumn);
    expect(row).toBeGreaterThanOrEqual(truth.pixels.firstRow);
    expect(row).toBeLessThanOrEqual(truth.pixels.lastRow);
    expect(Math.abs(img.value(column, row) - lesion.hu)).toBeLessThan(PIXEL_TOLERANCE);
  }, SLOW);

  it('reads back with dcmjs with the same geometry and pixel data length', () => {
    const file = series.files[64]!;
    const buffer = file.bytes.buffer.slice(file.bytes.byteOffset, file.bytes.byteOffset + file.bytes.byteLength) as ArrayBuffer;
    const message = dcmjs.data.DicomMessage.readFile(buffer);
    const meta = dcmjs.data.DicomMetaDictionary.naturalizeDataset(message.meta);
    const dataset = dcmjs.data.DicomMetaDictionary.naturalizeDataset(message.dict);
    expect(meta.TransferSyntaxUID).toBe(EXPLICIT_VR_LITTLE_ENDIAN);
    expect(dataset.Modality).toBe('CT');
    expect(dataset.SOPInstanceUID).toBe(series.slices[64]?.sopInstanceUid);
    expect(dataset.PixelSpacing).toEqual([1.4, 1.4]);
    expect(dataset.ImagePositionPatient).toEqual([...series.slices[64]!.imagePositionPatient]);
    expect(dataset.RescaleType).toBe('HU');
    const pixelData = dataset.PixelData as ArrayBuffer[];
    expect(pixelData[0]?.byteLength).toBe(256 * 256 * 2);
  });
});
