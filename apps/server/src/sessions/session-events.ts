import type { ReadingSession } from '@readingroom/model';
import type { SessionDraft, SessionStore } from './session-store';

/** A study's session was written (phase, assignment, submission or flags). */
export interface SessionChange {
  readonly projectId: string;
  readonly studyUid: string;
  /** The session as written. */
  readonly session: ReadingSession;
}

export type SessionChangeListener = (change: SessionChange) => void;

/** Subscribe to session writes made through this process's store; returns an unsubscribe. */
export interface SessionChanges {
  subscribe(listener: SessionChangeListener): () => void;
}

/**
 * Wraps a SessionStore so that every study a `modify` wrote is announced, in process, right
 * after it is stored: the sync layer re-decides that study's open connections at once (a
 * submitted read closes its writable connection; a room a phase hides closes).
 */
export function withSessionEvents(inner: SessionStore): { store: SessionStore; changes: SessionChanges } {
  const listeners = new Set<SessionChangeListener>();
  const store: SessionStore = {
    get: (projectId, studyUid) => inner.get(projectId, studyUid),
    list: (projectId) => inner.list(projectId),
    async modify<T>(projectId: string, change: (draft: SessionDraft) => T): Promise<T> {
      const written = new Map<string, ReadingSession>();
      const result = await inner.modify(projectId, (draft) =>
        change({
          get: (uid) => draft.get(uid),
          all: () => draft.all(),
          set: (uid, session) => {
            written.set(uid, session);
            draft.set(uid, session);
          },
        }),
      );
      for (const [studyUid, session] of written) {
        for (const listener of [...listeners]) {
          try {
            listener({ projectId, studyUid, session });
          } catch {
            // a listener's failure must not fail the write that already happened
          }
        }
      }
      return result;
    },
    close: () => inner.close(),
  };
  return {
    store,
    changes: {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  };
}
