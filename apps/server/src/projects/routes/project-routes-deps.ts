import type { AuditSink } from '../../audit/audit-recorder';
import type { Authenticate } from '../../auth/authenticate';
import type { OpenApiRegistry } from '../../openapi/registry';
import type { UserStore } from '../../users/user-store';
import type { ProjectAccess } from '../project-access';
import type { ProjectStore } from '../project-store';
import type { ProjectImageSources } from '../project-image-sources';

/** What every /api/projects route factory needs. */
export interface ProjectRoutesDeps {
  readonly projects: ProjectStore;
  readonly access: ProjectAccess;
  readonly users: UserStore;
  readonly authenticate: Authenticate;
  readonly api: OpenApiRegistry;
  /** Upstream DICOMweb sources of projects (absent: upstream linking answers 409). */
  readonly imageSources?: ProjectImageSources;
  /** Membership changes are recorded here; nothing is recorded when absent. */
  readonly audit?: AuditSink;
}

/** Where `projectsApi` is mounted; documented paths are under it. */
export const PROJECTS_BASE = '/api/projects';
