import { createMiddleware } from 'hono/factory';
import type { LoginEvent, LoginListener } from '../auth/login-event';
import type { AuditSink } from './audit-recorder';

/**
 * Records every login attempt. A failed one keeps the username that was tried (an account name,
 * not patient data) and, when it names an existing account, that account as the target; the
 * actor of a failed attempt is unknown (null).
 */
export function loginAuditListener(sink: AuditSink): LoginListener {
  return (event: LoginEvent) => {
    const detail = { username: event.username, ip: event.ip, ...(event.reason ? { reason: event.reason } : {}) };
    sink.record([
      event.ok
        ? { at: event.at, actor: event.userId, action: 'auth.login', targetId: event.userId, after: detail }
        : { at: event.at, actor: null, action: 'auth.login_failed', targetId: event.userId, after: detail },
    ]);
  };
}

/** Mount on `POST /api/auth/logout` in front of the route: records a successful logout by its user. */
export function logoutAudit(sink: AuditSink) {
  return createMiddleware(async function logoutAudit(c, next) {
    await next();
    const user = c.get('user') as { id: string; username: string } | undefined;
    if (c.req.method === 'POST' && c.res.status < 300 && user) {
      sink.record([{ actor: user.id, action: 'auth.logout', targetId: user.id, after: { username: user.username } }]);
    }
  });
}

/**
 * The audit event of a membership change, or null when nothing changed. `before` / `after`
 * are the member's role (null: not a member).
 */
export function membershipEvent(
  actor: string,
  projectId: string,
  userId: string,
  before: string | null,
  after: string | null,
): Parameters<AuditSink['record']>[0][number] | null {
  if (before === after) return null;
  const action = before === null ? 'member.added' : after === null ? 'member.removed' : 'member.role_changed';
  return {
    actor,
    action,
    projectId,
    targetId: userId,
    before: before === null ? null : { role: before },
    after: after === null ? null : { role: after },
  };
}
