import * as Y from 'yjs';
import { importLabels, type FormatName, type ImportResult, type LabelFile } from '@readingroom/formats';
import {
  AnnotationSchema,
  ANNOTATION_KEY,
  can,
  getRoots,
  ImageStateSchema,
  imageStateKey,
  roomName,
  SCHEMA_VERSION,
  type Annotation,
  type ImageState,
} from '@readingroom/model';
import { DocumentChangeError, type ConnectionIdentity, type SyncServer } from '@readingroom/sync-server';
import type { ProjectStore } from '../projects/project-store';
import type { RoomAccessDecision, RoomPrincipal } from '../sync-access/room-access';
import type { UserStore } from '../users/user-store';
import { DEFAULT_MODEL_ID, type ImportReportView, type ImportTarget } from './export-schemas';
import type { StudyImageSource } from './study-images';

export interface ImportServiceDeps {
  readonly projects: Pick<ProjectStore, 'getProject' | 'projectsWithStudy' | 'listLabels'>;
  readonly users: Pick<UserStore, 'findById'>;
  /** The sync door's decision for a user and a room (`SyncAccess.authorize`); also loads what the accept step needs. */
  readonly authorize: (user: RoomPrincipal, room: string) => Promise<RoomAccessDecision>;
  /** Writes study documents as a user: the accept step (`validateUpdate`), storage, broadcast, audit. */
  readonly documents: Pick<SyncServer, 'changeDocument'>;
  readonly images: StudyImageSource;
  readonly now?: () => number;
}

export interface ImportRequest {
  readonly projectId: string;
  readonly studyUid: string;
  readonly format: FormatName;
  readonly files: readonly LabelFile[];
  readonly as: ImportTarget;
  /** as=read: whose read. */
  readonly reader?: string | undefined;
  /** as=pre-annotations: the author (`model:<name>`). */
  readonly model?: string | undefined;
  /** Only items the files attribute to this reader. */
  readonly fromReader?: string | undefined;
  /** Who asks; must hold `adjudicate` (checked by the route or the CLI). Pre-annotations use their grant of the shared document. */
  readonly caller: RoomPrincipal;
}

export type ImportErrorCode =
  | 'project_not_found'
  | 'study_not_found'
  | 'user_not_found'
  | 'not_a_reader'
  | 'forbidden'
  | 'read_locked'
  | 'shared_read_only'
  | 'no_images'
  | 'no_taxonomy'
  | 'no_files'
  | 'document_too_large'
  | 'unavailable'
  | 'invalid_update';

/** Why labels were not imported; `status` is the HTTP status the API answers with. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 503,
    readonly code: ImportErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type Skip = ImportReportView['skipped'][number];

/**
 * Imports labels of one study from files in a format into a document, through the same door as
 * an edit: `as: 'read'` writes the reader's own document `…/r/<reader>` as that reader (so the
 * read is theirs: author, createdBy and setBy are the reader, which `validateUpdate` demands),
 * refused when the reading session has locked that read; `as: 'pre-annotations'` writes the
 * shared document under the caller's grant as the model id (`model:<name>`, docs/document-model.md),
 * so it needs the shared document to be writable in the study's phase (open). Annotation ids of the
 * files are kept (an id the document already holds is skipped as `already-present`), consensus
 * keys (`sources`, `origin`) are dropped, review outcomes never overwrite one already set. One
 * `changeDocument` writes everything (validated, stored, broadcast, audited) or nothing.
 */
export async function importLabelsIntoStudy(deps: ImportServiceDeps, request: ImportRequest): Promise<ImportReportView> {
  const project = await deps.projects.getProject(request.projectId);
  if (!project) throw new ImportError(404, 'project_not_found', 'no such project');
  if (!(await deps.projects.projectsWithStudy(request.studyUid)).includes(project.id)) throw new ImportError(404, 'study_not_found', 'the study is not in this project');
  if (request.files.length === 0) throw new ImportError(400, 'no_files', 'no label files were given');

  const target = request.as === 'read' ? await readTarget(deps, request) : await preAnnotationTarget(deps, request);
  const images = await deps.images(request.studyUid);
  if (!images || images.images.length === 0) throw new ImportError(409, 'no_images', "the study's images are unknown (not in the catalog, no DICOMweb source)");
  const taxonomy = (await deps.projects.listLabels(project.id)).map((l) => l.name);
  if (taxonomy.length === 0) throw new ImportError(409, 'no_taxonomy', 'the project has no label classes to match the labels against');

  const now = Math.floor((deps.now ?? Date.now)());
  const result = importLabels(request.format, request.files, {
    readerId: target.author,
    taxonomy,
    images: images.images,
    now,
    ...(request.fromReader !== undefined ? { sourceReaderId: request.fromReader } : {}),
  });
  const skipped: Skip[] = result.skipped.map((s) => ({ item: s.item, reason: s.reason, message: s.message }));
  const imported = { annotations: 0, imageStates: 0 };
  try {
    await deps.documents.changeDocument(target.room, target.identity, (doc) => {
      const counts = writeImported(doc, result, target.author, now, skipped);
      imported.annotations = counts.annotations;
      imported.imageStates = counts.imageStates;
    });
  } catch (error) {
    throw asImportError(error);
  }
  return {
    format: request.format,
    as: request.as,
    room: target.room,
    author: target.author,
    files: request.files.length,
    imported,
    skipped,
    warnings: result.warnings.map((w) => ({ item: w.item, message: w.message })),
  };
}

