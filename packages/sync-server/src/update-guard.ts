import * as Y from 'yjs';
import type { DecodedUpdate } from './update-preview';

/**
 * Decodes a Yjs update without applying it, so that most malformed input never reaches the
 * room's document. Throws on anything malformed. Returns whether the update carries anything
 * at all (structs or deletions): an empty update, like the sync step 2 of an empty client,
 * needs no permission to be "applied"; and the decoded update, for `previewUpdate`.
 */
export function inspectUpdate(update: Uint8Array): { readonly empty: boolean; readonly decoded: DecodedUpdate } {
  if (update.length === 0) throw new Error('empty update');
  const decoded = Y.decodeUpdate(update);
  for (const struct of decoded.structs) {
    if (!Number.isSafeInteger(struct.id.clock) || struct.id.clock < 0) throw new Error('invalid clock');
    if (!Number.isSafeInteger(struct.length) || struct.length < 0) throw new Error('invalid struct length');
  }
  return { empty: decoded.structs.length === 0 && decoded.ds.clients.size === 0, decoded };
}
