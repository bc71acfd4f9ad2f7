import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Authenticate } from '../auth/authenticate';
import { requireAuth } from '../auth/require-auth';
import type { Catalog } from '../catalog/catalog';
import type { DataCipher } from '../crypto/data-cipher';
import { ApiError } from '../http/api-error';
import type { DeidOptions } from './deid-secret';
import type { ImportProjects } from './import-projects';
import { Importer } from './importer';
import { ZipRefusedError, looksLikeZip, unzipBounded } from './unzip';

export interface ImportRoutesDeps {
  readonly authenticate: Authenticate;
  readonly catalog: Catalog;
  readonly dataDir: string;
  /** Encryption at rest of stored files; default none. */
  readonly cipher?: DataCipher;
  readonly projects: ImportProjects;
  /** De-identification settings (the key from `<dataDir>/deid-secret`); read when first needed. */
  readonly deidOptions: () => DeidOptions;
  /** Largest upload, and largest total uncompressed size of the zips in it. */
  readonly maxBytes: number;
}

/**
 * `POST /` (mounted at /api/import), global admins only: a multipart/form-data upload of DICOM
 * files and/or zips, `?project=<id>&deidentify=true`. Answers the import summary as JSON.
 * Everything is held in memory: the size limit bounds it.
 */
export function importRoutes(deps: ImportRoutesDeps) {
  return new Hono().post(
    '/',
    bodyLimit({
      maxSize: deps.maxBytes,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `the upload is larger than ${deps.maxBytes} bytes`);
      },
    }),
    requireAuth(deps.authenticate),
    async (c) => {
      if (!c.var.user.isAdmin) throw new ApiError(403, 'forbidden', 'only administrators may import images');
      const projectId = c.req.query('project');
      let deidentify = c.req.query('deidentify') === 'true';
      if (projectId !== undefined) {
        const project = await deps.projects.findProjectById(projectId);
        if (!project) throw new ApiError(404, 'project_not_found', 'no such project');
        deidentify ||= project.settings.forceDeidentify;
      }
      if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
        throw new ApiError(415, 'unsupported_media_type', 'send multipart/form-data with one or more files');
      }
      let form: Record<string, unknown>;
      try {
        form = await c.req.parseBody({ all: true });
      } catch {
        throw new ApiError(400, 'invalid_request', 'the multipart body is malformed');
      }
      const files = Object.values(form).flat().filter((value): value is File => value instanceof File);
      if (files.length === 0) throw new ApiError(400, 'invalid_request', 'the upload holds no files');

      const importer = new Importer({
        dataDir: deps.dataDir,
        catalog: deps.catalog,
        ...(deps.cipher ? { cipher: deps.cipher } : {}),
        ...(deidentify ? { deidentify: deps.deidOptions() } : {}),
        ...(projectId !== undefined ? { projectId, linkStudy: (id: string, uid: string) => deps.projects.linkStudy(id, uid) } : {}),
      });
      let expandBudget = deps.maxBytes;
      for (const file of files) {
        const bytes = new Uint8Array(await file.arrayBuffer());
        if (!file.name.toLowerCase().endsWith('.zip') && !looksLikeZip(bytes)) {
          await importer.importBytes(file.name, bytes);
          continue;
        }
        let entries;
        try {
          entries = unzipBounded(bytes, { maxBytes: expandBudget });
        } catch (error) {
          if (!(error instanceof ZipRefusedError)) throw error;
          if (error.code === 'invalid_zip') {
            importer.skip(file.name, 'not-dicom', 'not a DICOM file or readable zip');
            continue;
          }
          throw new ApiError(413, `zip_${error.code}`, error.message);
        }
        for (const entry of entries) {
          expandBudget -= entry.bytes.byteLength;
          await importer.importBytes(`${file.name}/${entry.name}`, entry.bytes);
        }
      }
      return c.json(importer.summary());
    },
  );
}
