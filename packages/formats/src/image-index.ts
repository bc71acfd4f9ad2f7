import type { ImageState } from '@readingroom/model';
import type { ImageInfo } from './types';

/** Finds images by id, by (SOP Instance UID, frame) and by (series, slice index). */
export interface ImageIndex {
  readonly images: readonly ImageInfo[];
  byId(imageId: string): ImageInfo | undefined;
  byFrame(sopInstanceUid: string, frameIndex: number): ImageInfo | undefined;
  bySlice(seriesInstanceUid: string, sliceIndex: number): ImageInfo | undefined;
  /** Images of a series whose SOP Instance UID is `sopInstanceUid` (several for multi-frame). */
  byInstance(seriesInstanceUid: string, sopInstanceUid: string): ImageInfo[];
  hasStudy(studyInstanceUid: string): boolean;
  hasSeries(studyInstanceUid: string, seriesInstanceUid: string): boolean;
}

const frameKey = (sop: string, frame: number) => `${sop}\u0000${frame}`;
const sliceKey = (series: string, slice: number) => `${series}\u0000${slice}`;
const instanceKey = (series: string, sop: string) => `${series}\u0001${sop}`;

/** Lists the problems that make an image list ambiguous: duplicate ids, frames or slices. */
export function imageListIssues(images: readonly ImageInfo[]): string[] {
  const issues: string[] = [];
  const ids = new Set<string>();
  const frames = new Set<string>();
  const slices = new Set<string>();
  images.forEach((image, i) => {
    if (ids.has(image.imageId)) issues.push(`images[${i}]: duplicate imageId ${JSON.stringify(image.imageId)}`);
    ids.add(image.imageId);
    const frame = frameKey(image.sopInstanceUid, image.frameIndex);
    if (frames.has(frame)) issues.push(`images[${i}]: duplicate SOP Instance UID and frame`);
    frames.add(frame);
    if (image.frameIndex >= image.numberOfFrames) issues.push(`images[${i}]: frameIndex ${image.frameIndex} >= numberOfFrames`);
    if (image.sliceIndex !== null) {
      const slice = sliceKey(image.seriesInstanceUid, image.sliceIndex);
      if (slices.has(slice)) issues.push(`images[${i}]: duplicate sliceIndex ${image.sliceIndex} in its series`);
      slices.add(slice);
    }
  });
  return issues;
}

export function indexImages(images: readonly ImageInfo[]): ImageIndex {
  const ids = new Map<string, ImageInfo>();
  const frames = new Map<string, ImageInfo>();
  const slices = new Map<string, ImageInfo>();
  const instances = new Map<string, ImageInfo[]>();
  const studies = new Set<string>();
  const series = new Set<string>();
  for (const image of images) {
    ids.set(image.imageId, image);
    frames.set(frameKey(image.sopInstanceUid, image.frameIndex), image);
    if (image.sliceIndex !== null) slices.set(sliceKey(image.seriesInstanceUid, image.sliceIndex), image);
    const key = instanceKey(image.seriesInstanceUid, image.sopInstanceUid);
    instances.set(key, [...(instances.get(key) ?? []), image]);
    studies.add(image.studyInstanceUid);
    series.add(`${image.studyInstanceUid}\u0000${image.seriesInstanceUid}`);
  }
  return {
    images,
    byId: (id) => ids.get(id),
    byFrame: (sop, frame) => frames.get(frameKey(sop, frame)),
    bySlice: (s, index) => slices.get(sliceKey(s, index)),
    byInstance: (s, sop) => instances.get(instanceKey(s, sop)) ?? [],
    hasStudy: (uid) => studies.has(uid),
    hasSeries: (study, s) => series.has(`${study}\u0000${s}`),
  };
}

/** Whether an image state's target (study, series or image) is among the indexed images. */
export function stateTargetKnown(index: ImageIndex, state: ImageState): boolean {
  switch (state.level) {
    case 'study':
      return index.hasStudy(state.studyInstanceUid);
    case 'series':
      return index.hasSeries(state.studyInstanceUid, state.seriesInstanceUid);
    case 'image': {
      const image = index.byFrame(state.sopInstanceUid, state.frameIndex);
      return image !== undefined && image.seriesInstanceUid === state.seriesInstanceUid;
    }
  }
}

/** Whether the state applies to the image (it targets the image, its series or its study). */
export function stateApplies(state: ImageState, image: ImageInfo): boolean {
  if (state.studyInstanceUid !== image.studyInstanceUid) return false;
  if (state.level === 'study') return true;
  if (state.seriesInstanceUid !== image.seriesInstanceUid) return false;
  if (state.level === 'series') return true;
  return state.sopInstanceUid === image.sopInstanceUid && state.frameIndex === image.frameIndex;
}

const LEVEL_RANK = { image: 0, series: 1, study: 2 } as const;

/** The state that decides an image's review outcome: the most specific one that applies. */
export function effectiveState(states: readonly ImageState[], image: ImageInfo): ImageState | null {
  let best: ImageState | null = null;
  for (const state of states) {
    if (!stateApplies(state, image)) continue;
    if (best === null || LEVEL_RANK[state.level] < LEVEL_RANK[best.level]) best = state;
  }
  return best;
}
