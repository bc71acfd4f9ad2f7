import { join } from 'node:path';
import type { Authenticate } from '../auth/authenticate';
import type { Catalog } from '../catalog/catalog';
import { ContentStore } from '../catalog/file-store';
import { SqliteCatalog } from '../catalog/sqlite-catalog';
import type { DataCipher } from '../crypto/data-cipher';
import type { ImageRoutes } from '../http/create-app';
import { resolveDeidSecret } from '../import/deid-secret';
import { NO_PROJECTS, type ImportProjects } from '../import/import-projects';
import { importRoutes } from '../import/import-routes';
import { dicomwebRoutes } from './dicomweb-routes';
import { LocalStudySource } from './local-study-source';
import { adminOnlyAccess, type StudyAccess } from './study-access';
import type { StudySource } from './study-source';

/** What a deployment may plug into the image side of the server. */
export interface ImageServiceDeps {
  /** Who may see which study; default: administrators see everything, others nothing. */
  readonly access?: StudyAccess;
  /** The source of a study; default: the local store. Receives the local source to fall back on. */
  readonly sourceForStudy?: (studyUid: string, local: StudySource) => StudySource | Promise<StudySource>;
  /** Extra sources searched by `GET /dicomweb/studies`, after the local one. */
  readonly extraSearchSources?: readonly StudySource[];
  /** Project lookup and study linking for imports; default: no projects. */
  readonly projects?: ImportProjects;
}

export interface ImageServices {
  readonly routes: ImageRoutes;
  /** The catalog the routes use (closed by `close`), for other readers in the process. */
  readonly catalog: Catalog;
  close(): Promise<void>;
}

/** Opens `<dataDir>/catalog.db` and builds `/api/import` and `/dicomweb` on it. */
export function openImageServices(options: {
  readonly dataDir: string;
  readonly maxImportBytes: number;
  readonly authenticate: Authenticate;
  readonly deps?: ImageServiceDeps;
  /** Encryption at rest of the catalog's identifying columns and the stored files; default none. */
  readonly cipher?: DataCipher;
}): ImageServices {
  const { dataDir, authenticate, deps = {}, cipher } = options;
  const catalog = SqliteCatalog.open({ filename: join(dataDir, 'catalog.db'), ...(cipher ? { cipher } : {}) });
  const local = new LocalStudySource({ catalog, dataDir, files: new ContentStore(dataDir, cipher) });
  const pick = deps.sourceForStudy;
  const routes: ImageRoutes = {
    importApi: importRoutes({
      authenticate,
      catalog,
      dataDir,
      ...(cipher ? { cipher } : {}),
      projects: deps.projects ?? NO_PROJECTS,
      // Uploads never keep a mapping: that is a deliberate, CLI-only choice (--keep-mapping).
      deidOptions: () => ({ secret: resolveDeidSecret(dataDir) }),
      maxBytes: options.maxImportBytes,
    }),
    dicomweb: dicomwebRoutes({
      authenticate,
      access: deps.access ?? adminOnlyAccess,
      sourceForStudy: pick ? (uid) => pick(uid, local) : () => local,
      searchSources: [local, ...(deps.extraSearchSources ?? [])],
    }),
  };
  return { routes, catalog, close: () => catalog.close() };
}