interface Target {
  readonly room: string;
  readonly author: string;
  readonly identity: ConnectionIdentity;
}

async function readTarget(deps: ImportServiceDeps, request: ImportRequest): Promise<Target> {
  const readerId = request.reader;
  if (readerId === undefined) throw new ImportError(400, 'not_a_reader', 'as=read needs the reader');
  const user = await deps.users.findById(readerId);
  if (!user) throw new ImportError(404, 'user_not_found', 'no such user');
  const room = roomName({ projectId: request.projectId, studyInstanceUid: request.studyUid, scope: { type: 'reader', userId: readerId } });
  const decision = await deps.authorize({ id: user.id, isAdmin: user.isAdmin }, room);
  if (!decision.ok) throw new ImportError(400, 'not_a_reader', `the user cannot hold a read of this study (${decision.reason})`);
  if (!can(decision.data.role, 'edit-own-annotation')) throw new ImportError(400, 'not_a_reader', `the user's role (${decision.data.role}) does not read`);
  if (decision.data.readOnly) {
    const why = decision.data.lock === 'submitted' ? 'the read is submitted and locked' : "the reading session's phase does not allow writing reads";
    throw new ImportError(409, 'read_locked', why);
  }
  return { room, author: user.id, identity: { userId: user.id, data: decision.data } };
}

async function preAnnotationTarget(deps: ImportServiceDeps, request: ImportRequest): Promise<Target> {
  const author = request.model ?? DEFAULT_MODEL_ID;
  const room = roomName({ projectId: request.projectId, studyInstanceUid: request.studyUid, scope: { type: 'shared' } });
  const decision = await deps.authorize(request.caller, room);
  if (!decision.ok) throw new ImportError(403, 'forbidden', `you may not open the shared document (${decision.reason})`);
  if (decision.data.readOnly) {
    throw new ImportError(409, 'shared_read_only', "the shared document is read-only in the study's current phase: pre-annotations go in while the session is open");
  }
  // Written as the model (validateUpdate: author and createdBy are the writer), under the caller's grant.
  return { room, author, identity: { userId: author, data: decision.data } };
}

const sameState = (a: ImageState, b: ImageState) => a.status === b.status && (a.reason ?? null) === (b.reason ?? null);

/**
 * Writes the imported annotations and review outcomes into `doc` (a staging copy), attributed to
 * `author` at `now`, following the layout of docs/document-model.md. Records what it left out.
 */
function writeImported(doc: Y.Doc, result: ImportResult, author: string, now: number, skipped: Skip[]): { annotations: number; imageStates: number } {
  const roots = getRoots(doc);
  const version = roots.meta.get('schemaVersion');
  if (version !== undefined && version !== SCHEMA_VERSION) throw new ImportError(409, 'invalid_update', `the document has schema version ${JSON.stringify(version)}`);
  let annotations = 0;
  let imageStates = 0;
  doc.transact(() => {
    for (const imported of result.annotations) {
      if (roots.annotations.has(imported.id)) {
        skipped.push({ item: imported.id, reason: 'already-present', message: 'the document already holds an annotation with this id' });
        continue;
      }
      if (imported.deleted) {
        skipped.push({ item: imported.id, reason: 'unsupported', message: 'a deleted annotation is not imported' });
        continue;
      }
      const { sources: _s, origin: _o, deletedBy: _db, deletedAt: _da, ...rest } = imported;
      const parsed = AnnotationSchema.safeParse({ ...rest, author, createdBy: author, createdAt: now, updatedBy: author, updatedAt: now, deleted: false });
      if (!parsed.success) {
        skipped.push({ item: imported.id, reason: 'malformed', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
        continue;
      }
      roots.annotations.set(imported.id, annotationMap(parsed.data));
      annotations++;
    }
    for (const imported of result.imageStates) {
      const key = imageStateKey(imported);
      const existing = ImageStateSchema.safeParse(roots.imageStates.get(key));
      if (existing.success) {
        const same = sameState(existing.data, imported);
        skipped.push({
          item: key,
          reason: same ? 'already-present' : 'conflicts-with-document',
          message: same ? 'the document already records this outcome' : `the document records ${existing.data.status} for this ${imported.level}; it is kept`,
        });
        continue;
      }
      roots.imageStates.set(key, { ...imported, setBy: author, setAt: now });
      imageStates++;
    }
    // The first writer of a document records its layout version.
    if (version === undefined && annotations + imageStates > 0) roots.meta.set('schemaVersion', SCHEMA_VERSION);
  });
  return { annotations, imageStates };
}

/** An annotation's Y.Map: plain values per key, attributes as a nested Y.Map (docs/document-model.md). */
function annotationMap(annotation: Annotation): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(annotation)) {
    if (key !== ANNOTATION_KEY.attributes && value !== undefined) map.set(key, value);
  }
  const attributes = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(annotation.attributes)) if (value !== undefined) attributes.set(key, value);
  map.set(ANNOTATION_KEY.attributes, attributes);
  return map;
}

function asImportError(error: unknown): unknown {
  if (!(error instanceof DocumentChangeError)) return error;
  switch (error.code) {
    case 'unavailable':
    case 'apply_failed':
      return new ImportError(503, 'unavailable', 'the document is not available; try again');
    case 'document_too_large':
      return new ImportError(409, 'document_too_large', error.message);
    case 'read_only':
      return new ImportError(409, 'read_locked', error.message);
    case 'forbidden':
      return new ImportError(403, 'forbidden', error.message);
    default:
      return new ImportError(400, 'invalid_update', error.message);
  }
}
