import { ROLES, type Role } from '@readingroom/model';

/** My role in a project from the projects list, or null when I have none (or one unknown here). */
export function roleIn(projects: ReadonlyArray<{ id: string; role: string | null }>, projectId: string): Role | null {
  const role = projects.find((p) => p.id === projectId)?.role ?? null;
  return role && (ROLES as readonly string[]).includes(role) ? (role as Role) : null;
}
