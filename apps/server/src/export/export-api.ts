import type { SyncServer } from '@readingroom/sync-server';
import type { AuditSink } from '../audit/audit-recorder';
import type { Authenticate } from '../auth/authenticate';
import type { Catalog } from '../catalog/catalog';
import { ContentStore } from '../catalog/file-store';
import type { DataCipher } from '../crypto/data-cipher';
import { LocalStudySource } from '../dicomweb/local-study-source';
import type { StudySource } from '../dicomweb/study-source';
import type { OpenApiRegistry } from '../openapi/registry';
import type { ProjectAccess } from '../projects/project-access';
import type { ProjectStore } from '../projects/project-store';
import type { SessionStore } from '../sessions/session-store';
import type { RoomAccessDecision, RoomPrincipal } from '../sync-access/room-access';
import type { UserStore } from '../users/user-store';
import { exportRoutes } from './export-routes';
import { createExportService } from './export-service';
import { createStudyImageSource, type StudyImageSource } from './study-images';
import type { DocumentReader } from './study-labels';

/** What the server hands the export and label-import routes besides the app's stores. */
export interface ExportServices {
  /** Reads study documents without loading rooms, and writes them as a user (`SyncServer`). */
  readonly documents: DocumentReader & Pick<SyncServer, 'changeDocument'>;
  /** The sync door (`SyncAccess.authorize`): label imports write only where it lets them. */
  readonly authorize: (user: RoomPrincipal, room: string) => Promise<RoomAccessDecision>;
  readonly images: StudyImageSource;
  readonly maxImportBytes: number;
}

/** The routes (mount at `PROJECTS_BASE`) on the app's stores. */
export function exportApi(deps: ExportServices & {
  readonly projects: ProjectStore;
  readonly access: ProjectAccess;
  readonly sessions: SessionStore;
  readonly users: UserStore;
  readonly authenticate: Authenticate;
  readonly api: OpenApiRegistry;
  readonly audit: AuditSink;
}) {
  const exports = createExportService({ projects: deps.projects, sessions: deps.sessions, users: deps.users, documents: deps.documents, images: deps.images });
  const imports = { projects: deps.projects, users: deps.users, authorize: deps.authorize, documents: deps.documents, images: deps.images };
  return exportRoutes({ ...deps, exports, imports });
}

/**
 * A study's images for exports and imports, in a data directory: the catalog, with the files (or
 * a project's upstream DICOMweb server, `sourceForStudy`) for what the catalog lacks.
 */
export function dataDirImages(options: {
  readonly catalog: Catalog;
  readonly dataDir: string;
  readonly cipher?: DataCipher;
  /** The upstream source of a study when a project holding it has one (`ProjectImageSources.sourceForStudy`). */
  readonly sourceForStudy?: (studyUid: string, local: StudySource) => Promise<StudySource>;
}): StudyImageSource {
  const local = new LocalStudySource({ catalog: options.catalog, dataDir: options.dataDir, files: new ContentStore(options.dataDir, options.cipher) });
  const pick = options.sourceForStudy;
  return createStudyImageSource({ catalog: options.catalog, sourceFor: async (uid) => (pick ? pick(uid, local) : local) });
}
