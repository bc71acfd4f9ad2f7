/**
 * One login attempt, reported to `onLogin` subscribers (the audit log). `username` is what
 * the client typed; `userId` is set when it names an existing user.
 */
export interface LoginEvent {
  readonly ok: boolean;
  readonly username: string;
  readonly userId: string | null;
  /** Client address as the server saw it (the proxy's, behind one), or null when unknown. */
  readonly ip: string | null;
  /** Why a failed attempt failed. */
  readonly reason?: 'invalid_credentials' | 'locked_out';
  /** Milliseconds since the epoch. */
  readonly at: number;
}

export type LoginListener = (event: LoginEvent) => void;
