import type * as Y from 'yjs';
import {
  getRoots,
  hasSubmitted,
  READER_ROLES,
  readAnnotations,
  readStudyState,
  roomName,
  type Annotation,
  type ImageState,
  type ReadingSession,
  type Role,
  type RoomScope,
} from '@readingroom/model';

/** Reads study documents without keeping rooms loaded (`SyncServer.readDocument`). */
export interface DocumentReader {
  readDocument(name: string): Promise<Y.Doc>;
}

/** One read's labels in one study: live annotations and review outcomes. */
export interface ReadLabels {
  readonly annotations: Annotation[];
  readonly imageStates: ImageState[];
  /** Latest change among what was read (deleted annotations and rejections included); 0 when nothing. */
  readonly latest: number;
}

export interface ReaderRead {
  readonly readerId: string;
  /** `own`: the reader's document `…/r/<id>`; `shared`: their annotations and outcomes in the shared document. */
  readonly from: 'own' | 'shared';
  readonly submitted: boolean;
  readonly labels: ReadLabels;
}

const EMPTY: ReadLabels = { annotations: [], imageStates: [], latest: 0 };

async function withDocument<T>(documents: DocumentReader, name: string, use: (doc: Y.Doc) => T): Promise<T> {
  const doc = await documents.readDocument(name);
  try {
    return use(doc);
  } finally {
    doc.destroy();
  }
}

function latestOf(annotations: readonly Annotation[], states: readonly ImageState[], more: readonly number[] = []): number {
  let latest = 0;
  for (const a of annotations) latest = Math.max(latest, a.updatedAt, a.deletedAt ?? 0);
  for (const s of states) latest = Math.max(latest, s.setAt);
  for (const t of more) latest = Math.max(latest, t);
  return latest;
}

/** Everything of a document, optionally only what `who` authored (annotations) and set (outcomes). */
function labelsOf(doc: Y.Doc, who?: string): ReadLabels & { rejections: number } {
  const all = readAnnotations(doc, { includeDeleted: true }).filter((a) => who === undefined || a.author === who);
  const state = readStudyState(doc);
  const imageStates = state.imageStates.filter((s) => who === undefined || s.setBy === who);
  const rejections = who === undefined ? state.rejections : [];
  return {
    annotations: all.filter((a) => !a.deleted),
    imageStates,
    latest: latestOf(all, imageStates, rejections.map((r) => r.at)),
    rejections: rejections.length,
  };
}

const room = (projectId: string, studyUid: string, scope: RoomScope) => roomName({ projectId, studyInstanceUid: studyUid, scope });

/**
 * The consensus of a study, and whether it has one: the phase is `final`, or the consensus
 * document holds annotations, review outcomes or rejections (the rule of the agreement report).
 */
export async function readConsensus(
  documents: DocumentReader,
  projectId: string,
  studyUid: string,
  session: Pick<ReadingSession, 'phase'>,
): Promise<{ labels: ReadLabels; hasConsensus: boolean }> {
  return withDocument(documents, room(projectId, studyUid, { type: 'consensus' }), (doc) => {
    const { rejections, ...labels } = labelsOf(doc);
    const touched = getRoots(doc).annotations.size > 0 || labels.imageStates.length > 0 || rejections > 0;
    return { labels, hasConsensus: session.phase === 'final' || touched };
  });
}

/**
 * Every reader's read of a study (docs/reading-sessions.md), by the rule the agreement report
 * uses (`agreement/study-reads.ts`): the readers are the session's assigned readers; with nobody
 * assigned, the members with a reader or trainee role who left labels in the shared document or
 * their own. A read is the reader's own document `…/r/<id>` when it holds any annotation or
 * review outcome (blinded reads; always for trainees), else what they authored in the shared
 * document (open sessions). The agreement module's gatherer only returns agreement boxes, so the
 * same rule is applied here to full annotations and review outcomes.
 */
export async function readReaderReads(
  documents: DocumentReader,
  ctx: { projectId: string; studyUid: string; session: ReadingSession; roles: ReadonlyMap<string, Role> },
): Promise<ReaderRead[]> {
  const shared = await withDocument(documents, room(ctx.projectId, ctx.studyUid, { type: 'shared' }), (doc) => doc);
  try {
    const assigned = ctx.session.readers.length > 0;
    const candidates = assigned
      ? [...ctx.session.readers]
      : [...ctx.roles].filter(([, role]) => READER_ROLES.has(role)).map(([id]) => id).sort();
    const reads: ReaderRead[] = [];
    for (const readerId of candidates) {
      const own = await withDocument(documents, room(ctx.projectId, ctx.studyUid, { type: 'reader', userId: readerId }), (doc) => {
        const roots = getRoots(doc);
        const holds = roots.annotations.size > 0 || roots.imageStates.size > 0;
        return holds || ctx.roles.get(readerId) === 'trainee' ? labelsOf(doc) : null;
      });
      const labels = own ?? labelsOf(shared, readerId);
      const empty = labels.annotations.length === 0 && labels.imageStates.length === 0 && labels.latest === 0;
      if (!assigned && empty) continue;
      const { rejections: _none, ...rest } = labels;
      reads.push({ readerId, from: own ? 'own' : 'shared', submitted: hasSubmitted(ctx.session, readerId), labels: rest });
    }
    return reads;
  } finally {
    shared.destroy();
  }
}

export { EMPTY as NO_LABELS };
