import * as Y from 'yjs';
import { getRoots, parseRoomName } from '@readingroom/model';
import { RoomState, type AppliedUpdate, type Logger, type SyncHooks } from '@readingroom/sync-server';
import type { AuditEvent } from './audit-log';
import type { AuditSink } from './audit-recorder';
import { annotationAtLoad, annotationEvents, commentEvents, imageStateEvents, keyedEntryEvents, type AnnotationView, type DocumentEventDraft } from './document-diff';

const plain = (v: unknown): unknown => (v instanceof Y.AbstractType ? (v.toJSON() as unknown) : v);
const plainObject = (v: unknown): Record<string, unknown> => {
  const p = plain(v);
  return typeof p === 'object' && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>) : { value: p };
};

/** Roots of atomic values audited key by key, with their actions. */
const KEYED_ROOTS = [
  { root: 'rejections', actions: { set: 'rejection.set', removed: 'rejection.withdrawn' } },
  { root: 'votes', actions: { set: 'vote.set', removed: 'vote.withdrawn' } },
] as const;

/**
 * What the audit remembers of one loaded room: a plain copy of its annotations, image states,
 * comments, rejections and votes (the "before" of the next update), and which keys the updates since touched. Yjs
 * observers on the room's document collect the touched keys, so an update costs work only for
 * what it changed.
 */
class RoomView {
  readonly annotations = new Map<string, AnnotationView>();
  readonly imageStates = new Map<string, unknown>();
  readonly comments = new Map<string, unknown>();
  readonly keyed = { rejections: new Map<string, unknown>(), votes: new Map<string, unknown>() };
  readonly touched = {
    annotations: new Set<string>(),
    imageStates: new Set<string>(),
    comments: new Set<string>(),
    rejections: new Set<string>(),
    votes: new Set<string>(),
  };
  readonly detach: () => void;

  constructor(readonly doc: Y.Doc) {
    const roots = getRoots(doc);
    for (const [id, v] of roots.annotations.entries()) this.annotations.set(id, annotationAtLoad(plainObject(v)));
    for (const [key, v] of roots.imageStates.entries()) this.imageStates.set(key, plain(v));
    for (const [id, v] of roots.comments.entries()) this.comments.set(id, plain(v));
    for (const { root } of KEYED_ROOTS) for (const [key, v] of roots[root].entries()) this.keyed[root].set(key, plain(v));

    const onAnnotations = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
      for (const event of events) {
        if (event.target === roots.annotations) for (const key of (event as Y.YMapEvent<unknown>).keysChanged) this.touched.annotations.add(key);
        else if (typeof event.path[0] === 'string') this.touched.annotations.add(event.path[0]);
      }
    };
    const onImageStates = (event: Y.YMapEvent<unknown>) => event.keysChanged.forEach((k) => this.touched.imageStates.add(k));
    const onComments = (event: Y.YMapEvent<unknown>) => event.keysChanged.forEach((k) => this.touched.comments.add(k));
    const onRejections = (event: Y.YMapEvent<unknown>) => event.keysChanged.forEach((k) => this.touched.rejections.add(k));
    const onVotes = (event: Y.YMapEvent<unknown>) => event.keysChanged.forEach((k) => this.touched.votes.add(k));
    roots.annotations.observeDeep(onAnnotations);
    roots.imageStates.observe(onImageStates);
    roots.comments.observe(onComments);
    roots.rejections.observe(onRejections);
    roots.votes.observe(onVotes);
    this.detach = () => {
      roots.annotations.unobserveDeep(onAnnotations);
      roots.imageStates.unobserve(onImageStates);
      roots.comments.unobserve(onComments);
      roots.rejections.unobserve(onRejections);
      roots.votes.unobserve(onVotes);
    };
  }

  /** Diffs every touched key against the remembered copy, updates the copy, returns the events. */
  collect(): DocumentEventDraft[] {
    const roots = getRoots(this.doc);
    const drafts: DocumentEventDraft[] = [];
    for (const id of [...this.touched.annotations].sort()) {
      const current = roots.annotations.get(id);
      const { events, next } = annotationEvents(id, this.annotations.get(id), current === undefined ? undefined : plainObject(current));
      drafts.push(...events);
      if (next) this.annotations.set(id, next);
      else this.annotations.delete(id);
    }
    for (const key of [...this.touched.imageStates].sort()) {
      const current = plain(roots.imageStates.get(key));
      drafts.push(...imageStateEvents(key, this.imageStates.get(key), current));
      if (current === undefined) this.imageStates.delete(key);
      else this.imageStates.set(key, current);
    }
    for (const id of [...this.touched.comments].sort()) {
      const current = plain(roots.comments.get(id));
      drafts.push(...commentEvents(id, this.comments.get(id), current));
      if (current === undefined) this.comments.delete(id);
      else this.comments.set(id, current);
    }
    for (const { root, actions } of KEYED_ROOTS) {
      const seen = this.keyed[root];
      for (const key of [...this.touched[root]].sort()) {
        const current = plain(roots[root].get(key));
        drafts.push(...keyedEntryEvents(key, seen.get(key), current, actions));
        if (current === undefined) seen.delete(key);
        else seen.set(key, current);
      }
      this.touched[root].clear();
    }
    this.touched.annotations.clear();
    this.touched.imageStates.clear();
    this.touched.comments.clear();
    return drafts;
  }
}

