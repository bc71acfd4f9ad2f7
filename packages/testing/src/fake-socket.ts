import type { SyncSocket } from '@readingroom/sync-server';

/** An in-memory SyncSocket that records what the server sent and how it was closed. */
export class FakeSocket implements SyncSocket {
  readonly sent: Uint8Array[] = [];
  closeCode: number | null = null;
  closeReason: string | null = null;
  bufferedAmount = 0;
  private listeners: Array<(frame: Uint8Array) => void> = [];

  send(frame: Uint8Array): void {
    if (this.closeCode !== null) throw new Error('socket closed');
    this.sent.push(frame);
    for (const l of this.listeners) l(frame);
  }

  close(code: number, reason: string): void {
    if (this.closeCode !== null) return;
    this.closeCode = code;
    this.closeReason = reason;
  }

  /** Subscribes to frames sent by the server. */
  onFrame(listener: (frame: Uint8Array) => void): void {
    this.listeners.push(listener);
  }

  get isClosed(): boolean {
    return this.closeCode !== null;
  }
}
