import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { StudyDocument } from '@readingroom/model';
import { MemoryStorage, SyncServer, silentLogger } from '@readingroom/sync-server';
import { FakeClient, until } from '@readingroom/testing';
import { composeHooks } from '../sync-hooks';
import { AuditRecorder } from './audit-recorder';
import { documentAuditHooks } from './document-audit';
import { MemoryAuditLog } from './memory-audit-log';

const STUDY = '1.2.826.0.1.3680043.8.498.1';
const SERIES = `${STUDY}.2`;
const SOP = `${SERIES}.3`;
const ROOM = `p/proj-1/s/${STUDY}`;

function setup(storage = new MemoryStorage()) {
  const log = new MemoryAuditLog();
  const recorder = new AuditRecorder(log, silentLogger);
  const audit = documentAuditHooks({ sink: recorder, logger: silentLogger });
  const sync = new SyncServer({ storage, hooks: composeHooks(audit), unloadDelayMs: 0, flushDelayMs: 1 });
  const entries = async () => {
    await recorder.flush();
    return (await log.query({ limit: 1000 })).entries.map((e) => ({
      ...e,
      before: e.before === null ? null : JSON.parse(e.before),
      after: e.after === null ? null : JSON.parse(e.after),
    }));
  };
  return { log, recorder, audit, sync, storage, entries };
}

/** A connected client whose document claims to be `claimedUser` while its connection is `userId`. */
async function client(sync: SyncServer, userId: string, claimedUser = userId) {
  const c = new FakeClient(sync, ROOM, { userId });
  await until(() => c.synced);
  return { c, study: new StudyDocument(c.doc, { userId: claimedUser }) };
}

const newBox = { studyInstanceUid: STUDY, seriesInstanceUid: SERIES, sopInstanceUid: SOP, geometry: { x: 1, y: 2, width: 3, height: 4 }, label: 'nodule' };

