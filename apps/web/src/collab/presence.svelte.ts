import { createSubscriber } from 'svelte/reactivity';
import type { Awareness } from 'y-protocols/awareness';
import type { PresenceState } from '@readingroom/model';
import type { ViewState } from '../viewer/stack-viewer.svelte';

/** A participant as the viewer uses it. */
export interface Participant {
  readonly clientId: number;
  readonly isMe: boolean;
  readonly user: { readonly id: string; readonly name: string; readonly colour: string };
  readonly view: ViewState | null;
  /** Pointer position in image pixels on one image (frame). */
  readonly cursor: { readonly sopInstanceUid: string; readonly frameIndex: number; readonly x: number; readonly y: number } | null;
}

const CURSOR_INTERVAL_MS = 50;
const VIEW_INTERVAL_MS = 60;

/**
 * Who is in the study and what they look at, from y-websocket awareness. Local cursor and view
 * updates are throttled (with a trailing update, so the last position always goes out).
 */
export class Presence {
  #subscribe: () => void;
  #cursor = throttle(CURSOR_INTERVAL_MS, (cursor: Participant['cursor']) => this.awareness.setLocalStateField('cursor', cursor));
  #view = throttle(VIEW_INTERVAL_MS, (view: ViewState | null) => {
    if (!view) return;
    const viewport: PresenceState['viewport'] = {
      seriesInstanceUid: view.seriesUid,
      sliceIndex: view.index,
      zoom: view.zoom,
      pan: [view.pan[0], view.pan[1]],
      ...(view.voi ? { windowCenter: (view.voi.lower + view.voi.upper) / 2, windowWidth: view.voi.upper - view.voi.lower } : {}),
    };
    this.awareness.setLocalStateField('viewport', viewport);
  });

  constructor(
    private readonly awareness: Awareness,
    user: Participant['user'],
  ) {
    // The shared presence shape (PresenceStateSchema): the server holds read-only users to it.
    awareness.setLocalState({ user: { id: user.id, name: user.name, color: user.colour }, cursor: null } satisfies PresenceState);
    this.#subscribe = createSubscriber((update) => {
      awareness.on('change', update);
      return () => awareness.off('change', update);
    });
  }

  /** Everyone in the study with a published user, me first. */
  get participants(): Participant[] {
    this.#subscribe();
    return this.read();
  }

  /** Non-reactive read of the participants. */
  read(): Participant[] {
    const me = this.awareness.clientID;
    const list: Participant[] = [];
    for (const [clientId, state] of this.awareness.getStates()) {
      const participant = toParticipant(clientId, clientId === me, state as PresenceState);
      if (participant) list.push(participant);
    }
    return list.sort((a, b) => Number(b.isMe) - Number(a.isMe) || a.user.name.localeCompare(b.user.name));
  }

  publishCursor(cursor: Participant['cursor']): void {
    this.#cursor(cursor);
  }
  publishView(view: ViewState | null): void {
    this.#view(view);
  }
  /** Calls `listener` on every awareness change; returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.awareness.on('change', listener);
    return () => this.awareness.off('change', listener);
  }
}

function throttle<T>(intervalMs: number, send: (value: T) => void): (value: T) => void {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let latest: T;
  return (value: T) => {
    latest = value;
    if (timer) return;
    const wait = Math.max(0, last + intervalMs - Date.now());
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      send(latest);
    }, wait);
  };
}

function toParticipant(clientId: number, isMe: boolean, state: PresenceState): Participant | null {
  const user = state.user;
  if (!user || typeof user === 'string' || !user.id) return null;
  const v = state.viewport;
  const view: ViewState | null =
    v?.seriesInstanceUid !== undefined && v.sliceIndex !== undefined
      ? {
          seriesUid: v.seriesInstanceUid,
          index: v.sliceIndex,
          zoom: v.zoom ?? 1,
          pan: v.pan ?? [0, 0],
          voi:
            v.windowCenter !== undefined && v.windowWidth !== undefined
              ? { lower: v.windowCenter - v.windowWidth / 2, upper: v.windowCenter + v.windowWidth / 2 }
              : null,
        }
      : null;
  const c = state.cursor;
  const cursor = c && c.sopInstanceUid ? { sopInstanceUid: c.sopInstanceUid, frameIndex: c.frameIndex ?? 0, x: c.x, y: c.y } : null;
  return { clientId, isMe, user: { id: user.id, name: user.name ?? user.id, colour: user.color ?? '#cccccc' }, view, cursor };
}
