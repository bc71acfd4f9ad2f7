import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Annotation } from '@readingroom/model';
import { startCollabFixture, type CollabFixture, type StudyPage } from './support/collab-session';
import { rs, serverAnnotations, sessionAdmin, studyRoom, submitThroughUi, waitForReading } from './support/reading-session';
import { drawBox, rr, waitFor } from './support/study-hook';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const A_BOX = { x: 60, y: 70, width: 40, height: 30 };
const B_BOX = { x: 64, y: 76, width: 40, height: 30 };
const SLICE = 10;

/** Takes the keyboard focus off any control (the phase select), so hotkeys reach the page. */
const blur = (page: StudyPage) =>
  page.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { blur?: () => void } | null } }).document.activeElement?.blur?.());

describe('an adjudicator turns two blinded reads into the consensus in the web client', () => {
  let fx: CollabFixture;
  let a: StudyPage; // reader1
  let b: StudyPage; // reader2
  let adj: StudyPage; // adjudicator
  let aId: string;
  let bId: string;
  let readsBefore: { a: Annotation[]; b: Annotation[] };

  beforeAll(async () => {
    fx = await startCollabFixture([
      { username: 'reader1', role: 'reader' },
      { username: 'reader2', role: 'reader' },
      { username: 'adjudicator', role: 'adjudicator' },
    ]);
    aId = fx.userIds.get('reader1')!;
    bId = fx.userIds.get('reader2')!;
    const session = sessionAdmin(fx);
    await session.assign([aId, bId], [fx.userIds.get('adjudicator')!]);
    await session.phase('blinded');
    [a, b] = await Promise.all([fx.openStudy('reader1'), fx.openStudy('reader2')]);
  }, 240_000);

  afterAll(async () => {
    await fx?.close();
  });

  it('lets two readers draw overlapping boxes and submit their reads', async () => {
    for (const [page, box] of [
      [a, A_BOX],
      [b, B_BOX],
    ] as const) {
      await rr(page.page, (h, i) => h.showImage(i), SLICE);
      await drawBox(page.page, box);
      await waitFor(page.page, (h) => h.documentBoxes().length === 1 && h.saveState === 'saved', undefined);
      await submitThroughUi(page.page);
    }
    readsBefore = {
      a: await serverAnnotations(fx, { type: 'reader', userId: aId }),
      b: await serverAnnotations(fx, { type: 'reader', userId: bId }),
    };
    expect(readsBefore.a).toHaveLength(1);
    expect(readsBefore.b).toHaveLength(1);
    await waitForReading(b.page, (h) => h.reading()?.status === 'waiting_for_adjudication', undefined);
  });

  it('moves the study to adjudication from the adjudicator page, which then opens the consensus and both reads', async () => {
    adj = await fx.openStudy('adjudicator');
    expect(await rs(adj.page, (h) => h.reading()?.status)).toBe('waiting_for_adjudication');
    await adj.page.selectOption('[data-testid=phase-select]', 'adjudication');
    await waitForReading(adj.page, (h) => h.adjudication().active && h.adjudication().synced && h.adjudication().queue.length === 1, undefined, 15_000);
    const reading = await rs(adj.page, (h) => h.reading());
    expect(reading).toMatchObject({ phase: 'adjudication', writable: true, canAdjudicate: true, room: studyRoom(fx, { type: 'consensus' }) });
    const state = await rs(adj.page, (h) => h.adjudication());
    expect(state.readers.map((r) => [r.id, r.boxCount])).toEqual([
      [aId, 1],
      [bId, 1],
    ]);
    const [item] = state.queue;
    expect(item!.sources).toEqual(
      expect.arrayContaining([
        { readerId: aId, annotationId: readsBefore.a[0]!.id },
        { readerId: bId, annotationId: readsBefore.b[0]!.id },
      ]),
    );
    // Both readers drew nodules: the fused box lies between them (equal confidence: the mean).
    expect(item!.label).toBe('nodule');
    expect(item!.fused.x).toBeCloseTo((readsBefore.a[0]!.geometry.x + readsBefore.b[0]!.geometry.x) / 2, 1);
    expect(item!.fused.y).toBeCloseTo((readsBefore.a[0]!.geometry.y + readsBefore.b[0]!.geometry.y) / 2, 1);
    expect(item!.meanIoU).toBeGreaterThan(0.5);
  });

  it("shows both readers' boxes in their colours and the fused proposal on the slice", async () => {
    // A click on the finding in the list jumps to its slice, and so does J (next).
    await rr(adj.page, (h) => h.showImage(0));
    await adj.page.click('[data-testid=queue-item]');
    await waitFor(adj.page, (h, i) => h.currentImageIndex === i, SLICE);
    await rr(adj.page, (h) => h.showImage(0));
    await blur(adj);
    await adj.page.keyboard.press('j');
    await waitFor(adj.page, (h, i) => h.currentImageIndex === i, SLICE);
    await waitForReading(adj.page, (h) => h.overlayBoxes().length === 3, undefined);
    const overlay = await rs(adj.page, (h) => h.overlayBoxes());
    expect(overlay.map((o) => o.layer).sort()).toEqual([aId, bId, 'proposal'].sort());
    const drawn = await adj.page.$$eval('[data-testid=overlay-box]', (nodes) => nodes.map((n) => n.getAttribute('data-layer')));
    expect(drawn.sort()).toEqual([aId, bId, 'proposal'].sort());
    expect(await adj.page.textContent('[data-testid=iou-badge]')).toMatch(/^IoU 0\.\d\d$/);
    // Readers are named by username (the session view names them), each with their colour.
    const toggles = await adj.page.$$eval('[data-testid=reader-toggle]', (nodes) =>
      nodes.map((n) => ({ id: n.getAttribute('data-reader-id'), text: n.textContent ?? '', colour: (n.querySelector('.dot') as { style: { background: string } } | null)?.style.background ?? '' })),
    );
    expect(toggles.map((t) => [t.id, t.text.includes(t.id === aId ? 'reader1' : 'reader2'), /Reader \d/.test(t.text)])).toEqual([[aId, true, false], [bId, true, false]]);
    expect(new Set(toggles.map((t) => t.colour)).size).toBe(2);
    expect(toggles.every((t) => t.colour !== '')).toBe(true);
    // Hiding a reader hides their boxes only.
    await adj.page.click(`[data-testid=reader-toggle][data-reader-id="${aId}"] input`);
    await waitForReading(adj.page, (h, id) => !h.overlayBoxes().some((o) => o.layer === id), aId);
    expect(await adj.page.$$eval('[data-testid=overlay-box]', (nodes) => nodes.map((n) => n.getAttribute('data-layer')).sort())).toEqual([bId, 'proposal'].sort());
    await adj.page.click(`[data-testid=reader-toggle][data-reader-id="${aId}"] input`);
    await waitForReading(adj.page, (h) => h.overlayBoxes().length === 3, undefined);
    // The agreement charts have a bar per class and per reader pair.
    expect(await adj.page.$$('[data-testid=chart-f1-pair] [data-testid=bar]')).toHaveLength(1);
    expect(await adj.page.$$('[data-testid=chart-kappa-class] [data-testid=bar]')).toHaveLength(3);
    await adj.page.screenshot({ path: `${ARTIFACTS}adjudication-view.png` });
  });

  it('accepts the fused box with the A key: the consensus holds it with both reader boxes as sources, the reads are unchanged', async () => {
    const [proposal] = (await rs(adj.page, (h) => h.adjudication())).queue;
    await blur(adj);
    await adj.page.keyboard.press('a');
    await waitForReading(adj.page, (h) => h.adjudication().queue.length === 0 && h.saveState === 'saved', undefined);
    expect(await adj.page.isVisible('[data-testid=queue-empty]')).toBe(true);

    // Read back with the stock y-websocket client, not through the page.
    const consensus = await serverAnnotations(fx, { type: 'consensus' });
    expect(consensus).toHaveLength(1);
    const fused = consensus[0]!;
    expect(fused.origin).toBe('fused');
    expect(fused.label).toBe('nodule');
    expect(fused.author).toBe(fx.userIds.get('adjudicator'));
    expect(fused.sources).toEqual(
      expect.arrayContaining([
        { readerId: aId, annotationId: readsBefore.a[0]!.id },
        { readerId: bId, annotationId: readsBefore.b[0]!.id },
      ]),
    );
    expect(fused.sources).toHaveLength(2);
    expect(fused.kind === 'box2d' && readsBefore.a[0]!.kind === 'box2d' && fused.sopInstanceUid === readsBefore.a[0]!.sopInstanceUid).toBe(true);
    expect(fused.geometry.x).toBeCloseTo(proposal!.fused.x, 1);
    expect(fused.geometry.y).toBeCloseTo(proposal!.fused.y, 1);
    expect(fused.geometry.width).toBeCloseTo(proposal!.fused.width, 1);
    expect(fused.geometry.height).toBeCloseTo(proposal!.fused.height, 1);
    // The fused box is drawn as a consensus box by cornerstone; the proposal left the overlay.
    await waitFor(adj.page, (h, id) => h.shownBoxes().some((s) => s.id === id), fused.id);
    expect(await rs(adj.page, (h) => h.overlayBoxes().filter((o) => o.layer === 'proposal'))).toEqual([]);

    expect(await serverAnnotations(fx, { type: 'reader', userId: aId })).toEqual(readsBefore.a);
    expect(await serverAnnotations(fx, { type: 'reader', userId: bId })).toEqual(readsBefore.b);
    await adj.page.screenshot({ path: `${ARTIFACTS}adjudication-accepted.png` });
    expect(adj.errors).toEqual([]);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
