import type { Logger } from '@readingroom/sync-server';
import type { Authenticate } from '../auth/authenticate';
import type { TokenStore } from '../auth/token-store';
import type { ProjectStore } from '../projects/project-store';
import type { ProjectRole } from '../projects/project-schemas';
import { parseRoleClaims } from './role-claims';
import type { OidcVerifier } from './oidc-verifier';
import type { SqliteOidcAccounts } from './sqlite-oidc-accounts';

export interface OidcAuthenticateDeps {
  readonly verify: OidcVerifier;
  readonly accounts: Pick<SqliteOidcAccounts, 'provision'>;
  readonly projects: Pick<ProjectStore, 'findProjectByName' | 'membershipsOf' | 'setMember' | 'removeMember'>;
  /** Revocations (logout of a provider token). */
  readonly store?: TokenStore;
  readonly logger: Logger;
}

/**
 * Authenticates a provider token: verify, provision the user on first use, then make the
 * user's project memberships exactly what the roles claim says (on every authentication, so a
 * role withdrawn at the provider is withdrawn here with the next request). The provider is the
 * source of truth for its users' memberships; local users are never touched.
 */
export function createOidcAuthenticate(deps: OidcAuthenticateDeps): Authenticate {
  return async (token) => {
    if (!token) return null;
    const identity = await deps.verify(token);
    if (!identity) return null;
    if (deps.store && (await deps.store.isRevoked(identity.tokenId))) return null;
    const claimed = parseRoleClaims(identity.roleValues);
    const user = await deps.accounts.provision(identity.externalId, identity.proposedUsername, claimed.isAdmin);
    await syncMemberships(deps, user.id, claimed.projects);
    return { ...user, session: { tokenId: identity.tokenId, expiresAt: identity.expiresAt, generation: null, source: 'oidc' } };
  };
}

async function syncMemberships(deps: OidcAuthenticateDeps, userId: string, claimed: ReadonlyMap<string, ProjectRole>): Promise<void> {
  const wanted = new Map<string, ProjectRole>();
  for (const [name, role] of claimed) {
    const project = await deps.projects.findProjectByName(name);
    if (project) wanted.set(project.id, role);
    else deps.logger.debug({ userId }, 'roles claim names an unknown project');
  }
  const current = await deps.projects.membershipsOf(userId);
  for (const m of current) if (!wanted.has(m.projectId)) await deps.projects.removeMember(m.projectId, userId);
  const have = new Map(current.map((m) => [m.projectId, m.role] as const));
  for (const [projectId, role] of wanted) if (have.get(projectId) !== role) await deps.projects.setMember(projectId, userId, role);
}
