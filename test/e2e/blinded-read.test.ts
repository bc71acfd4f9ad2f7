import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollabFixture, type CollabFixture, type StudyPage } from './support/collab-session';
import { boxesOnPage, openFromWorklist, rs, serverAnnotations, sessionAdmin, showWorklist, studyRoom, submitThroughUi, waitForReading, worklistRow } from './support/reading-session';
import { drawBox, rr, waitFor } from './support/study-hook';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

describe('a blinded read: two readers annotate the same study, each in their own document', () => {
  let fx: CollabFixture;
  let a: StudyPage; // reader1
  let b: StudyPage; // reader2
  let aId: string;
  let bId: string;
  /** How many times each page was checked for the other reader's boxes. */
  let checks = 0;

  beforeAll(async () => {
    fx = await startCollabFixture([
      { username: 'reader1', role: 'reader' },
      { username: 'reader2', role: 'reader' },
    ]);
    aId = fx.userIds.get('reader1')!;
    bId = fx.userIds.get('reader2')!;
    const session = sessionAdmin(fx);
    await session.assign([aId, bId]);
    await session.phase('blinded');
    [a, b] = await Promise.all([fx.openStudy('reader1'), fx.openStudy('reader2')]);
  }, 240_000);

  afterAll(async () => {
    await fx?.close();
  });

  /**
   * Neither page shows anything of the other reader: not in cornerstone's annotation state, not in
   * its open document, not in an overlay. `othersIds` are the other reader's boxes, which do exist
   * on the server (checked where they are drawn).
   */
  async function expectBlind(page: StudyPage, ownerId: string, othersIds: readonly string[]): Promise<void> {
    const seen = await boxesOnPage(page);
    checks++;
    expect(seen.documented.every((d) => d.author === ownerId)).toBe(true);
    for (const id of othersIds) {
      expect(seen.shown).not.toContain(id);
      expect(seen.documented.map((d) => d.id)).not.toContain(id);
    }
    expect(seen.overlay).toEqual([]);
    expect(seen.overlayElements).toEqual([]);
  }

  const boxIdsOf = (page: StudyPage) => rr(page.page, (h) => h.documentBoxes().map((d) => d.id));

  it("opens each reader's own document, writable, and says the session is blinded", async () => {
    for (const [page, id] of [
      [a, aId],
      [b, bId],
    ] as const) {
      const reading = await rs(page.page, (h) => h.reading());
      expect(reading).toMatchObject({ phase: 'blinded', status: 'reading', writable: true, canSubmit: true, room: studyRoom(fx, { type: 'reader', userId: id }) });
      expect(await page.page.textContent('[data-testid=session-phase]')).toBe('Blinded read');
      expect(await rr(page.page, (h) => h.canDraw)).toBe(true);
    }
  });

  it("shows the worklist status and task, and keeps the study in each reader's queue", async () => {
    await showWorklist(fx, a.page);
    expect(await worklistRow(fx, a.page)).toMatchObject({ status: 'reading', task: 'read', submitted: false, statusText: 'Reading' });
    await a.page.check('[data-testid=my-queue]');
    expect(await a.page.$$(`[data-testid=study-row][data-study-uid="${fx.studyUid}"]`)).toHaveLength(1);
    await a.page.uncheck('[data-testid=my-queue]');
    await openFromWorklist(fx, a.page);
  });

  it("never shows reader2's boxes on reader1's page or reader1's on reader2's while both draw", async () => {
    for (const p of [a, b]) await rr(p.page, (h) => h.showImage(10));
    await drawBox(a.page, { x: 60, y: 70, width: 40, height: 30 });
    await waitFor(a.page, (h) => h.documentBoxes().length === 1 && h.saveState === 'saved', undefined);
    const aBoxes = await boxIdsOf(a);
    await expectBlind(b, bId, aBoxes);

    await drawBox(b.page, { x: 64, y: 74, width: 40, height: 30 });
    await waitFor(b.page, (h) => h.documentBoxes().length === 1 && h.saveState === 'saved', undefined);
    let bBoxes = await boxIdsOf(b);
    await expectBlind(a, aId, bBoxes);
    await expectBlind(b, bId, aBoxes);

    // Both boxes exist on the server, each in its reader's document only.
    const [inA, inB, inShared] = await Promise.all([
      serverAnnotations(fx, { type: 'reader', userId: aId }),
      serverAnnotations(fx, { type: 'reader', userId: bId }),
      serverAnnotations(fx, { type: 'shared' }),
    ]);
    expect(inA.map((x) => x.id)).toEqual(aBoxes);
    expect(inB.map((x) => x.id)).toEqual(bBoxes);
    expect(inShared).toEqual([]);

    // More drawing on another slice, with checks on both pages after every step.
    for (const p of [a, b]) await rr(p.page, (h) => h.showImage(12));
    await drawBox(b.page, { x: 120, y: 120, width: 30, height: 30 });
    await waitFor(b.page, (h) => h.documentBoxes().length === 2 && h.saveState === 'saved', undefined);
    bBoxes = await boxIdsOf(b);
    await expectBlind(a, aId, bBoxes);
    await drawBox(a.page, { x: 118, y: 122, width: 30, height: 30 });
    await waitFor(a.page, (h) => h.documentBoxes().length === 2 && h.saveState === 'saved', undefined);
    const aBoxesNow = await boxIdsOf(a);
    await expectBlind(b, bId, aBoxesNow);
    await expectBlind(a, aId, bBoxes);
    // The other reader's box would be on this very slice: the overlay layer is empty all the same.
    await a.page.screenshot({ path: `${ARTIFACTS}blinded-reader1.png` });
    await b.page.screenshot({ path: `${ARTIFACTS}blinded-reader2.png` });
  });

  it('locks a submitted read: the page says so, offers no drawing, and still shows nothing of the other read', async () => {
    const before = await boxIdsOf(a);
    await submitThroughUi(a.page);
    await waitForReading(a.page, (h) => h.reading()?.writable === false, undefined);
    expect(await a.page.textContent('[data-testid=read-only]')).toContain('submitted');
    expect(await rr(a.page, (h) => h.canDraw)).toBe(false);
    expect(await a.page.isDisabled('[data-testid=mode-box]')).toBe(true);
    // A drag on the image draws nothing any more.
    await drawBox(a.page, { x: 20, y: 20, width: 30, height: 30 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await boxIdsOf(a)).toEqual(before);
    expect((await serverAnnotations(fx, { type: 'reader', userId: aId })).map((x) => x.id)).toEqual(before);
    await expectBlind(a, aId, await boxIdsOf(b));
    await expectBlind(b, bId, before);

    await submitThroughUi(b.page);
    // Everyone submitted: the session waits for adjudication (reader2 sees it on the next poll).
    await waitForReading(b.page, (h) => h.reading()?.status === 'waiting_for_adjudication', undefined);
    await expectBlind(a, aId, await boxIdsOf(b));
    await expectBlind(b, bId, before);
    await showWorklist(fx, a.page);
    expect(await worklistRow(fx, a.page)).toMatchObject({ status: 'waiting_for_adjudication', submitted: true });
    expect((await worklistRow(fx, a.page)).taskText).toContain('submitted');
    await a.page.check('[data-testid=my-queue]');
    expect(await a.page.$$(`[data-testid=study-row][data-study-uid="${fx.studyUid}"]`)).toHaveLength(0);
    await a.page.screenshot({ path: `${ARTIFACTS}blinded-worklist-submitted.png` });
    expect(checks).toBeGreaterThanOrEqual(10);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
