import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudyDocument, type Annotation } from '@readingroom/model';
import { openStockClient } from '../support/stock-client';
import { until } from '../support/until';
import { PASSWORD, startCollabFixture, type CollabFixture, type StudyPage } from './support/collab-session';
import { boxesOnPage, rs, serverAnnotations, sessionAdmin, studyRoom, waitForReading } from './support/reading-session';
import { drawBox, rr, waitFor } from './support/study-hook';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const SLICE = 10;

/** Intersection over union of two rectangles (image pixels). */
function rectIoU(p: Annotation['geometry'], q: Annotation['geometry']): number {
  const w = Math.max(0, Math.min(p.x + p.width, q.x + q.width) - Math.max(p.x, q.x));
  const h = Math.max(0, Math.min(p.y + p.height, q.y + q.height) - Math.max(p.y, q.y));
  return (w * h) / (p.width * p.height + q.width * q.height - w * h);
}

describe('teaching: trainees read alone until the instructor reveals the session', () => {
  let fx: CollabFixture;
  let a: StudyPage; // trainee1
  let b: StudyPage; // trainee2
  let aId: string;
  let bId: string;
  let aBox: Annotation;
  let checks = 0;

  beforeAll(async () => {
    fx = await startCollabFixture([
      { username: 'trainee1', role: 'trainee' },
      { username: 'trainee2', role: 'trainee' },
      { username: 'instructor', role: 'adjudicator' },
    ]);
    aId = fx.userIds.get('trainee1')!;
    bId = fx.userIds.get('trainee2')!;
    const session = sessionAdmin(fx);
    await session.assign([aId, bId]);
    await session.phase('blinded');
    [a, b] = await Promise.all([fx.openStudy('trainee1'), fx.openStudy('trainee2')]);
  }, 240_000);

  afterAll(async () => {
    await fx?.close();
  });

  /** Trainee2's page shows nothing of trainee1's read: not drawn, not in its document, no overlay, no score. */
  async function expectNothingOfA(): Promise<void> {
    const seen = await boxesOnPage(b);
    checks++;
    expect(seen.shown).not.toContain(aBox.id);
    expect(seen.documented.every((d) => d.author === bId)).toBe(true);
    expect(seen.overlay).toEqual([]);
    expect(seen.overlayElements).toEqual([]);
    expect(await rs(b.page, (h) => h.teaching().active)).toBe(false);
    expect(await b.page.$('[data-testid=teaching-score]')).toBeNull();
  }

  it("keeps trainee1's box off trainee2's page while both read, and after the phase moves on", async () => {
    for (const p of [a, b]) {
      expect(await rs(p.page, (h) => h.reading()?.room)).toBe(studyRoom(fx, { type: 'reader', userId: p === a ? aId : bId }));
      await rr(p.page, (h, i) => h.showImage(i), SLICE);
    }
    await drawBox(a.page, { x: 60, y: 70, width: 40, height: 30 });
    await waitFor(a.page, (h) => h.documentBoxes().length === 1 && h.saveState === 'saved', undefined);
    const [stored] = await serverAnnotations(fx, { type: 'reader', userId: aId });
    expect(stored).toBeDefined();
    aBox = stored!;
    await expectNothingOfA();

    await drawBox(b.page, { x: 63, y: 73, width: 40, height: 30 });
    await waitFor(b.page, (h) => h.documentBoxes().length === 1 && h.saveState === 'saved', undefined);
    await expectNothingOfA();

    // The instructor closes the reading and writes the consensus (here: trainee1's box, taken).
    await sessionAdmin(fx).phase('adjudication');
    await waitForReading(b.page, (h) => h.reading()?.phase === 'adjudication' && !h.reading()!.writable, undefined);
    await expectNothingOfA();
    const token = await fx.server.login('instructor', PASSWORD);
    const instructor = await openStockClient({ syncUrl: fx.server.syncUrl, room: studyRoom(fx, { type: 'consensus' }), token, timeoutMs: 10_000 });
    try {
      new StudyDocument(instructor.doc, { userId: fx.userIds.get('instructor')! }).takeReaderBox(aBox, aId);
      await until(async () => (await serverAnnotations(fx, { type: 'consensus' })).length === 1, 10_000, 'the consensus box to be stored');
    } finally {
      instructor.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 2500)); // more than one session poll
    await expectNothingOfA();
    await b.page.screenshot({ path: `${ARTIFACTS}teaching-before-reveal.png` });
    expect(checks).toBe(4);
  });

  it("shows trainee1's boxes and trainee2's score against the consensus once revealed", async () => {
    await sessionAdmin(fx).flags({ revealed: true });
    await waitForReading(b.page, (h) => h.teaching().active && h.teaching().consensusReady && h.overlayBoxes().length === 1, undefined, 10_000);
    const [overlay] = await rs(b.page, (h) => h.overlayBoxes());
    expect(overlay).toMatchObject({ id: `${aId}:${aBox.id}`, layer: aId, x: aBox.geometry.x, y: aBox.geometry.y });
    expect(await b.page.$$eval('[data-testid=overlay-box]', (nodes) => nodes.map((n) => n.getAttribute('data-layer')))).toEqual([aId]);
    // Trainee1's box is drawn over the image, never in trainee2's own document.
    expect((await boxesOnPage(b)).documented.every((d) => d.author === bId)).toBe(true);

    const [bBox] = await serverAnnotations(fx, { type: 'reader', userId: bId });
    const expectedIoU = rectIoU(aBox.geometry, bBox!.geometry);
    expect(expectedIoU).toBeGreaterThan(0.5);
    const score = await rs(b.page, (h) => h.teaching());
    expect(score.peers).toEqual([aId]);
    expect(score.f1).toBe(1); // one consensus box, found with the same label
    expect(score.meanIoU).toBeCloseTo(expectedIoU, 6);
    expect(await b.page.textContent('[data-testid=score-f1]')).toBe('100 %');
    expect(await b.page.textContent('[data-testid=score-iou]')).toBe(expectedIoU.toFixed(2));
    await b.page.screenshot({ path: `${ARTIFACTS}teaching-after-reveal.png` });
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
