import { PROJECT_ROLES, type ProjectRole } from '../projects/project-schemas';

/** Prefix of the role values the server reads from the roles claim. */
export const ROLE_PREFIX = 'readingroom:';

/** When a claim names several roles in one project, the first of these wins. */
const PRECEDENCE: readonly ProjectRole[] = ['admin', 'adjudicator', 'reader', 'trainee', 'reviewer', 'observer'];

export interface ClaimedRoles {
  /** `readingroom:admin`: administrator of the whole server. */
  readonly isAdmin: boolean;
  /** Project name → role, from `readingroom:<projectName>:<role>`. */
  readonly projects: ReadonlyMap<string, ProjectRole>;
}

/**
 * Reads a claim by name, or by a dotted path for nested claims (Keycloak's
 * `realm_access.roles`). A claim whose name itself contains dots is found first.
 */
export function readClaim(payload: Record<string, unknown>, name: string): unknown {
  if (name in payload) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The claim's values: an array of strings, or one space-separated string (OAuth `scope` style). */
export function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** Maps `readingroom:admin` and `readingroom:<projectName>:<role>` values; ignores everything else. */
export function parseRoleClaims(values: readonly string[]): ClaimedRoles {
  let isAdmin = false;
  const projects = new Map<string, ProjectRole>();
  for (const value of values) {
    if (!value.startsWith(ROLE_PREFIX)) continue;
    const rest = value.slice(ROLE_PREFIX.length);
    if (rest === 'admin') {
      isAdmin = true;
      continue;
    }
    // the role is after the last colon, so project names may contain colons
    const cut = rest.lastIndexOf(':');
    if (cut <= 0) continue;
    const name = rest.slice(0, cut);
    const role = rest.slice(cut + 1) as ProjectRole;
    if (!PROJECT_ROLES.includes(role)) continue;
    const current = projects.get(name);
    if (!current || PRECEDENCE.indexOf(role) < PRECEDENCE.indexOf(current)) projects.set(name, role);
  }
  return { isAdmin, projects };
}
