import * as Y from 'yjs';

/** Options of `SyncServer.changeDocument`. */
export interface ChangeDocumentOptions {
  /**
   * Run the `acceptUpdate` hook on the change, exactly as for a client's update (default true),
   * so a write the server makes on behalf of a user is checked like one the user sends. False
   * only for trusted server-side writes that no user asked for.
   */
  readonly validate?: boolean;
}

/** The result of `SyncServer.changeDocument`. */
export interface DocumentChange {
  /** False when the change function wrote nothing (nothing was applied or stored). */
  readonly changed: boolean;
}

/**
 * Thrown by `SyncServer.changeDocument` when the change was not applied: the room is not
 * available (`unavailable`, retry later), the document would exceed its size limit
 * (`document_too_large`), Yjs could not apply it (`apply_failed`), or the accept step refused it
 * (then `code` and `message` are the accept step's, e.g. `invalid_update`).
 */
export class DocumentChangeError extends Error {
  override readonly name = 'DocumentChangeError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The origin of server-side changes in a room's transactions. */
export const SERVER_CHANGE_ORIGIN: object = Object.freeze({ kind: 'server-change' });

/**
 * Runs `change` on a staging copy of `base` and returns what it wrote as one update, or null
 * when it wrote nothing. `base` is only read. The copy gets a fresh Yjs client id, so the
 * change never writes under an id a connection uses.
 */
export function stageChange(base: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array | null {
  const staging = new Y.Doc();
  try {
    Y.applyUpdate(staging, Y.encodeStateAsUpdate(base));
    const updates: Uint8Array[] = [];
    staging.on('update', (u: Uint8Array) => updates.push(u));
    change(staging);
    if (updates.length === 0) return null;
    return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
  } finally {
    staging.destroy();
  }
}

/** A fresh document holding everything `doc` holds. */
export function copyDocument(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}
