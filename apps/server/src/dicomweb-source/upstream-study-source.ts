import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { DicomJson, FramePart, InstanceFile, QidoQuery, StudySource } from '../dicomweb/study-source';
import { parseContentType } from './content-type';
import { LruCache } from './lru-cache';
import { streamFirstPart } from './multipart-first-part';
import { MultipartError, parseMultipartRelated } from './multipart-related';
import { checkQidoQuery, qidoSearchParams, UID_LIST_CHUNK } from './qido-query';
import { dropUris, ourUriMapper, rewriteDatasetUris } from './rewrite-uris';
import { SourceErrorCode, StudySourceError } from './source-error';
import { createUpstreamClient } from './upstream-client';
import { listAllStudies, type UpstreamStudySummary } from './list-upstream-studies';

export interface UpstreamStudySourceOptions {
  /** DICOMweb root of the PACS, e.g. `http://127.0.0.1:8042/dicom-web`. No credentials in it. */
  readonly baseUrl: string;
  readonly username?: string;
  readonly password?: string;
  /** Replaces global fetch (tests count requests through it). */
  readonly fetch?: typeof fetch;
  /** Metadata cache; default 500 entries, 10 minutes. `maxEntries: 0` disables it. */
  readonly cache?: { readonly maxEntries: number; readonly ttlMs: number };
  /** Per upstream request. */
  readonly timeoutMs: number;
}

/** A StudySource backed by an upstream DICOMweb server, plus what an admin needs to link studies. */
export interface UpstreamStudySource extends StudySource {
  /** Every study the upstream server has (paged through QIDO), for linking them to a project. */
  listUpstreamStudies(): Promise<UpstreamStudySummary[]>;
}

const FRAMES_ACCEPT = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
const INSTANCE_ACCEPT = 'multipart/related; type="application/dicom"; transfer-syntax=*';

/**
 * Creates a StudySource that queries and proxies an upstream DICOMweb server (Orthanc with its
 * DICOMweb plugin, dcm4chee, …) with the server's own credentials, so browsers never see the
 * PACS or its credentials. QIDO queries pass an allow-list; WADO-RS metadata is cached (an SOP
 * instance's metadata is immutable in practice) and its URIs rewritten under our `baseUrl`;
 * frames and instances are proxied. Errors are StudySourceError with a `code`.
 */
