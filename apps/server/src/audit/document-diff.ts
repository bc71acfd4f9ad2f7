import { canonicalJson } from './audit-hash';
import type { AuditAction } from './audit-actions';

// Pure: turns the before and after plain values of one document entry into audit events.
// Annotations are plain objects as `Y.Map.toJSON()` gives them (attributes nested).

type Plain = Record<string, unknown>;

/** An event of one document entry, before actor, room and time are added. */
export interface DocumentEventDraft {
  readonly action: AuditAction;
  readonly targetId: string;
  /** From the entry itself; the room name's study wins when the room has one. */
  readonly studyUid: string | null;
  readonly before: unknown;
  readonly after: unknown;
}

/**
 * An annotation as last seen. `published`: it has been visible (not deleted) at some point. A
 * `StudyDocument` creates a box in two transactions (written withdrawn, then published), so the
 * first time a box becomes visible is its creation, and only later deletions and restores are
 * recorded as such.
 */
export interface AnnotationView {
  readonly value: Plain;
  readonly published: boolean;
}

const same = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const studyOf = (v: unknown): string | null => (isPlain(v) && typeof v.studyInstanceUid === 'string' ? v.studyInstanceUid : null);

/** Who/when bookkeeping: changes with every edit, so it is not an edit of its own. */
const BOOKKEEPING = new Set(['updatedBy', 'updatedAt', 'deletedBy', 'deletedAt']);
/** Fields with their own action; every other field change is `annotation.changed`. */
const FIELD_ACTIONS: ReadonlyArray<[string, AuditAction]> = [
  ['geometry', 'annotation.moved'],
  ['label', 'annotation.relabelled'],
  ['attributes', 'annotation.attributes_changed'],
];
const OWN_ACTION = new Set(['geometry', 'label', 'attributes', 'deleted']);

/** The view of an annotation found in a document at load: was it ever visible? */
export function annotationAtLoad(value: Plain): AnnotationView {
  // A box withdrawn at its creation (the first half of a create, or a create undone) carries its
  // creator and creation time as deleter and deletion time.
  const withdrawnAtCreation = value.deleted === true && value.deletedBy === value.createdBy && value.deletedAt === value.createdAt;
  return { value, published: !withdrawnAtCreation };
}

const deletion = (v: Plain) => ({ deleted: true, deletedBy: v.deletedBy, deletedAt: v.deletedAt });

/** Events for one annotation id, and what to remember for it next time (undefined: forget). */
export function annotationEvents(
  id: string,
  before: AnnotationView | undefined,
  after: Plain | undefined,
): { events: DocumentEventDraft[]; next: AnnotationView | undefined } {
  const events: DocumentEventDraft[] = [];
  const push = (action: AuditAction, b: unknown, a: unknown, from: unknown) =>
    events.push({ action, targetId: id, studyUid: studyOf(from), before: b, after: a });

  if (!after) {
    if (before?.published && before.value.deleted !== true) push('annotation.deleted', before.value, null, before.value);
    return { events, next: undefined };
  }
  const visible = after.deleted !== true;
  if (!before || !before.published) {
    if (visible) push('annotation.created', null, after, after);
    return { events, next: { value: after, published: visible } };
  }

  const old = before.value;
  for (const [field, action] of FIELD_ACTIONS) {
    if (!same(old[field], after[field])) push(action, { [field]: old[field] }, { [field]: after[field] }, after);
  }
  const otherFields = [...new Set([...Object.keys(old), ...Object.keys(after)])]
    .filter((k) => !OWN_ACTION.has(k) && !BOOKKEEPING.has(k) && !same(old[k], after[k]))
    .sort();
  if (otherFields.length > 0) {
    push('annotation.changed', Object.fromEntries(otherFields.map((k) => [k, old[k]])), Object.fromEntries(otherFields.map((k) => [k, after[k]])), after);
  }
  const wasVisible = old.deleted !== true;
  if (wasVisible && !visible) push('annotation.deleted', { deleted: false }, deletion(after), after);
  if (!wasVisible && visible) push('annotation.restored', deletion(old), { deleted: false }, after);
  return { events, next: { value: after, published: true } };
}

/** Events for one review outcome (`imageStates` key). */
export function imageStateEvents(key: string, before: unknown, after: unknown): DocumentEventDraft[] {
  if (before === undefined && after === undefined) return [];
  if (after === undefined) return [{ action: 'image_state.cleared', targetId: key, studyUid: studyOf(before), before, after: null }];
  if (before !== undefined && same(before, after)) return [];
  return [{ action: 'image_state.set', targetId: key, studyUid: studyOf(after), before: before ?? null, after }];
}

/** Events for one rejection or vote (atomic values set, replaced or removed under their key). */
export function keyedEntryEvents(key: string, before: unknown, after: unknown, actions: { set: AuditAction; removed: AuditAction }): DocumentEventDraft[] {
  if (before === undefined && after === undefined) return [];
  if (after === undefined) return [{ action: actions.removed, targetId: key, studyUid: null, before, after: null }];
  if (before !== undefined && same(before, after)) return [];
  return [{ action: actions.set, targetId: key, studyUid: null, before: before ?? null, after }];
}

/** Events for one comment. Comments are atomic values, deleted by flagging them. */
export function commentEvents(id: string, before: unknown, after: unknown): DocumentEventDraft[] {
  const draft = (action: AuditAction, b: unknown, a: unknown): DocumentEventDraft => ({ action, targetId: id, studyUid: null, before: b, after: a });
  if (after === undefined) return before === undefined ? [] : [draft('comment.deleted', before, null)];
  const deleted = (v: unknown) => isPlain(v) && v.deleted === true;
  if (before === undefined) {
    const added = [draft('comment.added', null, after)];
    return deleted(after) && isPlain(after) ? [...added, draft('comment.deleted', { deleted: false }, deletion(after))] : added;
  }
  if (same(before, after)) return [];
  if (!deleted(before) && deleted(after) && isPlain(before) && isPlain(after)) {
    const rest = (v: Plain) => Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'deleted' && k !== 'deletedBy' && k !== 'deletedAt'));
    if (same(rest(before), rest(after))) return [draft('comment.deleted', { deleted: false }, deletion(after))];
  }
  return [draft('comment.changed', before, after)];
}
