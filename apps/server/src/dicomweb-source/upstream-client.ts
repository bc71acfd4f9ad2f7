import { SourceErrorCode, StudySourceError } from './source-error';

/** How to reach the upstream DICOMweb server. */
export interface UpstreamClientOptions {
  /** DICOMweb root, e.g. `http://127.0.0.1:8042/dicom-web`. Must not contain credentials. */
  readonly baseUrl: string;
  readonly username?: string;
  readonly password?: string;
  readonly fetch?: typeof fetch;
  /** Limit for one upstream request: until the whole body for JSON and frames, until headers for streams. */
  readonly timeoutMs: number;
}

/** An upstream answer with a 2xx status, its body not yet read. `release` frees the timer. */
export interface UpstreamResponse {
  readonly response: Response;
  /** Stops the request timer; call once the body is read (or handed to a stream). */
  release(): void;
}

/**
 * Talks HTTP to the upstream DICOMweb server with the server's own credentials. The
 * Authorization header lives only in this closure: it is never logged, never part of an
 * error, never returned. 404 → null; 401/403 → upstream_unauthorized; timeouts, network errors,
 * 429 and 5xx → upstream_unavailable; other statuses → upstream_bad_response.
 */
export interface UpstreamClient {
  /** The DICOMweb root with a trailing slash (no credentials). */
  readonly root: URL;
  get(pathSegments: readonly string[], accept: string, query?: URLSearchParams, options?: { timeUntil: 'body' | 'headers' }): Promise<UpstreamResponse | null>;
  /** GET and parse a JSON array; 204 (QIDO "no match") is []. */
  getJsonArray(pathSegments: readonly string[], query?: URLSearchParams): Promise<unknown[] | null>;
  /** GET and read the whole body as bytes. */
  getBytes(pathSegments: readonly string[], accept: string): Promise<{ data: Uint8Array; contentType: string } | null>;
}

export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  let root: URL;
  try {
    root = new URL(options.baseUrl);
  } catch {
    throw new TypeError('upstream baseUrl is not a valid URL');
  }
  if (root.protocol !== 'http:' && root.protocol !== 'https:') throw new TypeError('upstream baseUrl must be http or https');
  if (root.username || root.password) throw new TypeError('upstream baseUrl must not contain credentials; pass username and password');
  root.search = '';
  root.hash = '';
  if (!root.pathname.endsWith('/')) root.pathname += '/';
  if (!(options.timeoutMs > 0)) throw new RangeError('timeoutMs must be positive');

  const doFetch = options.fetch ?? globalThis.fetch;
  const authorization =
    options.username !== undefined
      ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`, 'utf8').toString('base64')}`
      : undefined;

  async function get(
    pathSegments: readonly string[],
    accept: string,
    query?: URLSearchParams,
    { timeUntil }: { timeUntil: 'body' | 'headers' } = { timeUntil: 'body' },
  ): Promise<UpstreamResponse | null> {
    // A UID that could escape its path segment cannot name anything upstream.
    if (pathSegments.some((s) => s === '' || s === '.' || s === '..' || s.length > 128)) return null;
    const url = new URL(pathSegments.map(encodeURIComponent).join('/'), root);
    if (query && [...query].length > 0) url.search = query.toString();
    const headers: Record<string, string> = { accept };
    if (authorization) headers.authorization = authorization;

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    timer.unref?.();
    const release = () => clearTimeout(timer);
    let response: Response;
    try {
      response = await doFetch(url, { headers, signal: controller.signal, redirect: 'error' });
    } catch (error) {
      release();
      throw unavailable(controller.signal.aborted, error);
    }
    if (timeUntil === 'headers') release();
    if (response.ok && response.status !== 204) return { response, release };
    release();
    await response.body?.cancel().catch(() => {});
    if (response.status === 204) return { response: new Response(null, { status: 204 }), release };
    if (response.status === 404) return null;
    if (response.status === 401 || response.status === 403) {
      throw new StudySourceError(SourceErrorCode.upstreamUnauthorized, `upstream DICOMweb server rejected the configured credentials (HTTP ${response.status})`, response.status);
    }
    if (response.status >= 500 || response.status === 429) {
      throw new StudySourceError(SourceErrorCode.upstreamUnavailable, `upstream DICOMweb server is unavailable (HTTP ${response.status})`, response.status);
    }
    throw new StudySourceError(SourceErrorCode.upstreamBadResponse, `upstream DICOMweb server refused the request (HTTP ${response.status})`, response.status);
  }

  /** Reads a body under the request's timer, mapping an abort to upstream_unavailable. */
  async function readBody<T>(answer: UpstreamResponse, read: (r: Response) => Promise<T>): Promise<T> {
    try {
      return await read(answer.response);
    } catch (error) {
      if (error instanceof StudySourceError) throw error;
      throw unavailable(error instanceof Error && error.name === 'AbortError', error);
    } finally {
      answer.release();
    }
  }

  return {
    root,
    get,
    async getJsonArray(pathSegments, query) {
      const answer = await get(pathSegments, 'application/dicom+json, application/json', query);
      if (!answer) return null;
      if (answer.response.status === 204) return [];
      const text = await readBody(answer, (r) => r.text());
      let parsed: unknown;
      try {
        parsed = text.trim() === '' ? [] : JSON.parse(text);
      } catch {
        throw new StudySourceError(SourceErrorCode.upstreamBadResponse, 'upstream DICOMweb server answered invalid JSON');
      }
      if (!Array.isArray(parsed) || !parsed.every((d) => typeof d === 'object' && d !== null && !Array.isArray(d))) {
        throw new StudySourceError(SourceErrorCode.upstreamBadResponse, 'upstream DICOMweb server answered JSON that is not an array of datasets');
      }
      return parsed;
    },
    async getBytes(pathSegments, accept) {
      const answer = await get(pathSegments, accept);
      if (!answer) return null;
      const data = new Uint8Array(await readBody(answer, (r) => r.arrayBuffer()));
      return { data, contentType: answer.response.headers.get('content-type') ?? '' };
    },
  };
}

function unavailable(timedOut: boolean, error: unknown): StudySourceError {
  if (timedOut) return new StudySourceError(SourceErrorCode.upstreamUnavailable, 'upstream DICOMweb server did not answer in time');
  // Only the errno-style code (ECONNREFUSED, ENOTFOUND…) is kept: undici messages can name the host.
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' && /^[A-Z_]{2,40}$/.test(cause.code) ? ` (${cause.code})` : '';
  return new StudySourceError(SourceErrorCode.upstreamUnavailable, `upstream DICOMweb server is unreachable${code}`);
}