export function createUpstreamStudySource(options: UpstreamStudySourceOptions): UpstreamStudySource {
  const client = createUpstreamClient(options);
  const cache = new LruCache<readonly DicomJson[]>(options.cache ?? { maxEntries: 500, ttlMs: 10 * 60_000 });
  const inflight = new Map<string, Promise<readonly DicomJson[] | null>>();
  const sanitizeQido = (list: unknown[]) => (list as DicomJson[]).map((d) => rewriteDatasetUris(d, dropUris));
  const forBrowser = (list: readonly DicomJson[], baseUrl: string) => {
    const mapper = ourUriMapper(client.root, baseUrl);
    return list.map((d) => rewriteDatasetUris(d, mapper));
  };

  /** Cached metadata: concurrent misses for one key share one upstream request; misses (null) are not cached. */
  async function metadata(key: string, path: string[]): Promise<readonly DicomJson[] | null> {
    const hit = cache.get(key);
    if (hit) return hit;
    let pending = inflight.get(key);
    if (!pending) {
      pending = (async () => {
        const list = (await client.getJsonArray(path)) as DicomJson[] | null;
        if (list) {
          cache.set(key, list);
          if (path.length === 5) {
            // A series' metadata also answers each of its instances.
            for (const d of list) {
              const sop = d['00080018']?.Value?.[0];
              if (typeof sop === 'string') cache.set(instanceKey(path[1]!, path[3]!, sop), [d]);
            }
          }
        }
        return list;
      })().finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    return pending;
  }

  async function studyExists(studyUid: string): Promise<boolean> {
    const list = await client.getJsonArray(['studies'], new URLSearchParams({ StudyInstanceUID: studyUid, limit: '1' }));
    return (list ?? []).some((d) => (d as DicomJson)['0020000D']?.Value?.[0] === studyUid);
  }

  return {
    async searchStudies(query: QidoQuery, studyUids: readonly string[] | null) {
      checkQidoQuery(query);
      if (studyUids === null) return sanitizeQido((await client.getJsonArray(['studies'], qidoSearchParams(query))) ?? []);

      // Restrict to the project's studies upstream (UID list matching) and check again here.
      const allowed = new Set(studyUids);
      const asked = Object.entries(query.match).find(([k]) => k === 'StudyInstanceUID' || k.toUpperCase() === '0020000D')?.[1];
      const wanted = asked === undefined ? [...allowed] : asked.split(/[,\\]/).filter((u) => allowed.has(u));
      if (wanted.length === 0) return [];
      const chunks: string[][] = [];
      for (let i = 0; i < wanted.length; i += UID_LIST_CHUNK) chunks.push(wanted.slice(i, i + UID_LIST_CHUNK));
      const single = chunks.length === 1;
      const match = Object.fromEntries(Object.entries(query.match).filter(([k]) => k !== 'StudyInstanceUID' && k.toUpperCase() !== '0020000D'));
      const results: DicomJson[] = [];
      for (const chunk of chunks) {
        const params = qidoSearchParams({ ...query, match }, { StudyInstanceUID: chunk.join(',') }, single);
        results.push(...sanitizeQido((await client.getJsonArray(['studies'], params)) ?? []));
      }
      const seen = new Set<string>();
      const visible = results.filter((d) => {
        const uid = d['0020000D']?.Value?.[0];
        if (typeof uid !== 'string' || !allowed.has(uid) || seen.has(uid)) return false;
        seen.add(uid);
        return true;
      });
      if (single) return visible;
      const offset = query.offset ?? 0;
      return visible.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
    },

    async searchSeries(studyUid, query) {
      checkQidoQuery(query);
      const list = await client.getJsonArray(['studies', studyUid, 'series'], qidoSearchParams(query));
      if (list === null || (list.length === 0 && !(await studyExists(studyUid)))) return null;
      return sanitizeQido(list);
    },

    async searchInstances(studyUid, seriesUid, query) {
      checkQidoQuery(query);
      const path = seriesUid === null ? ['studies', studyUid, 'instances'] : ['studies', studyUid, 'series', seriesUid, 'instances'];
      const list = await client.getJsonArray(path, qidoSearchParams(query));
      if (list === null || (list.length === 0 && !(await studyExists(studyUid)))) return null;
      return sanitizeQido(list);
    },

    async seriesMetadata(studyUid, seriesUid, baseUrl) {
      const list = await metadata(seriesKey(studyUid, seriesUid), ['studies', studyUid, 'series', seriesUid, 'metadata']);
      return list && list.length > 0 ? forBrowser(list, baseUrl) : null;
    },

    async instanceMetadata(studyUid, seriesUid, sopUid, baseUrl) {
      const list = await metadata(instanceKey(studyUid, seriesUid, sopUid), ['studies', studyUid, 'series', seriesUid, 'instances', sopUid, 'metadata']);
      const first = list?.[0];
      return first ? (forBrowser([first], baseUrl)[0] ?? null) : null;
    },

    async frames(studyUid, seriesUid, sopUid, frameNumbers) {
      if (frameNumbers.length === 0 || !frameNumbers.every((n) => Number.isSafeInteger(n) && n > 0)) {
        throw new StudySourceError(SourceErrorCode.invalidQuery, 'frame numbers must be positive integers');
      }
      const answer = await client.getBytes(['studies', studyUid, 'series', seriesUid, 'instances', sopUid, 'frames', frameNumbers.join(',')], FRAMES_ACCEPT);
      if (!answer) return null;
      let parts;
      try {
        parts = parseMultipartRelated(answer.data, answer.contentType);
      } catch (error) {
        if (error instanceof MultipartError) throw new StudySourceError(SourceErrorCode.upstreamBadResponse, `upstream frames answer: ${error.message}`);
        throw error;
      }
      if (parts.length !== frameNumbers.length) {
        throw new StudySourceError(SourceErrorCode.upstreamBadResponse, `upstream answered ${parts.length} frames for ${frameNumbers.length} requested`);
      }
      const fallbackType = parseContentType(answer.contentType).params.get('type') ?? 'application/octet-stream';
      return parts.map((p): FramePart => ({ data: p.data, contentType: p.headers.get('content-type') ?? fallbackType }));
    },

    async instance(studyUid, seriesUid, sopUid): Promise<InstanceFile | null> {
      const answer = await client.get(['studies', studyUid, 'series', seriesUid, 'instances', sopUid], INSTANCE_ACCEPT, undefined, { timeUntil: 'headers' });
      if (!answer) return null;
      const { response } = answer;
      // Unquoted, like the local source's content hash: the routes quote it and add a suffix.
      const upstreamEtag = /^"([\x21\x23-\x7e]{1,200})"$/.exec(response.headers.get('etag') ?? '')?.[1];
      // SOP instances are immutable in practice, so their identity is a strong validator.
      const etag =
        upstreamEtag ??
        createHash('sha256').update(`${client.root.href}\0${studyUid}\0${seriesUid}\0${sopUid}`).digest('base64url').slice(0, 32);
      if (!response.body) throw new StudySourceError(SourceErrorCode.upstreamBadResponse, 'upstream instance answer has no body');
      const source = Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>);
      const contentType = response.headers.get('content-type') ?? '';
      if (parseContentType(contentType).mediaType === 'application/dicom') {
        const length = Number(response.headers.get('content-length'));
        return { stream: source, size: Number.isSafeInteger(length) && length >= 0 && response.headers.has('content-length') ? length : null, etag };
      }
      try {
        const part = await streamFirstPart(source, contentType);
        const length = Number(part.headers.get('content-length'));
        return { stream: part.body, size: part.headers.has('content-length') && Number.isSafeInteger(length) && length >= 0 ? length : null, etag };
      } catch (error) {
        source.destroy();
        if (error instanceof MultipartError) throw new StudySourceError(SourceErrorCode.upstreamBadResponse, `upstream instance answer: ${error.message}`);
        if (error instanceof StudySourceError) throw error;
        throw new StudySourceError(SourceErrorCode.upstreamUnavailable, 'upstream DICOMweb server broke off the instance answer');
      }
    },

    listUpstreamStudies: () => listAllStudies(client),
  };
}

const seriesKey = (study: string, series: string) => `s\0${study}\0${series}`;
const instanceKey = (study: string, series: string, sop: string) => `i\0${study}\0${series}\0${sop}`;
