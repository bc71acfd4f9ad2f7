import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { Logger } from '@readingroom/sync-server';
import { StudySourceError } from '../dicomweb-source/source-error';
import { ApiError, codeForStatus } from './api-error';

/**
 * The one place errors become responses: `{ error: { code, message, issues? } }`.
 * Validation issues carry path, code and message only, never the rejected input.
 */
export function errorHandler(logger: Logger): ErrorHandler {
  return function onError(err, c) {
    if (err instanceof z.ZodError) {
      const issues = err.issues.map((issue) => ({ path: issue.path.map(String), code: issue.code, message: issue.message }));
      return c.json({ error: { code: 'invalid_request', message: 'the request is not valid', issues } }, 400);
    }
    if (err instanceof HTTPException) {
      const code = err instanceof ApiError ? err.code : codeForStatus(err.status);
      return c.json({ error: { code, message: err.message || code } }, err.status);
    }
    if (err instanceof StudySourceError) {
      // Upstream PACS trouble: the message names no host or credential (see source-error.ts).
      return c.json({ error: { code: err.code, message: err.message } }, err.status);
    }
    logger.error({ err: { name: err.name, message: err.message, stack: err.stack }, requestId: c.get('requestId') }, 'unhandled error');
    return c.json({ error: { code: 'internal_error', message: 'internal server error' } }, 500);
  };
}
