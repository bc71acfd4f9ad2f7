// Test-only: demo-data images (CT phantom, DX radiograph, multi-frame cine) parsed with
// @readingroom/dicom into image information, and annotations drawn from their ground truth.
import { generateCtSeries, generateMultiFrame, generateXray } from '@readingroom/demo-data';
import { parseInstance, type InstanceRecord } from '@readingroom/dicom';
import type { Annotation, Box2dAnnotation, Box3dAnnotation, ImageState } from '@readingroom/model';
import { imageInfoFromInstances } from '../image-info';
import { ImageInfoSchema, type ExportInput, type ImageInfo } from '../types';

export const TAXONOMY = ['nodule', 'mass', 'consolidation, "patchy"', 'Pleural effusion'] as const;
export const READERS = [
  { id: 'reader-a', displayName: 'Dr Ana Álvarez' },
  { id: 'consensus', displayName: 'Consensus' },
];
export const NOW = Date.UTC(2025, 2, 14, 9, 30, 15, 250);

function parse(bytes: Uint8Array): InstanceRecord {
  const result = parseInstance(bytes);
  if (!result.ok) throw new Error(`demo file did not parse: ${result.message}`);
  return result.instance;
}

export interface DemoFixture {
  images: ImageInfo[];
  ct: { study: string; series: string; slices: ImageInfo[]; lesion: { first: number; last: number; box: { x: number; y: number; width: number; height: number } } };
  xray: { study: string; series: string; image: ImageInfo; box: { x: number; y: number; width: number; height: number } };
  cine: { study: string; series: string; frames: ImageInfo[] };
}

let cached: DemoFixture | undefined;

/** Generates (once per test file) a 32-slice CT, a 512² radiograph and an 8-frame cine. */
export function demoFixture(): DemoFixture {
  if (cached) return cached;
  const ct = generateCtSeries({ sliceCount: 32, noiseHu: 0 });
  const xray = generateXray({ noise: 0 });
  const cine = generateMultiFrame({ frameCount: 8 });
  const records = [...ct.files.map((f) => parse(f.bytes)), parse(xray.file.bytes), parse(cine.file.bytes)];
  const images = imageInfoFromInstances(records).map((image) => ImageInfoSchema.parse(image));
  const lesion = ct.lesions.find((l) => l.lastSliceIndex > l.firstSliceIndex);
  if (!lesion) throw new Error('no nodule spans several slices of the demo CT');
  // Truth boxes put (0, 0) at the centre of the top-left pixel; the study document at its corner.
  const shift = (b: { x: number; y: number; width: number; height: number }) => ({ x: b.x + 0.5, y: b.y + 0.5, width: b.width, height: b.height });
  cached = {
    images,
    ct: {
      study: ct.studyInstanceUid,
      series: ct.seriesInstanceUid,
      slices: images.filter((i) => i.seriesInstanceUid === ct.seriesInstanceUid),
      lesion: { first: lesion.box3d.firstSliceIndex, last: lesion.box3d.lastSliceIndex, box: shift(lesion.box3d) },
    },
    xray: { study: xray.studyInstanceUid, series: xray.seriesInstanceUid, image: images.find((i) => i.sopInstanceUid === xray.sopInstanceUid)!, box: shift(xray.nodule.box) },
    cine: { study: cine.studyInstanceUid, series: cine.seriesInstanceUid, frames: images.filter((i) => i.sopInstanceUid === cine.sopInstanceUid) },
  };
  return cached;
}

const stamp = (author: string, t: number) => ({ author, createdBy: author, createdAt: t, updatedBy: author, updatedAt: t, deleted: false });

export function box2d(id: string, image: ImageInfo, label: string, rect: { x: number; y: number; width: number; height: number }, extra: Partial<Box2dAnnotation> = {}): Box2dAnnotation {
  return {
    id,
    kind: 'box2d',
    studyInstanceUid: image.studyInstanceUid,
    seriesInstanceUid: image.seriesInstanceUid,
    sopInstanceUid: image.sopInstanceUid,
    frameIndex: image.frameIndex,
    label,
    attributes: {},
    ...stamp('reader-a', NOW - 60_000),
    geometry: { ...rect },
    ...extra,
  };
}

export function box3d(id: string, slices: readonly ImageInfo[], first: number, last: number, label: string, rect: { x: number; y: number; width: number; height: number }, extra: Partial<Box3dAnnotation> = {}): Box3dAnnotation {
  const at = (i: number) => slices.find((s) => s.sliceIndex === i)!;
  return {
    id,
    kind: 'box3d',
    studyInstanceUid: at(first).studyInstanceUid,
    seriesInstanceUid: at(first).seriesInstanceUid,
    label,
    attributes: {},
    ...stamp('reader-a', NOW - 50_000),
    geometry: { ...rect, firstSliceIndex: first, lastSliceIndex: last, firstSopInstanceUid: at(first).sopInstanceUid, lastSopInstanceUid: at(last).sopInstanceUid },
    ...extra,
  };
}

/**
 * A read exercising every feature: 2D boxes on the radiograph (one with awkward floats and
 * attributes), a 3D box over the CT nodule, boxes on cine frames, a no_finding image, a
 * no_finding series and an excluded frame.
 */
export function demoRead(readerId = 'reader-a'): { input: ExportInput; annotations: Annotation[]; states: ImageState[] } {
  const f = demoFixture();
  const annotations: Annotation[] = [
    box2d('dx-1', f.xray.image, 'nodule', f.xray.box, { attributes: { confidence: 4, note: 'spiculated, "check" CT — ø 12 mm,\nsee C:\\prior\\\\x, trailing space ' } }),
    box2d('dx-2', f.xray.image, 'consolidation, "patchy"', { x: 0.1, y: 1 / 3, width: 100.20000000000002, height: Math.PI * 10 }),
    box3d('ct-1', f.ct.slices, f.ct.lesion.first, f.ct.lesion.last, 'nodule', f.ct.lesion.box, { attributes: { confidence: 2 } }),
    box2d('cine-1', f.cine.frames[2]!, 'mass', { x: 10.25, y: 20.5, width: 30.125, height: 40 }),
    box2d('cine-2', f.cine.frames[5]!, 'mass', { x: 0, y: 0, width: f.cine.frames[5]!.columns, height: f.cine.frames[5]!.rows }),
    { ...box2d('dx-deleted', f.xray.image, 'mass', { x: 1, y: 1, width: 2, height: 2 }), deleted: true, deletedBy: 'reader-a', deletedAt: NOW - 1000 },
  ];
  const setter = { setBy: 'reader-a', setAt: NOW - 10_000 };
  const cineImage = (i: number) => f.cine.frames[i]!;
  const states: ImageState[] = [
    { level: 'image', studyInstanceUid: f.ct.study, seriesInstanceUid: f.ct.series, sopInstanceUid: f.ct.slices[0]!.sopInstanceUid, frameIndex: 0, status: 'no_finding', ...setter },
    { level: 'image', studyInstanceUid: f.cine.study, seriesInstanceUid: f.cine.series, sopInstanceUid: cineImage(7).sopInstanceUid, frameIndex: 7, status: 'excluded_poor_quality', reason: 'motion blur', ...setter },
    { level: 'image', studyInstanceUid: f.cine.study, seriesInstanceUid: f.cine.series, sopInstanceUid: cineImage(1).sopInstanceUid, frameIndex: 1, status: 'no_finding', ...setter },
  ];
  return {
    annotations,
    states,
    input: { readerId, annotations, imageStates: states, taxonomy: [...TAXONOMY], readers: READERS, images: f.images, now: NOW },
  };
}
