import { ApiError } from '../../http/api-error';
import type { Principal, ProjectAccess } from '../project-access';
import type { ProjectRole } from '../project-schemas';
import type { Project, ProjectStore } from '../project-store';

export type ProjectNeed = 'member' | 'project-admin';

export interface GuardedProject {
  readonly project: Project;
  /** The caller's own role; null for a global admin who is not a member. */
  readonly role: ProjectRole | null;
}

/**
 * Loads a project and checks the caller may act on it: 404 when it does not exist, 403 when the
 * caller is not a member (or, for `project-admin`, not a project admin). Global admins pass.
 */
export async function guardProject(
  deps: { projects: ProjectStore; access: ProjectAccess },
  user: Principal,
  projectId: string,
  need: ProjectNeed,
): Promise<GuardedProject> {
  const project = await deps.projects.getProject(projectId);
  if (!project) throw new ApiError(404, 'project_not_found', 'no such project');
  const role = await deps.access.roleIn(projectId, user.id);
  if (user.isAdmin) return { project, role };
  if (!role) throw new ApiError(403, 'forbidden', 'you are not a member of this project');
  if (need === 'project-admin' && role !== 'admin') {
    throw new ApiError(403, 'forbidden', 'this needs the admin role in the project');
  }
  return { project, role };
}

/** 403 unless the caller is a global admin. */
export function requireGlobalAdmin(user: Principal): void {
  if (!user.isAdmin) throw new ApiError(403, 'forbidden', 'this needs a global administrator');
}
