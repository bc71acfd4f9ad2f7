import { defaultReadingSession, type ReadingSession } from '@readingroom/model';
import type { SessionDraft, SessionStore } from './session-store';

/** SessionStore in memory (tests, and apps built without a data directory). */
export class MemorySessionStore implements SessionStore {
  readonly #projects = new Map<string, Map<string, ReadingSession>>();

  async get(projectId: string, studyUid: string): Promise<ReadingSession> {
    return structuredClone(this.#projects.get(projectId)?.get(studyUid) ?? defaultReadingSession());
  }

  async list(projectId: string): Promise<Map<string, ReadingSession>> {
    return structuredClone(this.#projects.get(projectId) ?? new Map<string, ReadingSession>());
  }

  async modify<T>(projectId: string, change: (draft: SessionDraft) => T): Promise<T> {
    const working = structuredClone(this.#projects.get(projectId) ?? new Map<string, ReadingSession>());
    const result = change({
      get: (uid) => structuredClone(working.get(uid) ?? defaultReadingSession()),
      all: () => structuredClone(working),
      set: (uid, session) => void working.set(uid, structuredClone(session)),
    });
    this.#projects.set(projectId, working);
    return result;
  }

  async close(): Promise<void> {}
}
