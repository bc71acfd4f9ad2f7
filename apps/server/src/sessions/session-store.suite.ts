import { describe, expect, it } from 'vitest';
import { defaultReadingSession, type ReadingSession } from '@readingroom/model';
import type { SessionStore } from './session-store';

const STUDY_A = '1.2.840.1';
const STUDY_B = '1.2.840.2';

/** A store to test and two project ids it may hold sessions for. */
export interface SessionStoreFixture {
  readonly store: SessionStore;
  readonly projects: readonly [string, string];
}

/** Behaviour every SessionStore must have; each implementation calls this once. */
export function runSessionStoreTests(name: string, open: () => Promise<SessionStoreFixture>): void {
  describe(`SessionStore: ${name}`, () => {
    const withStore = (fn: (f: SessionStoreFixture) => Promise<void>) => async () => {
      const fixture = await open();
      try {
        await fn(fixture);
      } finally {
        await fixture.store.close();
      }
    };
    const blinded = (patch: Partial<ReadingSession> = {}): ReadingSession => ({ ...defaultReadingSession(), phase: 'blinded', readers: ['r1', 'r2'], ...patch });

    it('answers the default session for a study nobody configured, and lists nothing', withStore(async ({ store, projects: [p] }) => {
      expect(await store.get(p, STUDY_A)).toEqual(defaultReadingSession());
      expect((await store.list(p)).size).toBe(0);
    }));

    it('stores what a change sets and returns what the change returns', withStore(async ({ store, projects: [p] }) => {
      const result = await store.modify(p, (draft) => {
        draft.set(STUDY_A, blinded({ submitted: { r1: 123 } }));
        return 'done';
      });
      expect(result).toBe('done');
      expect(await store.get(p, STUDY_A)).toEqual(blinded({ submitted: { r1: 123 } }));
      expect([...(await store.list(p)).entries()]).toEqual([[STUDY_A, blinded({ submitted: { r1: 123 } })]]);
      expect(await store.get(p, STUDY_B)).toEqual(defaultReadingSession());
    }));

    it("lets a change read its own writes, in get and in all", withStore(async ({ store, projects: [p] }) => {
      await store.modify(p, (draft) => draft.set(STUDY_A, blinded()));
      await store.modify(p, (draft) => {
        draft.set(STUDY_B, blinded({ readers: ['r3'] }));
        expect(draft.get(STUDY_B).readers).toEqual(['r3']);
        expect([...draft.all().keys()].sort()).toEqual([STUDY_A, STUDY_B]);
      });
    }));

    it('stores nothing when the change throws', withStore(async ({ store, projects: [p] }) => {
      await expect(
        store.modify(p, (draft) => {
          draft.set(STUDY_A, blinded());
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect(await store.get(p, STUDY_A)).toEqual(defaultReadingSession());
    }));

    it('keeps the sessions of different projects apart', withStore(async ({ store, projects: [p, q] }) => {
      await store.modify(p, (draft) => draft.set(STUDY_A, blinded()));
      expect(await store.get(q, STUDY_A)).toEqual(defaultReadingSession());
      expect((await store.list(q)).size).toBe(0);
    }));

    it('loses no submission when many changes run at once', withStore(async ({ store, projects: [p] }) => {
      const ids = Array.from({ length: 20 }, (_, i) => `r${i}`);
      await Promise.all(
        ids.map((id, i) => store.modify(p, (draft) => {
          const s = draft.get(STUDY_A);
          draft.set(STUDY_A, { ...s, submitted: { ...s.submitted, [id]: i } });
        })),
      );
      expect(Object.keys((await store.get(p, STUDY_A)).submitted).sort()).toEqual([...ids].sort());
    }));

    it('hands out copies: changing a returned session changes nothing stored', withStore(async ({ store, projects: [p] }) => {
      await store.modify(p, (draft) => draft.set(STUDY_A, blinded()));
      const got = await store.get(p, STUDY_A);
      got.readers.push('intruder');
      expect((await store.get(p, STUDY_A)).readers).toEqual(['r1', 'r2']);
    }));
  });
}
