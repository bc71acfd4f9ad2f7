import { can, ROLES, type Role } from '@readingroom/model';
import type { ProjectSummary } from '../lib/api-client';

/**
 * Whether the caller runs the reading sessions of a project (assignment, phase): adjudicators
 * and admins, as `adjudicate` says. The server decides each request again; this only chooses
 * what the worklist offers.
 */
export function managesSessions(project: Pick<ProjectSummary, 'role'>): boolean {
  // A global administrator who is not a member is listed with no role and acts as admin.
  if (project.role === null) return true;
  return (ROLES as readonly string[]).includes(project.role) && can(project.role as Role, 'adjudicate');
}
