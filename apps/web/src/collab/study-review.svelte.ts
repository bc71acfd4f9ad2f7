import { ImageStateSchema, imageStateKey, ROOT, type ImageState, type ReviewTarget } from '@readingroom/model';
import { createSubscriber } from 'svelte/reactivity';
import type * as Y from 'yjs';

/**
 * The study's review outcomes ("no finding", "excluded: poor quality") at study, series and
 * image level, reactive to every change of the document. Read only: writes go through
 * `StudyDocument.setImageState / clearImageState`.
 */
export class StudyReview {
  #subscribe: () => void;
  #cache: { version: number; byKey: Map<string, ImageState> } | null = null;
  #version = 0;

  constructor(private readonly doc: Y.Doc) {
    const states = doc.getMap(ROOT.imageStates);
    this.#subscribe = createSubscriber((update) => {
      const onChange = () => {
        this.#version++;
        update();
      };
      states.observe(onChange);
      return () => states.unobserve(onChange);
    });
  }

  /** Every valid outcome, by `imageStateKey`. */
  get byKey(): ReadonlyMap<string, ImageState> {
    this.#subscribe();
    // Without subscribers the version does not move: read fresh then.
    if (!this.#cache || this.#cache.version !== this.#version || !$effect.tracking()) {
      const byKey = new Map<string, ImageState>();
      for (const [key, raw] of this.doc.getMap(ROOT.imageStates).entries()) {
        const parsed = ImageStateSchema.safeParse(raw);
        if (parsed.success && imageStateKey(parsed.data) === key) byKey.set(key, parsed.data);
      }
      this.#cache = { version: this.#version, byKey };
    }
    return this.#cache.byKey;
  }

  get list(): ImageState[] {
    return [...this.byKey.values()];
  }

  stateOf(target: ReviewTarget): ImageState | undefined {
    return this.byKey.get(imageStateKey(target));
  }

  /** How many images of a series have an image-level outcome. */
  imagesReviewedIn(seriesInstanceUid: string): number {
    let count = 0;
    for (const state of this.byKey.values()) if (state.level === 'image' && state.seriesInstanceUid === seriesInstanceUid) count++;
    return count;
  }
}
