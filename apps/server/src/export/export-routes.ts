import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { can } from '@readingroom/model';
import type { AuditEvent } from '../audit/audit-log';
import type { AuditSink } from '../audit/audit-recorder';
import type { Authenticate } from '../auth/authenticate';
import type { AuthVariables } from '../auth/require-auth';
import { ApiError } from '../http/api-error';
import { ZipRefusedError } from '../import/unzip';
import { errorResponses, type OpenApiRegistry } from '../openapi/registry';
import type { ProjectAccess } from '../projects/project-access';
import type { ProjectStore } from '../projects/project-store';
import { PROJECTS_BASE } from '../projects/routes/project-routes-deps';
import { authOnce, sessionActor } from '../sessions/session-routes-deps';
import { ExportError, type ExportService } from './export-service';
import { ExportParams, ExportQuery, formatsOf, ImportLabelsBody, ImportParams, ImportQuery, ImportReportView, isFilesEnvelope } from './export-schemas';
import { importLabelsIntoStudy, ImportError, type ImportServiceDeps } from './import-service';
import { DEFAULT_FILE_NAMES, labelFilesOf, type RawFile } from './label-files';
import { zipStream } from './zip-writer';

export interface ExportRoutesDeps {
  readonly projects: ProjectStore;
  readonly access: ProjectAccess;
  readonly authenticate: Authenticate;
  readonly api: OpenApiRegistry;
  readonly exports: ExportService;
  readonly imports: ImportServiceDeps;
  /** Exports are recorded here (`data.exported`). */
  readonly audit: AuditSink;
  /** Largest label upload (and its unzipped content). */
  readonly maxImportBytes: number;
}

const IMPORT_PATH = /^\/api\/projects\/[^/]+\/studies\/[^/]+\/import-labels$/;
/** The label upload brings its own body limit; the app's 64 KiB API limit must let it through. */
export const isLabelImportPath = (path: string): boolean => IMPORT_PATH.test(path);

const tags = ['export'];

function asApiError(error: unknown): unknown {
  if (error instanceof ExportError) {
    const status = error.code === 'project_not_found' || error.code === 'study_not_found' ? 404 : 409;
    return new ApiError(status, error.code, error.message);
  }
  if (error instanceof ImportError) return new ApiError(error.status, error.code, error.message);
  if (error instanceof ZipRefusedError) return new ApiError(error.code === 'too_large' ? 413 : 400, `zip_${error.code}`, error.message);
  return error;
}

/** The uploaded files: every file part of a multipart body, or the raw body as one file (a zip is expanded later). */
async function uploadedFiles(c: Context, query: ImportQuery): Promise<RawFile[]> {
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const body = await c.req.parseBody({ all: true });
    const files: RawFile[] = [];
    for (const value of Object.values(body).flat()) {
      if (typeof value !== 'string') files.push({ name: value.name || DEFAULT_FILE_NAMES[query.format], bytes: new Uint8Array(await value.arrayBuffer()) });
    }
    return files;
  }
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.byteLength === 0) return [];
  if (type.startsWith('application/json')) {
    let json: unknown = null;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      // not JSON after all: taken as the raw file, whose importer reports it
    }
    if (isFilesEnvelope(json)) {
      return ImportLabelsBody.parse(json).files.map((f) => ({
        name: f.path,
        bytes: f.text !== undefined ? new TextEncoder().encode(f.text) : new Uint8Array(Buffer.from(f.base64!, 'base64')),
      }));
    }
  }
  const zip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (!zip && query.format === 'yolo' && query.filename === undefined) {
    throw new ApiError(400, 'invalid_request', 'YOLO labels are several files: upload a zip, or multipart form data');
  }
  return [{ name: query.filename ?? (zip ? 'upload.zip' : DEFAULT_FILE_NAMES[query.format]), bytes }];
}

/** The audit record of one label import: who ran it, into which read, how much came in and was skipped. */
export function importEvent(
  actor: string,
  projectId: string,
  studyUid: string,
  query: { format: string; as: string; reader?: string | undefined; model?: string | undefined },
  report: { imported: { annotations: number; imageStates: number }; skipped: readonly unknown[] },
): AuditEvent {
  return {
    actor,
    action: 'data.imported',
    projectId,
    studyUid,
    targetId: query.as === 'read' ? (query.reader ?? null) : (query.model ?? null),
    before: null,
    after: { format: query.format, as: query.as, annotations: report.imported.annotations, imageStates: report.imported.imageStates, skipped: report.skipped.length },
  };
}

