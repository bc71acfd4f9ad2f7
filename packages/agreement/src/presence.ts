import { fleissKappa, cohenKappa } from './kappa';
import { groupKey } from './iou';
import type { AgreementBox } from './types';

export interface PresenceOptions {
  /** Group keys (images, or series for 3D boxes) every reader saw; see `imageGroupKey`. */
  readonly imageKeys: readonly string[];
  readonly classes: readonly string[];
  readonly readers: readonly string[];
}

/** For one class: per reader, whether they drew a box of that class on each image key. */
export interface ClassPresence {
  readonly label: string;
  readonly imageKeys: readonly string[];
  /** presentByReader[readerId][k] for imageKeys[k]. */
  readonly presentByReader: Readonly<Record<string, boolean[]>>;
}

/**
 * Per-class presence: a reader's image key is "present" for a class when they drew at least one
 * box of that class whose group key (image, or series for a 3D box) is that key. Boxes on keys
 * outside `imageKeys`, of other classes or other readers are ignored.
 */
export function classPresence(boxes: readonly AgreementBox[], options: PresenceOptions): ClassPresence[] {
  const position = new Map(options.imageKeys.map((k, i) => [k, i] as const));
  return options.classes.map((label) => {
    const presentByReader: Record<string, boolean[]> = {};
    for (const reader of options.readers) presentByReader[reader] = options.imageKeys.map(() => false);
    for (const box of boxes) {
      if (box.label !== label) continue;
      const row = presentByReader[box.readerId];
      const k = position.get(groupKey(box.region));
      if (row && k !== undefined) row[k] = true;
    }
    return { label, imageKeys: options.imageKeys, presentByReader };
  });
}

/** Subjects (image keys) × [present, absent] counts over `readers`, the input of {@link fleissKappa}. */
export function presenceCountTable(presence: ClassPresence, readers: readonly string[]): number[][] {
  return presence.imageKeys.map((_, k) => {
    const present = readers.filter((r) => presence.presentByReader[r]?.[k] === true).length;
    return [present, readers.length - present];
  });
}

/**
 * Chance-corrected agreement on a class's presence per image key: Cohen's kappa for two readers,
 * Fleiss' kappa for three or more; null for fewer than two readers, no image keys, or where
 * kappa is undefined (see {@link cohenKappa}, {@link fleissKappa}).
 */
export function presenceKappa(presence: ClassPresence, readers: readonly string[]): { method: 'cohen' | 'fleiss'; kappa: number | null } | null {
  if (readers.length < 2 || presence.imageKeys.length === 0) return null;
  if (readers.length === 2) {
    const rating = (r: string) => (presence.presentByReader[r] ?? []).map((p) => (p ? 'present' : 'absent'));
    return { method: 'cohen', kappa: cohenKappa(rating(readers[0]!), rating(readers[1]!)) };
  }
  return { method: 'fleiss', kappa: fleissKappa(presenceCountTable(presence, readers)) };
}
