import { CloseCode } from '@readingroom/protocol';
import type { Logger, SyncServer } from '@readingroom/sync-server';
import type { UserStore } from '../users/user-store';
import { sessionOfIdentity, type Session } from './session';
import type { TokenStore } from './token-store';

export interface SessionSweepOptions {
  readonly sync: Pick<SyncServer, 'closeConnections'>;
  readonly store: TokenStore;
  readonly users: Pick<UserStore, 'findById'>;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly nowSeconds?: () => number;
}

export interface SessionSweep {
  /** Checks every open connection once; resolves with how many were closed. */
  runOnce(): Promise<number>;
  stop(): void;
}

/**
 * Every `intervalMs`, closes sync connections whose token was revoked since they opened
 * (logout elsewhere, or a password change, possibly by the CLI in another process) or whose
 * user is gone, with 4401; and forgets revocations of tokens that have expired anyway.
 * Expiry alone does not close a connection: it was authorised when it opened.
 */
export function startSessionSweep(options: SessionSweepOptions): SessionSweep {
  const { sync, store, users, logger } = options;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));

  const stillValid = async (userId: string, session: Session): Promise<boolean> => {
    if (await store.isRevoked(session.tokenId)) return false;
    if (!(await users.findById(userId))) return false;
    return session.generation === null || (await store.generation(userId)) === session.generation;
  };

  const runOnce = async (): Promise<number> => {
    // closeConnections is the core's one way to visit connections; this pass only looks.
    const open = new Map<string, { userId: string; session: Session }>();
    sync.closeConnections(
      (c) => {
        const session = sessionOfIdentity(c.identity);
        if (session) open.set(session.tokenId, { userId: c.identity.userId, session });
        return false;
      },
      CloseCode.Unauthorized,
      'unused',
    );
    const revoked = new Set<string>();
    for (const [tokenId, { userId, session }] of open) {
      if (!(await stillValid(userId, session))) revoked.add(tokenId);
    }
    await store.pruneExpired(nowSeconds());
    if (revoked.size === 0) return 0;
    const closed = sync.closeConnections(
      (c) => revoked.has(sessionOfIdentity(c.identity)?.tokenId ?? ''),
      CloseCode.Unauthorized,
      'session revoked',
    );
    logger.info({ closed }, 'closed connections of revoked sessions');
    return closed;
  };

  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = runOnce()
      .catch((err: unknown) => logger.warn({ err: { message: (err as Error).message } }, 'session sweep failed'))
      .finally(() => {
        running = null;
      });
  }, options.intervalMs);
  timer.unref();

  return {
    runOnce,
    stop: () => clearInterval(timer),
  };
}