/**
 * `GET /:id/export` and `POST /:id/studies/:studyUid/import-labels` (mount at `PROJECTS_BASE`).
 * Exports need `export` (admins, adjudicators) and are audited as `data.exported` once the zip
 * has been sent (format, source, counts, bytes; never patient data). Label imports need
 * `adjudicate` and write through the sync core (see `importLabelsIntoStudy`).
 */
export function exportRoutes(deps: ExportRoutesDeps) {
  deps.api.registerRoute({
    method: 'get', path: `${PROJECTS_BASE}/:id/export`, tags,
    summary: "Labels of the project's studies as a zip: COCO, YOLO, VinDr-CSV and/or DICOM SR, from the consensus or each reader's read (needs `export`)",
    request: { params: ExportParams, query: ExportQuery },
    responses: {
      200: {
        description: 'a zip (deterministic: the same labels give the same bytes) with `export-report.json` at its root; headers `x-export-files`, `x-export-warnings` and `x-export-not-final` (studies whose consensus is not final, or reads not submitted)',
        contentType: 'application/zip',
      },
      ...errorResponses(400, 401, 403, 404, 409),
    },
  });
  deps.api.registerRoute({
    method: 'post', path: `${PROJECTS_BASE}/:id/studies/:studyUid/import-labels`, tags,
    summary:
      "Import labels of one study (needs `adjudicate`) into a reader's read or, as pre-annotations, into the shared document. Body: this JSON, or the raw file (a zip of several; `filename` names it), or multipart form data with file parts",
    request: { params: ImportParams, query: ImportQuery, body: ImportLabelsBody },
    responses: { 200: { description: 'what was imported, and what was skipped and why', schema: ImportReportView }, ...errorResponses(400, 401, 403, 404, 409, 503) },
  });

  const uploadLimit = bodyLimit({
    maxSize: deps.maxImportBytes,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `the upload is larger than ${deps.maxImportBytes} bytes`);
    },
  });

  return new Hono<{ Variables: AuthVariables }>()
    .use('/:id/export', authOnce(deps.authenticate))
    .use('/:id/studies/:studyUid/import-labels', authOnce(deps.authenticate))
    .get('/:id/export', async (c) => {
      const { id } = ExportParams.parse(c.req.param());
      const query = ExportQuery.parse(c.req.query());
      const actor = await sessionActor(deps, c.var.user, id);
      if (!can(actor.role, 'export')) throw new ApiError(403, 'forbidden', `your role (${actor.role}) may not export labels`);
      const formats = formatsOf(query.format);
      let plan;
      try {
        plan = await deps.exports.prepare({ projectId: id, formats, source: query.source, studies: query.studies, includePatient: query.includePatient });
      } catch (error) {
        throw asApiError(error);
      }
      const { report } = plan;
      const studyCount = report.studies.length;
      const stream = zipStream(plan.files, plan.asOf, ({ completed, bytes }) =>
        deps.audit.record([
          {
            actor: c.var.user.id,
            action: 'data.exported',
            projectId: id,
            studyUid: studyCount === 1 ? report.studies[0]!.studyInstanceUid : null,
            after: {
              format: query.format,
              source: query.source,
              studies: studyCount,
              readers: report.readers.length,
              files: plan.files.length,
              bytes,
              includePatient: !report.deidentified,
              notFinal: report.notFinal.length,
              completed,
              via: 'api',
            },
          },
        ]),
      );
      c.header('content-type', 'application/zip');
      c.header('content-disposition', `attachment; filename="readingroom-export-${id}-${query.source}-${query.format}.zip"`);
      c.header('x-export-files', String(plan.files.length));
      c.header('x-export-warnings', String(report.warnings.length));
      c.header('x-export-not-final', String(report.notFinal.length));
      return c.body(stream);
    })
    .post('/:id/studies/:studyUid/import-labels', uploadLimit, async (c) => {
      const { id, studyUid } = ImportParams.parse(c.req.param());
      const query = ImportQuery.parse(c.req.query());
      const actor = await sessionActor(deps, c.var.user, id);
      if (!can(actor.role, 'adjudicate')) throw new ApiError(403, 'forbidden', `your role (${actor.role}) may not import labels`);
      try {
        const files = labelFilesOf(await uploadedFiles(c, query), deps.maxImportBytes);
        const report = await importLabelsIntoStudy(deps.imports, {
          projectId: id,
          studyUid,
          format: query.format,
          files,
          as: query.as,
          reader: query.reader,
          model: query.model,
          fromReader: query.fromReader,
          caller: { id: c.var.user.id, isAdmin: c.var.user.isAdmin },
        });
        deps.audit.record([importEvent(c.var.user.id, id, studyUid, query, report)]);
        return c.json(report);
      } catch (error) {
        throw asApiError(error);
      }
    });
}
