import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollabFixture, type CollabFixture } from './support/collab-session';
import { sessionAdmin } from './support/reading-session';
import { openWorklist, rowOf, type WorklistPage } from './support/worklist-page';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

describe('assigning readers from the worklist', () => {
  let fx: CollabFixture;
  let lead: WorklistPage; // project admin
  let ids: Record<'reader1' | 'reader2' | 'reader3', string>;

  beforeAll(async () => {
    fx = await startCollabFixture([
      { username: 'lead', role: 'admin' },
      { username: 'reader1', role: 'reader' },
      { username: 'reader2', role: 'reader' },
      { username: 'reader3', role: 'reader' },
      { username: 'judge', role: 'adjudicator' },
    ]);
    ids = { reader1: fx.userIds.get('reader1')!, reader2: fx.userIds.get('reader2')!, reader3: fx.userIds.get('reader3')! };
    lead = await openWorklist(fx, 'lead');
  }, 240_000);

  afterAll(async () => {
    await fx?.close();
  });

  /** The session view of the fixture study as the server holds it. */
  const serverReaders = async () => {
    const view = (await fx.admin('GET', `/api/projects/${fx.projectId}/studies/${encodeURIComponent(fx.studyUid)}/session`)) as { readers: string[] };
    return [...view.readers].sort();
  };
  /** The readers a row shows, by user id and by the text shown. */
  const shownReaders = (page: WorklistPage) =>
    page.page.$$eval(`${rowOf(fx)} [data-testid=assigned-readers] [data-user-id]`, (nodes) =>
      nodes.map((n) => ({ id: n.getAttribute('data-user-id') ?? '', text: n.textContent?.trim() ?? '' })),
    );

  it('assigns the two readers ticked in the Assign panel, and the row turns to "Reading" with their names', async () => {
    const row = rowOf(fx);
    expect(await lead.page.getAttribute(row, 'data-status')).toBe('unassigned');
    await lead.page.click(`${row} [data-testid=assign-open]`);
    // Every project reader is offered, by name.
    const offered = await lead.page.$$eval(`${row} [data-testid=assign-reader]`, (nodes) => nodes.map((n) => n.getAttribute('data-user-id')));
    expect(offered.sort()).toEqual(Object.values(ids).sort());
    await lead.page.check(`${row} [data-testid=assign-reader][data-user-id="${ids.reader1}"]`);
    await lead.page.check(`${row} [data-testid=assign-reader][data-user-id="${ids.reader2}"]`);
    await lead.page.click(`${row} [data-testid=assign-save]`);
    await lead.page.waitForSelector(`${row}[data-status=reading]`, { timeout: 10_000 });
    expect(await lead.page.textContent(`${row} [data-testid=session-status]`)).toBe('Reading');
    expect(await serverReaders()).toEqual([ids.reader1, ids.reader2].sort());
    const shown = await shownReaders(lead);
    expect(shown.map((r) => r.id).sort()).toEqual([ids.reader1, ids.reader2].sort());
    expect(shown.map((r) => r.text).sort()).toEqual(['reader1', 'reader2']);
    expect(await lead.page.$(`${row} [data-testid=assign-panel]`)).toBeNull();
    await lead.page.screenshot({ path: `${ARTIFACTS}assignment-lead-worklist.png` });
  });

  it('lists the study in an assigned reader\'s "My queue" and not in an unassigned reader\'s', async () => {
    const [assigned, other] = await Promise.all([openWorklist(fx, 'reader1'), openWorklist(fx, 'reader3')]);
    try {
      for (const p of [assigned, other]) await p.page.check('[data-testid=my-queue]');
      const row = await assigned.page.waitForSelector(rowOf(fx), { timeout: 5000 });
      expect(await row.getAttribute('data-task')).toBe('read');
      expect(await row.getAttribute('data-status')).toBe('reading');
      expect(await assigned.page.textContent('label.queue')).toContain('My queue (1)');
      expect(await other.page.$(rowOf(fx))).toBeNull();
      expect(await other.page.textContent('label.queue')).toContain('My queue (0)');
      // Readers manage nothing: no Assign control, no Balance.
      expect(await assigned.page.$('[data-testid=assign-open]')).toBeNull();
      expect(await assigned.page.$('[data-testid=balance]')).toBeNull();
      expect(assigned.errors).toEqual([]);
    } finally {
      await Promise.all([assigned.context.close(), other.context.close()]);
    }
  });

  it('lets the server pick one reader with "auto: 1 readers" and shows who it picked', async () => {
    const row = rowOf(fx);
    await lead.page.click(`${row} [data-testid=assign-open]`);
    await lead.page.fill(`${row} [data-testid=assign-count]`, '1');
    await lead.page.click(`${row} [data-testid=assign-auto]`);
    await lead.page.waitForFunction(
      (selector) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll(selector).length === 1,
      `${row} [data-testid=assigned-readers] [data-user-id]`,
      { timeout: 10_000 },
    );
    const picked = await serverReaders();
    expect(picked).toHaveLength(1);
    expect((await shownReaders(lead)).map((r) => r.id)).toEqual(picked);
    expect(await lead.page.getAttribute(row, 'data-status')).toBe('reading');
  });

  it('offers an adjudicator (who may not list members) every project reader by name, and assigns the one ticked', async () => {
    const judge = await openWorklist(fx, 'judge');
    try {
      const row = rowOf(fx);
      await judge.page.click(`${row} [data-testid=assign-open]`);
      await judge.page.waitForSelector(`${row} [data-testid=assign-reader]`, { timeout: 10_000 });
      const offered = await judge.page.$$eval(`${row} [data-testid=assign-reader]`, (nodes) =>
        nodes.map((n) => ({ id: n.getAttribute('data-user-id') ?? '', text: n.parentElement?.textContent?.trim() ?? '' })),
      );
      expect(offered).toEqual([
        { id: ids.reader1, text: 'reader1' },
        { id: ids.reader2, text: 'reader2' },
        { id: ids.reader3, text: 'reader3' },
      ]);
      for (const id of Object.values(ids)) await judge.page.setChecked(`${row} [data-testid=assign-reader][data-user-id="${id}"]`, id === ids.reader3);
      await judge.page.click(`${row} [data-testid=assign-save]`);
      await judge.page.waitForSelector(`${row} [data-testid=assign-panel]`, { state: 'detached', timeout: 10_000 });
      expect(await serverReaders()).toEqual([ids.reader3]);
      expect(await shownReaders(judge)).toEqual([{ id: ids.reader3, text: 'reader3' }]);
      expect(judge.errors).toEqual([]);
    } finally {
      await judge.context.close();
    }
  });

  it('balances two readers onto a study left without readers, and the badge turns from "Unassigned" to "Reading"', async () => {
    const row = rowOf(fx);
    await sessionAdmin(fx).assign([]);
    await lead.page.reload();
    await lead.page.waitForSelector(`${row}[data-status=unassigned]`, { timeout: 15_000 });
    expect(await shownReaders(lead)).toEqual([]);
    await lead.page.fill('[data-testid=balance-count]', '2');
    await lead.page.click('[data-testid=balance]');
    await lead.page.waitForSelector(`${row}[data-status=reading]`, { timeout: 10_000 });
    const readers = await serverReaders();
    expect(readers).toHaveLength(2);
    expect((await shownReaders(lead)).map((r) => r.id).sort()).toEqual(readers);
    expect(lead.errors).toEqual([]);
  });
});
