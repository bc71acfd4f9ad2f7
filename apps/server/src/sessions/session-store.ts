import type { ReadingSession } from '@readingroom/model';

/** One change's view of a project's sessions: reads see the change's own writes. */
export interface SessionDraft {
  /** The study's session (the default, open and unassigned, when none is stored). */
  get(studyUid: string): ReadingSession;
  /** Every stored session of the project, by study UID. */
  all(): ReadonlyMap<string, ReadingSession>;
  /** Stores `session` for the study when the change completes. */
  set(studyUid: string, session: ReadingSession): void;
}

/**
 * Reading sessions, per project and study (docs/reading-sessions.md). A study without a stored
 * session has the default one: that is a state, not an error. Deleting a project deletes its
 * sessions. Async so a PostgreSQL implementation can slot in. Implementations run
 * `runSessionStoreTests`.
 */
export interface SessionStore {
  get(projectId: string, studyUid: string): Promise<ReadingSession>;
  /** Every stored session of the project, by study UID. */
  list(projectId: string): Promise<Map<string, ReadingSession>>;
  /**
   * Runs `change` on the project's sessions and stores what it `set`, atomically: no other write
   * to the project's sessions falls between its reads and its writes. `change` is synchronous (it
   * applies the pure rules of `@readingroom/model`); when it throws, nothing is stored.
   */
  modify<T>(projectId: string, change: (draft: SessionDraft) => T): Promise<T>;
  close(): Promise<void>;
}
