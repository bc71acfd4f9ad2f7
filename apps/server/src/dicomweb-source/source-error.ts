/** Machine-readable reasons a study source could not answer; the routes map them to statuses. */
export const SourceErrorCode = {
  /** The upstream server timed out, refused the connection or answered 5xx: 502. */
  upstreamUnavailable: 'upstream_unavailable',
  /** The upstream server rejected our credentials (401/403): 502, the admin must fix the config. */
  upstreamUnauthorized: 'upstream_unauthorized',
  /** The upstream server answered something we cannot use (bad JSON, bad multipart, other 4xx): 502. */
  upstreamBadResponse: 'upstream_bad_response',
  /** The client's query uses a key or value we do not pass upstream: 400. */
  invalidQuery: 'invalid_query',
} as const;
export type SourceErrorCode = (typeof SourceErrorCode)[keyof typeof SourceErrorCode];

/** HTTP status the /dicomweb routes should answer for each code. */
export const statusForSourceError: Readonly<Record<SourceErrorCode, 400 | 502>> = {
  upstream_unavailable: 502,
  upstream_unauthorized: 502,
  upstream_bad_response: 502,
  invalid_query: 400,
};

/**
 * An error from a study source. Messages name no URL, host or credential: they may reach a
 * browser through the routes. `upstreamStatus` is the upstream HTTP status when there was one.
 */
export class StudySourceError extends Error {
  override readonly name = 'StudySourceError';
  constructor(
    readonly code: SourceErrorCode,
    message: string,
    readonly upstreamStatus?: number,
  ) {
    super(message);
  }

  get status(): 400 | 502 {
    return statusForSourceError[this.code];
  }
}
