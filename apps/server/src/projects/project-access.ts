import type { User } from '../users/user-store';
import type { ProjectRole } from './project-schemas';
import type { Project, ProjectStore } from './project-store';

/** Who is asking: enough of a `User` to decide access. */
export type Principal = Pick<User, 'id' | 'isAdmin'>;

/**
 * Answers "who may see what" from project membership. Global admins see everything; everyone
 * else sees the projects they are a member of (any role) and the studies of those projects.
 * The DICOMweb routes take `canAccessStudy` / `studyUidsForUser` as injected functions.
 */
export interface ProjectAccess {
  /** projectId → role, for every project the user is a member of. */
  rolesFor(userId: string): Promise<Map<string, ProjectRole>>;
  /** The user's role in the project, or null when not a member. */
  roleIn(projectId: string, userId: string): Promise<ProjectRole | null>;
  /** All projects for global admins, else the projects the user is a member of; ordered by name. */
  projectsForUser(user: Principal): Promise<Project[]>;
  /** True for global admins and for members of any project containing the study. */
  canAccessStudy(user: Principal, studyUid: string): Promise<boolean>;
  /** UIDs of the studies the user may see (deduplicated, sorted); null means all (global admins). */
  studyUidsForUser(user: Principal): Promise<string[] | null>;
}

export function createProjectAccess(store: ProjectStore): ProjectAccess {
  const rolesFor = async (userId: string) => new Map((await store.membershipsOf(userId)).map((m) => [m.projectId, m.role]));

  return {
    rolesFor,

    async roleIn(projectId, userId) {
      return (await rolesFor(userId)).get(projectId) ?? null;
    },

    async projectsForUser(user) {
      const all = await store.listProjects();
      if (user.isAdmin) return all;
      const roles = await rolesFor(user.id);
      return all.filter((p) => roles.has(p.id));
    },

    async canAccessStudy(user, studyUid) {
      if (user.isAdmin) return true;
      const roles = await rolesFor(user.id);
      return (await store.projectsWithStudy(studyUid)).some((projectId) => roles.has(projectId));
    },

    async studyUidsForUser(user) {
      if (user.isAdmin) return null;
      const uids = new Set<string>();
      for (const projectId of (await rolesFor(user.id)).keys()) {
        for (const study of await store.listStudies(projectId)) uids.add(study.studyInstanceUid);
      }
      return [...uids].sort();
    },
  };
}