describe('document audit hooks', () => {
  it('records create, move, relabel, attributes, delete and restore of a box with before and after', async () => {
    const { sync, entries } = setup();
    const { study } = await client(sync, 'alice');
    const box = study.createBox2d(newBox);
    study.moveBox(box.id, { x: 5, y: 6, width: 3, height: 4 });
    study.setLabel(box.id, 'mass');
    study.setAttributes(box.id, { confidence: 4, note: 'spiculated' });
    study.deleteAnnotation(box.id);
    study.restoreAnnotation(box.id);
    await until(() => sync.roomState(ROOM) === 'active');
    const got = await entries();
    expect(got.map((e) => e.action)).toEqual([
      'annotation.created',
      'annotation.moved',
      'annotation.relabelled',
      'annotation.attributes_changed',
      'annotation.deleted',
      'annotation.restored',
    ]);
    for (const e of got) expect(e).toMatchObject({ actor: 'alice', projectId: 'proj-1', studyUid: STUDY, room: ROOM, targetId: box.id });
    expect(got[0]!.before).toBeNull();
    expect(got[0]!.after).toMatchObject({ id: box.id, label: 'nodule', geometry: newBox.geometry, deleted: false, attributes: {} });
    expect(got[1]).toMatchObject({ before: { geometry: { x: 1, y: 2 } }, after: { geometry: { x: 5, y: 6 } } });
    expect(got[2]).toMatchObject({ before: { label: 'nodule' }, after: { label: 'mass' } });
    expect(got[3]).toMatchObject({ before: { attributes: {} }, after: { attributes: { confidence: 4, note: 'spiculated' } } });
    expect(got[4]).toMatchObject({ before: { deleted: false }, after: { deleted: true, deletedBy: 'alice' } });
    expect(got[5]).toMatchObject({ before: { deleted: true, deletedBy: 'alice' }, after: { deleted: false } });
    await sync.shutdown();
  });

  it('attributes changes to the authenticated connection, not to the user id written into the document', async () => {
    const { sync, entries } = setup();
    const { study } = await client(sync, 'mallory', 'alice');
    study.createBox2d(newBox);
    const [created] = await entries();
    expect(created).toMatchObject({ action: 'annotation.created', actor: 'mallory' });
    expect(created!.after).toMatchObject({ createdBy: 'alice' });
    await sync.shutdown();
  });

  it('records review outcomes set, replaced and cleared, and comments added and deleted', async () => {
    const { sync, entries } = setup();
    const { study } = await client(sync, 'bob');
    const target = { level: 'series' as const, studyInstanceUid: STUDY, seriesInstanceUid: SERIES };
    study.setImageState(target, { status: 'no_finding' });
    study.setImageState(target, { status: 'excluded_poor_quality', reason: 'motion' });
    study.clearImageState(target);
    const comment = study.addComment({ text: 'look at the apex', target: { type: 'study' } });
    study.deleteComment(comment.id);
    await new Promise((r) => setTimeout(r, 30));
    const got = await entries();
    expect(got.map((e) => [e.action, e.targetId])).toEqual([
      ['image_state.set', `series:${SERIES}`],
      ['image_state.set', `series:${SERIES}`],
      ['image_state.cleared', `series:${SERIES}`],
      ['comment.added', comment.id],
      ['comment.deleted', comment.id],
    ]);
    expect(got[0]).toMatchObject({ before: null, after: { status: 'no_finding', setBy: 'bob' } });
    expect(got[1]).toMatchObject({ before: { status: 'no_finding' }, after: { status: 'excluded_poor_quality', reason: 'motion' } });
    expect(got[2]).toMatchObject({ before: { status: 'excluded_poor_quality' }, after: null });
    expect(got[3]).toMatchObject({ before: null, after: { text: 'look at the apex', author: 'bob' } });
    expect(got[4]).toMatchObject({ before: { deleted: false }, after: { deleted: true, deletedBy: 'bob' } });
    await sync.shutdown();
  });

  it('records rejections set and withdrawn and votes cast, changed and withdrawn, by key', async () => {
    const { sync, entries } = setup();
    const { study } = await client(sync, 'adam');
    const box = study.acceptProposal({ kind: 'box2d', ...newBox, sources: [{ readerId: 'r1', annotationId: 'a1' }], origin: 'taken' });
    study.rejectSources([{ readerId: 'r2', annotationId: 'b2' }], 'duplicate');
    study.withdrawRejection({ readerId: 'r2', annotationId: 'b2' });
    study.setVote(box.id, 'agree');
    study.setVote(box.id, 'disagree');
    study.clearVote(box.id);
    await new Promise((r) => setTimeout(r, 30));
    const got = (await entries()).filter((e) => e.action !== 'annotation.created');
    const vote = `${box.id}:adam`;
    expect(got.map((e) => [e.action, e.targetId, e.actor])).toEqual([
      ['rejection.set', 'r2:b2', 'adam'],
      ['rejection.withdrawn', 'r2:b2', 'adam'],
      ['vote.set', vote, 'adam'],
      ['vote.set', vote, 'adam'],
      ['vote.withdrawn', vote, 'adam'],
    ]);
    expect(got[0]).toMatchObject({ before: null, after: { readerId: 'r2', annotationId: 'b2', by: 'adam', reason: 'duplicate' } });
    expect(got[3]).toMatchObject({ before: { vote: 'agree' }, after: { vote: 'disagree' } });
    expect(got[4]).toMatchObject({ before: { vote: 'disagree' }, after: null });
    await sync.shutdown();
  });

  it('knows the before of a room loaded from storage, and records an undone create as a deletion', async () => {
    const storage = new MemoryStorage();
    const seeded = setup(storage);
    const first = await client(seeded.sync, 'alice');
    const box = first.study.createBox2d(newBox);
    await new Promise((r) => setTimeout(r, 20));
    await seeded.sync.shutdown();

    const { sync, entries, audit } = setup(storage);
    const { study } = await client(sync, 'alice');
    expect(audit.roomsTracked()).toBe(1);
    study.moveBox(box.id, { x: 9, y: 9, width: 3, height: 4 });
    const other = study.createBox2d({ ...newBox, label: 'mass' });
    study.undo();
    await new Promise((r) => setTimeout(r, 30));
    const got = await entries();
    expect(got.map((e) => [e.action, e.targetId])).toEqual([
      ['annotation.moved', box.id],
      ['annotation.created', other.id],
      ['annotation.deleted', other.id],
    ]);
    expect(got[0]).toMatchObject({ before: { geometry: { x: 1, y: 2 } }, after: { geometry: { x: 9, y: 9 } } });
    await sync.shutdown();
    expect(audit.roomsTracked()).toBe(0);
  });

  it('records one creation for a box whose two create transactions arrive merged in one update', async () => {
    const { sync, entries } = setup();
    const offline = new Y.Doc();
    const box = new StudyDocument(offline, { userId: 'carol' }).createBox2d(newBox);
    const { c } = await client(sync, 'carol');
    Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(offline));
    await new Promise((r) => setTimeout(r, 20));
    const got = await entries();
    expect(got.map((e) => [e.action, e.targetId, e.actor])).toEqual([['annotation.created', box.id, 'carol']]);
    await sync.shutdown();
  });

  it('does nothing for updates outside the study roots', async () => {
    const { sync, entries } = setup();
    const { c } = await client(sync, 'alice');
    c.doc.getMap('elsewhere').set('k', 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(await entries()).toEqual([]);
    await sync.shutdown();
  });
});
