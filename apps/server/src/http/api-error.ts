import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An HTTPException with a machine-readable `code` for the JSON error body. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(status, { message });
  }
}

/** Default codes for HTTPExceptions thrown without one (for example by hono's own middleware). */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400: return 'invalid_request';
    case 401: return 'unauthorized';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 413: return 'payload_too_large';
    case 503: return 'unavailable';
    default: return status >= 500 ? 'internal_error' : 'error';
  }
}
