import { readAnnotations, ROOT, type Annotation } from '@readingroom/model';
import { createSubscriber } from 'svelte/reactivity';
import type * as Y from 'yjs';

/** The study's annotations (not deleted), reactive to every change of the document. */
export class StudyAnnotations {
  #subscribe: () => void;
  #cache: { version: number; list: Annotation[] } | null = null;
  #version = 0;

  constructor(private readonly doc: Y.Doc) {
    const annotations = doc.getMap(ROOT.annotations);
    this.#subscribe = createSubscriber((update) => {
      const onChange = () => {
        this.#version++;
        update();
      };
      annotations.observeDeep(onChange);
      return () => annotations.unobserveDeep(onChange);
    });
  }

  get list(): Annotation[] {
    this.#subscribe();
    // Without subscribers the version does not move: read fresh then.
    if (!this.#cache || this.#cache.version !== this.#version || !$effect.tracking()) {
      this.#cache = { version: this.#version, list: readAnnotations(this.doc) };
    }
    return this.#cache.list;
  }
}
