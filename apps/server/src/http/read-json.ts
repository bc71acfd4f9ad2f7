import type { Context } from 'hono';
import { ApiError } from './api-error';

/** Parses the JSON body, turning a malformed body into 400 `invalid_request`. */
export async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new ApiError(400, 'invalid_request', 'the body must be JSON');
  }
}
