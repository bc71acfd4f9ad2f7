import type { Role, SessionActor } from '@readingroom/model';
import type { AuditSink } from '../audit/audit-recorder';
import { createMiddleware } from 'hono/factory';
import type { Authenticate } from '../auth/authenticate';
import { requireAuth, type AuthVariables } from '../auth/require-auth';
import { ApiError } from '../http/api-error';
import type { OpenApiRegistry } from '../openapi/registry';
import type { Principal, ProjectAccess } from '../projects/project-access';
import { guardProject } from '../projects/routes/project-guard';
import type { ProjectStore } from '../projects/project-store';
import type { UserStore } from '../users/user-store';
import type { SessionStore } from './session-store';

/** What the reading-session routes need. */
export interface SessionRoutesDeps {
  readonly projects: ProjectStore;
  readonly access: ProjectAccess;
  readonly sessions: SessionStore;
  readonly authenticate: Authenticate;
  /** Usernames of the people a session view mentions. */
  readonly users: Pick<UserStore, 'findById' | 'list'>;
  readonly api: OpenApiRegistry;
  /** Every session change is recorded here; nothing is recorded when absent. */
  readonly audit?: AuditSink;
}

/**
 * The caller as a session actor in a project they may act on (404 unknown project, 403 not a
 * member): their project role; a global administrator acts as `admin`, as at the sync door.
 */
export async function sessionActor(deps: Pick<SessionRoutesDeps, 'projects' | 'access'>, user: Principal, projectId: string): Promise<SessionActor> {
  const { role } = await guardProject(deps, user, projectId, 'member');
  const acting: Role = user.isAdmin ? 'admin' : role!;
  return { userId: user.id, role: acting };
}

/** 404 unless the project lists the study. */
export async function requireStudyInProject(projects: Pick<ProjectStore, 'projectsWithStudy'>, projectId: string, studyUid: string): Promise<void> {
  if (!(await projects.projectsWithStudy(studyUid)).includes(projectId)) throw new ApiError(404, 'study_not_found', 'the study is not in this project');
}

/**
 * `requireAuth`, unless the request is already authenticated: these routes live under
 * `/api/projects`, whose router authenticates every request first; checking the token once more
 * would only cost time, and not checking at all would leave them open if mounted elsewhere.
 */
export function authOnce(authenticate: Authenticate) {
  const auth = requireAuth(authenticate);
  return createMiddleware<{ Variables: AuthVariables }>(async function authOnce(c, next) {
    if (c.get('user')) return next();
    return auth(c, next);
  });
}
