import type * as Y from 'yjs';
import { annotationsToBoxes, groupKey, type AgreementBox, type SourceRef, type StudyAgreementInput } from '@readingroom/agreement';
import { getRoots, readAnnotations, readStudyState, roomName, type ReadingSession, type Role, type RoomScope } from '@readingroom/model';
import type { ReadSource, StudyReadsView } from './agreement-api-schemas';
import type { StudyImageKeys } from './study-image-keys';

/** Reads study documents without keeping rooms loaded (`SyncServer.readDocument`). */
export interface DocumentReader {
  readDocument(name: string): Promise<Y.Doc>;
}

/** What one study contributes to a report: who read it, where from, and the agreement input. */
export interface StudyReads {
  readonly view: StudyReadsView;
  readonly input: StudyAgreementInput;
}

export interface StudyReadsContext {
  readonly projectId: string;
  readonly studyUid: string;
  readonly session: ReadingSession;
  /** Project roles by user id. */
  readonly roles: ReadonlyMap<string, Role>;
  /** Count series keys (3D boxes) as images: the project's taxonomy has a 3D class. */
  readonly hasBox3dClasses: boolean;
  /** Null when the local catalog does not hold the study. */
  readonly images: StudyImageKeys | null;
}

/** Reads one document, hands its annotations (and rejections) to `use`, then frees it. */
async function withDocument<T>(documents: DocumentReader, name: string, use: (doc: Y.Doc) => T): Promise<T> {
  const doc = await documents.readDocument(name);
  try {
    return use(doc);
  } finally {
    doc.destroy();
  }
}

/**
 * Gathers a study's reads (docs/reading-sessions.md). Readers are the session's assigned readers;
 * with nobody assigned, the members with the reader role who authored annotations in the shared
 * document. A reader's read is their own document `…/r/<id>` when it holds any annotation (blinded
 * reads, and every trainee's), else their annotations (by `author`) in the shared document (open
 * sessions). Deciding by content rather than by the current phase keeps reads found after a
 * study moves from open to adjudication, or from blinded back to open. The consensus counts when
 * the phase is `final` or the consensus document has annotations or rejections.
 */
export async function gatherStudyReads(documents: DocumentReader, ctx: StudyReadsContext): Promise<StudyReads> {
  const room = (scope: RoomScope) => roomName({ projectId: ctx.projectId, studyInstanceUid: ctx.studyUid, scope });
  const shared = await withDocument(documents, room({ type: 'shared' }), (doc) => readAnnotations(doc));

  const assigned = ctx.session.readers.length > 0;
  const readerIds = assigned
    ? [...ctx.session.readers]
    : [...new Set(shared.filter((a) => ctx.roles.get(a.author) === 'reader').map((a) => a.author))].sort();

  const readers: { userId: string; source: ReadSource }[] = [];
  const boxes: AgreementBox[] = [];
  for (const userId of readerIds) {
    const own = await withDocument(documents, room({ type: 'reader', userId }), (doc) =>
      getRoots(doc).annotations.size > 0 || ctx.roles.get(userId) === 'trainee' ? readAnnotations(doc) : null,
    );
    readers.push({ userId, source: own ? 'own' : 'shared' });
    boxes.push(...(own ? annotationsToBoxes(own, { readerId: userId }) : annotationsToBoxes(shared.filter((a) => a.author === userId))));
  }

  const consensus = await withDocument(documents, room({ type: 'consensus' }), (doc) => ({
    annotations: readAnnotations(doc),
    rejections: readStudyState(doc).rejections.map((r): SourceRef => ({ readerId: r.readerId, annotationId: r.annotationId })),
  }));
  const hasConsensus = ctx.session.phase === 'final' || consensus.annotations.length > 0 || consensus.rejections.length > 0;
  const consensusBoxes = annotationsToBoxes(consensus.annotations);

  const imageKeys = ctx.images
    ? [...ctx.images.images, ...(ctx.hasBox3dClasses ? ctx.images.series : [])]
    : annotatedKeys([...boxes, ...consensusBoxes]);
  return {
    view: {
      studyInstanceUid: ctx.studyUid,
      phase: ctx.session.phase,
      readersFrom: assigned ? 'assigned' : 'authors',
      readers,
      hasConsensus,
      imagesFrom: ctx.images ? 'catalog' : 'annotations',
    },
    input: {
      readers: readerIds,
      boxes,
      imageKeys,
      ...(hasConsensus ? { consensus: consensusBoxes } : {}),
      rejections: consensus.rejections,
    },
  };
}

/** Without the catalog: the images (or series) that carry a box. */
function annotatedKeys(boxes: readonly AgreementBox[]): string[] {
  return [...new Set(boxes.map((b) => groupKey(b.region)))].sort();
}
