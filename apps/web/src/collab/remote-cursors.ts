import type { Participant } from './presence.svelte';

/** The image on my screen: its series, its index in the stack, and the image (frame) itself. */
export interface ShownImage {
  readonly seriesUid: string;
  readonly index: number;
  readonly sopInstanceUid: string;
  /** 1-based DICOM frame number. */
  readonly frame: number;
}

/**
 * The other participants whose live cursor is on the image I am looking at: the cursor names
 * that image (instance and frame), and where they publish what they look at, it is the same
 * series and slice. A cursor left behind on an image its owner has scrolled away from is not
 * shown (their view says they are elsewhere).
 */
export function cursorsOnImage(participants: readonly Participant[], shown: ShownImage | null): Participant[] {
  if (!shown) return [];
  return participants.filter((p) => {
    const cursor = p.cursor;
    if (p.isMe || !cursor) return false;
    if (cursor.sopInstanceUid !== shown.sopInstanceUid || cursor.frameIndex !== shown.frame - 1) return false;
    return !p.view || (p.view.seriesUid === shown.seriesUid && p.view.index === shown.index);
  });
}
