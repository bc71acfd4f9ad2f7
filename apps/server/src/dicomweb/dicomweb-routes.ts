import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import type { Authenticate } from '../auth/authenticate';
import { requireAuth, type AuthVariables } from '../auth/require-auth';
import { ApiError } from '../http/api-error';
import { negotiate } from './accept';
import { multipartBody, multipartStream, newBoundary } from './multipart';
import { QidoQueryError, parseQidoQuery } from './qido-query';
import type { StudyAccess } from './study-access';
import type { DicomJson, QidoQuery, StudySource } from './study-source';

export interface DicomwebRoutesDeps {
  readonly authenticate: Authenticate;
  readonly access: StudyAccess;
  /** The source holding a study (local store or an upstream server). */
  readonly sourceForStudy: (studyUid: string) => StudySource | Promise<StudySource>;
  /** Sources searched by `GET /studies`; results are merged by Study Instance UID. */
  readonly searchSources: readonly StudySource[];
  /** Mount point, for BulkDataURIs. Default `/dicomweb`. */
  readonly mountPath?: string;
}

type Env = { Variables: AuthVariables };

const DICOM_JSON = 'application/dicom+json';
/** Stored images never change: let the browser keep them. */
const IMMUTABLE = 'private, max-age=31536000, immutable';
const UID = /^[0-9]+(\.[0-9]+)*$/;

function uid(c: Context<Env>, name: string): string {
  const value = c.req.param(name) ?? '';
  if (value.length > 64 || !UID.test(value)) throw new ApiError(400, 'invalid_uid', `${name} is not a valid UID`);
  return value;
}

function qido(c: Context<Env>): QidoQuery {
  try {
    return parseQidoQuery(c.req.queries());
  } catch (error) {
    if (error instanceof QidoQueryError) throw new ApiError(400, 'invalid_query', error.message);
    throw error;
  }
}

function dicomJson(c: Context<Env>, body: unknown, cache: 'no-cache' | 'immutable') {
  c.header('Content-Type', DICOM_JSON);
  c.header('Cache-Control', cache === 'immutable' ? IMMUTABLE : 'private, no-cache');
  return c.body(JSON.stringify(body));
}

