import type * as Y from 'yjs';
import type { StudyRoots } from './layout';

/** What one transaction changed in a study document. */
export interface StudyChange {
  /** True when the change was made by this session (including its undo/redo). */
  local: boolean;
  /** Ids of annotations created or modified, sorted. */
  annotationIds: string[];
  imageStatesChanged: boolean;
  commentsChanged: boolean;
  /** Rejections of reader annotations or votes changed (consensus review). */
  reviewChanged: boolean;
}

/**
 * Calls `callback` once per transaction that touched the study roots. Deep observers collect the
 * changes; Yjs runs them before `afterTransaction`, where the summary is emitted.
 */
export function observeStudy(
  doc: Y.Doc,
  roots: StudyRoots,
  isLocal: (origin: unknown) => boolean,
  callback: (change: StudyChange) => void,
): () => void {
  let ids = new Set<string>();
  let imageStates = false;
  let comments = false;
  let review = false;
  const onAnnotations = (events: Y.YEvent<Y.AbstractType<unknown>>[]): void => {
    for (const event of events) {
      if (event.target === roots.annotations) {
        for (const key of event.changes.keys.keys()) ids.add(key);
      } else {
        const first = event.path[0];
        if (typeof first === 'string') ids.add(first);
      }
    }
  };
  const onImageStates = (): void => {
    imageStates = true;
  };
  const onComments = (): void => {
    comments = true;
  };
  const onReview = (): void => {
    review = true;
  };
  const onAfterTransaction = (transaction: Y.Transaction): void => {
    if (ids.size === 0 && !imageStates && !comments && !review) return;
    const change: StudyChange = {
      local: isLocal(transaction.origin),
      annotationIds: [...ids].sort(),
      imageStatesChanged: imageStates,
      commentsChanged: comments,
      reviewChanged: review,
    };
    ids = new Set();
    imageStates = false;
    comments = false;
    review = false;
    callback(change);
  };
  roots.annotations.observeDeep(onAnnotations);
  roots.imageStates.observe(onImageStates);
  roots.comments.observe(onComments);
  roots.rejections.observe(onReview);
  roots.votes.observe(onReview);
  doc.on('afterTransaction', onAfterTransaction);
  return () => {
    roots.annotations.unobserveDeep(onAnnotations);
    roots.imageStates.unobserve(onImageStates);
    roots.comments.unobserve(onComments);
    roots.rejections.unobserve(onReview);
    roots.votes.unobserve(onReview);
    doc.off('afterTransaction', onAfterTransaction);
  };
}
