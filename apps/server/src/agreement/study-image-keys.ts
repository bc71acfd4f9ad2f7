import { imageGroupKey, seriesGroupKey } from '@readingroom/agreement';
import { MAX_PAGE, type Catalog } from '../catalog/catalog';

/** The images of a study as the agreement report counts them. */
export interface StudyImageKeys {
  /** One key per frame of every instance (`<sop>:<frame>`), in catalog order. */
  readonly images: readonly string[];
  /** One key per series (`series:<uid>`), for 3D boxes. */
  readonly series: readonly string[];
}

/** Where the report finds a study's images; null when it does not know the study. */
export type ImageKeySource = (studyUid: string) => Promise<StudyImageKeys | null>;

/**
 * The image keys of a study from the local catalog (every frame of every instance); null for a
 * study the catalog does not hold (e.g. one served by an upstream DICOMweb server).
 */
export function catalogImageKeys(catalog: Pick<Catalog, 'searchInstances'>): ImageKeySource {
  return async (studyUid) => {
    const images: string[] = [];
    const series = new Set<string>();
    for (let offset = 0; ; offset += MAX_PAGE) {
      const page = await catalog.searchInstances(studyUid, null, { limit: MAX_PAGE, offset });
      if (page === null) return offset === 0 ? null : { images, series: [...series] };
      for (const instance of page) {
        series.add(seriesGroupKey(instance.seriesInstanceUid));
        for (let frame = 0; frame < Math.max(1, instance.numberOfFrames); frame++) images.push(imageGroupKey(instance.sopInstanceUid, frame));
      }
      if (page.length < MAX_PAGE) return { images, series: [...series] };
    }
  };
}
