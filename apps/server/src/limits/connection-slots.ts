import type { Duplex } from 'node:stream';

/**
 * Counts open sync connections per user. A slot is taken before the WebSocket upgrade and
 * given back when the underlying TCP socket closes, whatever happened in between (upgrade
 * aborted, socket reset, normal close), so the count cannot drift.
 */
export class ConnectionSlots {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerUser: number) {}

  /** Takes a slot for `userId` held until `socket` closes; false when the user has none left. */
  acquire(userId: string, socket: Duplex): boolean {
    const n = this.open.get(userId) ?? 0;
    if (n >= this.maxPerUser) return false;
    this.open.set(userId, n + 1);
    socket.once('close', () => this.release(userId));
    return true;
  }

  /** Open connections of a user. */
  count(userId: string): number {
    return this.open.get(userId) ?? 0;
  }

  private release(userId: string): void {
    const n = (this.open.get(userId) ?? 1) - 1;
    if (n <= 0) this.open.delete(userId);
    else this.open.set(userId, n);
  }
}
