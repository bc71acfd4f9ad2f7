import type { StudyDocument } from '@readingroom/model';
import type { ReadingSessionView } from '../lib/reading-session';

/** Lives beside the open document and follows the reading session (see `StudySession.addCompanion`). */
export interface SessionCompanion {
  onReading(view: ReadingSessionView): void;
  /** The open document was (re)created: a new room, or a reload after a refused edit. */
  onDocument?(study: StudyDocument): void;
  destroy(): void;
}
