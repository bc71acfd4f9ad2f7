import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as Y from 'yjs';
import { roomName, StudyDocument, validateDocument, type ReadingSession, type RoomScope } from '@readingroom/model';
import type { DocumentStorage } from '@readingroom/sync-server';
import type { ProjectStore } from '../projects/project-store';
import type { SessionStore } from '../sessions/session-store';
import type { UserStore } from '../users/user-store';
import { DEMO_READERS, demoConsensus, demoReads, type DemoCtTruth, type DemoReader } from './demo-reads';

const MINUTE = 60_000;

/**
 * Writes the demo's finished reads of the synthetic CT (demo-reads.ts) into the data directory:
 * each reader's document `…/r/<id>` written as that reader, the consensus written as
 * `adjudicator`, and the study's reading session in the `adjudication` phase with every read
 * submitted and `readersMayDiscuss` on (so the demo readers may look at the reads, the consensus
 * and the agreement report). Every document is validated before it is stored. Call it once, on
 * a project just created (documents are appended to, not replaced). `now` dates the reads.
 */
export async function seedDemoReads(deps: {
  readonly dataDir: string;
  readonly projectId: string;
  readonly users: Pick<UserStore, 'findByUsername'>;
  readonly projects: Pick<ProjectStore, 'listLabels'>;
  readonly sessions: SessionStore;
  readonly storage: DocumentStorage;
  readonly now?: number;
}): Promise<void> {
  const truth = JSON.parse(await readFile(join(deps.dataDir, 'demo', 'ground-truth.json'), 'utf8')).ct as DemoCtTruth;
  const labels = (await deps.projects.listLabels(deps.projectId)).map((l) => l.name);
  const idOf = async (username: string) => {
    const user = await deps.users.findByUsername(username);
    if (!user) throw new Error(`the demo user ${username} does not exist`);
    return user.id;
  };
  const userIds = {} as Record<DemoReader, string>;
  for (const reader of DEMO_READERS) userIds[reader] = await idOf(reader);
  const adjudicatorId = await idOf('adjudicator');

  // Reads finished over the last few hours, then adjudicated: the same offsets on every run.
  const start = (deps.now ?? Date.now()) - 4 * 60 * MINUTE;
  const room = (scope: RoomScope) => roomName({ projectId: deps.projectId, studyInstanceUid: truth.studyInstanceUid, scope });
  const store = async (name: string, userId: string, at: number, write: (session: StudyDocument) => void) => {
    const doc = new Y.Doc();
    let clock = at;
    const session = new StudyDocument(doc, { userId, now: () => (clock += 20_000) });
    try {
      write(session);
      const problems = validateDocument(doc, { labels });
      if (problems.length > 0) throw new Error(`the demo document ${name} is invalid: ${problems.map((p) => p.message).join('; ')}`);
      await deps.storage.appendUpdates(name, [{ update: Y.encodeStateAsUpdate(doc), userId, receivedAt: clock }]);
      return clock;
    } finally {
      session.destroy();
      doc.destroy();
    }
  };

  const reads = demoReads(truth);
  const ids = {} as Record<DemoReader, Record<string, string>>;
  const submitted: Record<string, number> = {};
  for (const [i, reader] of DEMO_READERS.entries()) {
    ids[reader] = {};
    submitted[userIds[reader]] = await store(room({ type: 'reader', userId: userIds[reader] }), userIds[reader], start + i * 30 * MINUTE, (s) => {
      for (const mark of reads[reader]) ids[reader][mark.key] = s.createBox2d(mark.box).id;
    });
  }
  const { proposals, rejected } = demoConsensus(reads, ids, userIds);
  await store(room({ type: 'consensus' }), adjudicatorId, start + 3 * 60 * MINUTE, (s) => {
    for (const proposal of proposals) s.acceptProposal(proposal);
    s.rejectSources(rejected, 'a vessel in cross-section, not a nodule');
  });

  const session: ReadingSession = {
    phase: 'adjudication',
    readers: DEMO_READERS.map((r) => userIds[r]),
    adjudicators: [adjudicatorId],
    submitted,
    readersMayDiscuss: true,
    revealed: false,
  };
  await deps.sessions.modify(deps.projectId, (draft) => draft.set(truth.studyInstanceUid, session));
}