/**
 * Sync hooks that turn applied document updates into audit events: annotations created, moved,
 * relabelled, attributes changed, deleted, restored; review outcomes set or cleared; comments
 * added or deleted; rejections and votes set or withdrawn. The actor is the authenticated user of the connection that sent the update
 * (never a user id written into the document). A room's plain copy is built when it loads
 * (`onRoomLoaded`), kept current by every applied update and dropped when the room unloads.
 */
export function documentAuditHooks(options: { sink: AuditSink; logger: Logger; now?: () => number }): SyncHooks & { readonly roomsTracked: () => number } {
  const { sink, logger } = options;
  const now = options.now ?? Date.now;
  const rooms = new Map<string, RoomView>();

  const track = (room: string, doc: Y.Doc) => {
    rooms.get(room)?.detach();
    try {
      rooms.set(room, new RoomView(doc));
    } catch (err) {
      rooms.delete(room);
      logger.error({ room, err: { message: (err as Error).message } }, 'audit cannot read the room document; its changes are not audited');
    }
  };

  return {
    roomsTracked: () => rooms.size,

    onRoomLoaded(room, doc) {
      track(room, doc);
    },

    onUpdateApplied(applied: AppliedUpdate) {
      const view = rooms.get(applied.room);
      if (!view || view.doc !== applied.doc) {
        // Not seen loading (cannot happen with onRoomLoaded wired): start from here on.
        logger.warn({ room: applied.room }, 'audit saw an update of a room it did not see load; starting its audit now');
        track(applied.room, applied.doc);
        return;
      }
      try {
        const drafts = view.collect();
        if (drafts.length === 0) return;
        const scope = parseRoomName(applied.room);
        const at = now();
        const events: AuditEvent[] = drafts.map((d) => ({
          at,
          actor: applied.identity?.userId ?? null,
          action: d.action,
          projectId: scope?.projectId ?? null,
          studyUid: scope?.studyInstanceUid ?? d.studyUid,
          room: applied.room,
          targetId: d.targetId,
          before: d.before,
          after: d.after,
        }));
        sink.record(events);
      } catch (err) {
        logger.error({ room: applied.room, err: { message: (err as Error).message } }, 'audit failed to diff an update');
      }
    },

    onRoomState(room, state) {
      if (state === RoomState.Unloaded || state === RoomState.Failed) {
        rooms.get(room)?.detach();
        rooms.delete(room);
      }
    },
  };
}
