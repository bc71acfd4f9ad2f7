import { WebSocket } from 'ws';
import { closeReason } from '@readingroom/protocol';
import type { SyncSocket } from '@readingroom/sync-server';

/** Adapts a `ws` WebSocket to the sync core's three-member socket interface. */
export function toSyncSocket(ws: WebSocket): SyncSocket {
  return {
    send(frame) {
      // Frames queued after close are dropped; the core learns of the close via handleClose.
      if (ws.readyState === WebSocket.OPEN) ws.send(frame, { binary: true });
    },
    close(code, reason) {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, closeReason(reason));
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
  };
}
