import * as Y from 'yjs';
import type { StudyRoots } from './layout';

/**
 * A per-session undo manager: it tracks only transactions tagged with `origin` (and its own
 * undo/redo transactions), so undo never reverts another user's edit, and it never overwrites a
 * value someone else has changed since (Yjs leaves remote map changes in place).
 * `captureTimeoutMs` 0 makes every API call its own undo step.
 */
export function createSessionUndoManager(roots: StudyRoots, origin: object, captureTimeoutMs = 0): Y.UndoManager {
  return new Y.UndoManager([roots.annotations, roots.imageStates, roots.comments, roots.rejections, roots.votes], {
    trackedOrigins: new Set([origin]),
    captureTimeout: captureTimeoutMs,
  });
}
