import { ROOT, type Annotation } from '@readingroom/model';
import { StudyAnnotations } from '../collab/study-annotations.svelte';
import { SyncConnection } from '../collab/sync-connection.svelte';

/** A document opened to look at, never to edit: one reader's read, or the consensus. */
export interface ReferenceRoom {
  /** Stable key: the reader's user id, or `consensus`. */
  readonly key: string;
  readonly room: string;
}

/** One open reference document. */
export class ReferenceDocument {
  readonly annotations: StudyAnnotations;

  constructor(
    readonly key: string,
    readonly room: string,
    readonly connection: SyncConnection,
  ) {
    this.annotations = new StudyAnnotations(connection.doc);
  }

  get doc() {
    return this.connection.doc;
  }
  get synced(): boolean {
    return this.connection.synced;
  }
  /** Boxes not deleted (reactive inside effects and derived values). */
  get boxes(): Annotation[] {
    return this.annotations.list;
  }
}

export interface ReferenceDocumentsOptions {
  readonly syncUrl: string;
  readonly token: string;
  readonly window: Window;
  /** Called after any change of any open document (for recomputations outside Svelte). */
  readonly onChange?: () => void;
}

/**
 * A set of read-only study documents, each in its own Y.Doc and y-websocket connection, kept in
 * step with a wanted list of rooms (`show`). Nothing is ever written: this page never edits them,
 * and the server holds their grant read-only anyway.
 */
export class ReferenceDocuments {
  #open = $state.raw<ReferenceDocument[]>([]);
  #offs = new Map<string, () => void>();

  constructor(private readonly options: ReferenceDocumentsOptions) {}

  get list(): ReferenceDocument[] {
    return this.#open;
  }
  get(key: string): ReferenceDocument | undefined {
    return this.#open.find((d) => d.key === key);
  }
  /** Every wanted document has completed its first sync. */
  get synced(): boolean {
    return this.#open.every((d) => d.synced);
  }

  /** Opens the rooms not open yet and closes those no longer wanted. */
  show(rooms: readonly ReferenceRoom[]): void {
    const wanted = new Map(rooms.map((r) => [r.key, r.room]));
    const kept = this.#open.filter((d) => wanted.get(d.key) === d.room);
    for (const gone of this.#open.filter((d) => !kept.includes(d))) this.#close(gone);
    const added = rooms.filter((r) => !kept.some((d) => d.key === r.key)).map((r) => this.#openRoom(r));
    if (added.length > 0 || kept.length !== this.#open.length) {
      this.#open = [...kept, ...added];
      this.options.onChange?.();
    }
  }

  destroy(): void {
    for (const document of this.#open) this.#close(document);
    this.#open = [];
  }

  #openRoom(room: ReferenceRoom): ReferenceDocument {
    const connection = new SyncConnection({
      syncUrl: this.options.syncUrl,
      room: room.room,
      token: this.options.token,
      window: this.options.window,
      // Nothing is written here, so nothing can be refused.
      onRejected: () => {},
    });
    const document = new ReferenceDocument(room.key, room.room, connection);
    const annotations = connection.doc.getMap(ROOT.annotations);
    const onChange = () => this.options.onChange?.();
    annotations.observeDeep(onChange);
    connection.provider.on('sync', onChange);
    this.#offs.set(room.key, () => {
      annotations.unobserveDeep(onChange);
      connection.provider.off('sync', onChange);
    });
    return document;
  }

  #close(document: ReferenceDocument): void {
    this.#offs.get(document.key)?.();
    this.#offs.delete(document.key);
    document.connection.destroy();
  }
}
