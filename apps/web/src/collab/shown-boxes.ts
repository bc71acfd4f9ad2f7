import { dashOn, type SliceRange } from './box3d-range';

/** A 3D box as shown: its slice range in the stack, and its author's colour. */
export interface Shown3d {
  readonly range: SliceRange;
  readonly colour: string;
}

/**
 * Which shown box is on which slice: 2D boxes by the image they are on, 3D boxes by their slice
 * range. Lets the bridge find the boxes of one slice (for label decluttering) and the 3D boxes
 * whose line changes between two slices, without scanning cornerstone's annotation state.
 */
export class ShownBoxes {
  #box3d = new Map<string, Shown3d>();
  #onImage = new Map<string, Set<string>>();
  #imageOf = new Map<string, string>();

  /** Records a 2D box on `imageId`. */
  place2d(id: string, imageId: string): void {
    this.#box3d.delete(id);
    if (this.#imageOf.get(id) === imageId) return;
    this.#leaveImage(id);
    this.#imageOf.set(id, imageId);
    const set = this.#onImage.get(imageId) ?? new Set<string>();
    set.add(id);
    this.#onImage.set(imageId, set);
  }

  /** Records a 3D box over `range`. */
  place3d(id: string, shown: Shown3d): void {
    this.#leaveImage(id);
    this.#box3d.set(id, shown);
  }

  remove(id: string): void {
    this.#leaveImage(id);
    this.#box3d.delete(id);
  }

  clear(): void {
    this.#box3d.clear();
    this.#onImage.clear();
    this.#imageOf.clear();
  }

  /** Ids of the boxes shown on stack index `index` (whose image is `imageId`). */
  onSlice(index: number, imageId: string): string[] {
    const ids = [...(this.#onImage.get(imageId) ?? [])];
    for (const [id, { range }] of this.#box3d) if (range.first <= index && index <= range.last) ids.push(id);
    return ids;
  }

  /** The 3D boxes drawn differently (solid or dashed) on `after` than on `before`. */
  restyledBetween(before: number, after: number): Array<[string, Shown3d]> {
    return [...this.#box3d].filter(([, { range }]) => dashOn(range, before) !== dashOn(range, after));
  }

  #leaveImage(id: string): void {
    const was = this.#imageOf.get(id);
    if (was === undefined) return;
    this.#onImage.get(was)?.delete(id);
    this.#imageOf.delete(id);
  }
}