/** True (and the caller answers 304) when `If-None-Match` names this ETag. */
function notModified(c: Context<Env>, etag: string): boolean {
  c.header('ETag', etag);
  c.header('Cache-Control', IMMUTABLE);
  const header = c.req.header('if-none-match');
  if (!header) return false;
  return header.trim() === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

const bodyTag = (text: string) => `"${createHash('sha256').update(text).digest('hex').slice(0, 40)}"`;
const notFound = (what: string) => new ApiError(404, 'not_found', `no such ${what}`);

/**
 * DICOMweb (PS3.18) for the viewer, mounted at /dicomweb, bearer token required. QIDO-RS
 * searches, WADO-RS metadata, frames and instances. Access is checked before the source is
 * asked: a study the user may not see is 403 whether or not it exists; 404 is for studies the
 * user could see.
 */
export function dicomwebRoutes(deps: DicomwebRoutesDeps) {
  const mountPath = deps.mountPath ?? '/dicomweb';
  const app = new Hono<Env>();
  app.use('*', requireAuth(deps.authenticate));

  const sourceFor = async (c: Context<Env>, studyUid: string) => {
    if (!(await deps.access.canAccessStudy(c.var.user, studyUid))) {
      throw new ApiError(403, 'forbidden', 'you have no access to this study');
    }
    return deps.sourceForStudy(studyUid);
  };
  const baseUrl = (c: Context<Env>) => `${new URL(c.req.url).origin}${mountPath}`;

  app.get('/studies', async (c) => {
    const query = qido(c);
    const within = await deps.access.studyUidsForUser(c.var.user);
    if (within !== null && within.length === 0) return dicomJson(c, [], 'no-cache');
    if (deps.searchSources.length === 1) return dicomJson(c, await deps.searchSources[0]!.searchStudies(query, within), 'no-cache');
    // Several sources: page over the merged, de-duplicated list.
    const { limit, offset = 0 } = query;
    const perSource = { ...query, offset: 0, ...(limit !== undefined ? { limit: offset + limit } : {}) };
    const seen = new Set<string>();
    const merged: DicomJson[] = [];
    for (const source of deps.searchSources) {
      for (const study of await source.searchStudies(perSource, within)) {
        const key = String(study['0020000D']?.Value?.[0] ?? '');
        if (seen.has(key)) continue;
        seen.add(key);
        merged.push(study);
      }
    }
    return dicomJson(c, merged.slice(offset, limit === undefined ? undefined : offset + limit), 'no-cache');
  });

  app.get('/studies/:study/series', async (c) => {
    const study = uid(c, 'study');
    const found = await (await sourceFor(c, study)).searchSeries(study, qido(c));
    if (!found) throw notFound('study');
    return dicomJson(c, found, 'no-cache');
  });

  app.get('/studies/:study/instances', async (c) => {
    const study = uid(c, 'study');
    const found = await (await sourceFor(c, study)).searchInstances(study, null, qido(c));
    if (!found) throw notFound('study');
    return dicomJson(c, found, 'no-cache');
  });

  app.get('/studies/:study/series/:series/instances', async (c) => {
    const study = uid(c, 'study');
    const found = await (await sourceFor(c, study)).searchInstances(study, uid(c, 'series'), qido(c));
    if (!found) throw notFound('series');
    return dicomJson(c, found, 'no-cache');
  });

  app.get('/studies/:study/series/:series/metadata', async (c) => {
    const study = uid(c, 'study');
    const found = await (await sourceFor(c, study)).seriesMetadata(study, uid(c, 'series'), baseUrl(c));
    if (!found) throw notFound('series');
    const text = JSON.stringify(found);
    if (notModified(c, bodyTag(text))) return c.body(null, 304);
    c.header('Content-Type', DICOM_JSON);
    return c.body(text);
  });

  app.get('/studies/:study/series/:series/instances/:sop/metadata', async (c) => {
    const study = uid(c, 'study');
    const found = await (await sourceFor(c, study)).instanceMetadata(study, uid(c, 'series'), uid(c, 'sop'), baseUrl(c));
    if (!found) throw notFound('instance');
    // An array, as PS3.18 10.4.1.1.2 asks for instance metadata too.
    const text = JSON.stringify([found]);
    if (notModified(c, bodyTag(text))) return c.body(null, 304);
    c.header('Content-Type', DICOM_JSON);
    return c.body(text);
  });

  app.get('/studies/:study/series/:series/instances/:sop/frames/:frames', async (c) => {
    const study = uid(c, 'study');
    const series = uid(c, 'series');
    const sop = uid(c, 'sop');
    const list = c.req.param('frames').split(',');
    if (list.length > 10_000 || !list.every((n) => /^[1-9]\d{0,8}$/.test(n))) {
      throw new ApiError(400, 'invalid_frames', 'frames must be a comma-separated list of frame numbers starting at 1');
    }
    const numbers = list.map(Number);
    const source = await sourceFor(c, study);
    const sourceTag = source.etag ? await source.etag(study, series, sop) : undefined;
    if (sourceTag === null) throw notFound('instance');
    const representation = (accept: 'multipart' | 'single') => `${accept === 'multipart' ? 'm' : 's'}-${numbers.join(',')}`;
    // Before reading the file, when the source can tell: answer 304 without extracting anything.
    if (sourceTag !== undefined) {
      const early = negotiate(c.req.header('accept'), 'application/octet-stream', '*');
      if (early && notModified(c, `"${sourceTag}-${representation(early)}"`)) return c.body(null, 304);
    }
    const parts = await source.frames(study, series, sop, numbers);
    if (!parts) throw notFound('instance or frame');
    const syntax = /transfer-syntax=([0-9.]+)/.exec(parts[0]?.contentType ?? '')?.[1] ?? '1.2.840.10008.1.2.1';
    const how = negotiate(c.req.header('accept'), 'application/octet-stream', syntax);
    if (!how || (how === 'single' && parts.length !== 1)) {
      throw new ApiError(406, 'not_acceptable', `frames are available as multipart/related; type="application/octet-stream"; transfer-syntax=${syntax}`);
    }
    const etag = sourceTag !== undefined ? `"${sourceTag}-${representation(how)}"` : bodyTag(parts.map((p) => createHash('sha256').update(p.data).digest('hex')).join() + how);
    if (notModified(c, etag)) return c.body(null, 304);
    c.header('Vary', 'Accept');
    if (how === 'single') {
      c.header('Content-Type', parts[0]!.contentType);
      return c.body(parts[0]!.data as Uint8Array<ArrayBuffer>);
    }
    const boundary = newBoundary();
    c.header('Content-Type', `multipart/related; type="application/octet-stream"; transfer-syntax=${syntax}; boundary=${boundary}`);
    return c.body(multipartBody(boundary, parts) as Uint8Array<ArrayBuffer>);
  });

  app.get('/studies/:study/series/:series/instances/:sop', async (c) => {
    const study = uid(c, 'study');
    const source = await sourceFor(c, study);
    const how = negotiate(c.req.header('accept'), 'application/dicom', '*');
    if (!how) throw new ApiError(406, 'not_acceptable', 'instances are available as application/dicom or multipart/related; type="application/dicom"');
    const file = await source.instance(study, uid(c, 'series'), uid(c, 'sop'));
    if (!file) throw notFound('instance');
    if (notModified(c, `"${file.etag}-${how === 'multipart' ? 'm' : 's'}"`)) {
      file.stream.destroy();
      return c.body(null, 304);
    }
    c.header('Vary', 'Accept');
    if (how === 'single') {
      c.header('Content-Type', 'application/dicom');
      if (file.size !== null) c.header('Content-Length', String(file.size));
      return c.body(Readable.toWeb(file.stream) as ReadableStream);
    }
    const boundary = newBoundary();
    c.header('Content-Type', `multipart/related; type="application/dicom"; boundary=${boundary}`);
    return c.body(Readable.toWeb(multipartStream(boundary, 'application/dicom', file.stream, file.size)) as ReadableStream);
  });

  return app;
}
