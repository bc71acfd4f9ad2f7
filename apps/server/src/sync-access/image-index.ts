import type { ImageRef, ImageSize } from '@readingroom/model';
import { MAX_PAGE, type Catalog } from '../catalog/catalog';
import { KeyedCache } from './keyed-cache';

/** The images of one study in the local catalog, as the accept step needs them. */
export interface StudyImages {
  /** SOP Instance UID → its series and size. */
  readonly instances: ReadonlyMap<string, { readonly seriesUid: string; readonly rows: number; readonly columns: number }>;
  /** Series UID → the largest rows/columns of its instances and its slice count (frames summed). */
  readonly series: ReadonlyMap<string, Required<ImageSize>>;
}

/**
 * A cached, synchronous view of image sizes per study over the (asynchronous) catalog: `ensure`
 * a study when a connection opens, then `sizeOf` answers the accept step. A study the local
 * catalog does not hold (e.g. one served by an upstream DICOMweb server) is `null`: its bounds
 * are not enforced. A reference the cached study lacks triggers a reload (at most one per
 * `minReloadMs`), so images imported while a room is open are picked up.
 */
export class StudyImageIndex {
  readonly #cache: KeyedCache<StudyImages | null>;
  readonly #minReloadMs: number;

  constructor(catalog: Pick<Catalog, 'searchInstances'>, options: { minReloadMs?: number; now?: () => number } = {}) {
    this.#cache = new KeyedCache((studyUid) => loadStudyImages(catalog, studyUid), options.now);
    this.#minReloadMs = options.minReloadMs ?? 2000;
  }

  ensure(studyUid: string): Promise<void> {
    return this.#cache.ensure(studyUid);
  }

  /** undefined: not loaded yet (a load is started); null: not in the local catalog. */
  images(studyUid: string): StudyImages | null | undefined {
    const images = this.#cache.peek(studyUid);
    if (images === undefined && !this.#cache.isLoading(studyUid)) this.#cache.ensure(studyUid).catch(() => {});
    return images;
  }

  /** The size for `validateUpdate`'s bounds check; null when unknown. */
  sizeOf(ref: ImageRef): ImageSize | null {
    const images = this.images(ref.studyInstanceUid);
    if (!images) return null;
    if (ref.sopInstanceUid !== undefined) {
      const instance = images.instances.get(ref.sopInstanceUid);
      if (instance && instance.seriesUid === ref.seriesInstanceUid) return { rows: instance.rows, columns: instance.columns };
    } else {
      const series = images.series.get(ref.seriesInstanceUid);
      if (series) return series;
    }
    this.noteMiss(ref.studyInstanceUid);
    return null;
  }

  /** A reference was not found: reload the study unless it was loaded very recently. */
  noteMiss(studyUid: string): void {
    if (this.#cache.isLoading(studyUid) || this.#cache.ageOf(studyUid) < this.#minReloadMs) return;
    this.#cache.reload(studyUid).catch(() => {});
  }

  prune(keep: ReadonlySet<string>, idleMs: number): void {
    this.#cache.prune(keep, idleMs);
  }
}

async function loadStudyImages(catalog: Pick<Catalog, 'searchInstances'>, studyUid: string): Promise<StudyImages | null> {
  const instances = new Map<string, { seriesUid: string; rows: number; columns: number }>();
  const series = new Map<string, Required<ImageSize>>();
  for (let offset = 0; ; offset += MAX_PAGE) {
    const page = await catalog.searchInstances(studyUid, null, { limit: MAX_PAGE, offset });
    if (page === null) return offset === 0 ? null : { instances, series };
    for (const i of page) {
      instances.set(i.sopInstanceUid, { seriesUid: i.seriesInstanceUid, rows: i.rows, columns: i.columns });
      const s = series.get(i.seriesInstanceUid);
      series.set(i.seriesInstanceUid, {
        rows: Math.max(s?.rows ?? 0, i.rows),
        columns: Math.max(s?.columns ?? 0, i.columns),
        slices: (s?.slices ?? 0) + Math.max(1, i.numberOfFrames),
      });
    }
    if (page.length < MAX_PAGE) return { instances, series };
  }
}
