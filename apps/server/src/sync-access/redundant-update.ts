import * as Y from 'yjs';

/**
 * Whether applying `update` to `doc` would change nothing: every struct it carries is already in
 * the document and every range it deletes is already deleted. A stock y-websocket client sends
 * such an update on every reconnect (sync step 2 of its whole state, deletions included), also
 * when its connection is read-only; refusing it would refuse the reconnect itself, while applying
 * it stores and broadcasts nothing.
 */
export function isRedundantUpdate(update: Uint8Array, doc: Y.Doc): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  for (const struct of structs) {
    if (struct instanceof Y.Skip) continue;
    if (struct.id.clock + struct.length > Y.getState(doc.store, struct.id.client)) return false;
  }
  if (ds.clients.size === 0) return true;
  const deleted = Y.createDeleteSetFromStructStore(doc.store);
  for (const [client, ranges] of ds.clients) {
    const have = deleted.clients.get(client) ?? [];
    for (const range of ranges) if (!covered(have, range.clock, range.clock + range.len)) return false;
  }
  return true;
}

/** Whether the sorted, merged `ranges` cover [from, to). */
function covered(ranges: readonly { clock: number; len: number }[], from: number, to: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (r.clock + r.len <= from) lo = mid + 1;
    else if (r.clock > from) hi = mid - 1;
    else return r.clock + r.len >= to;
  }
  return false;
}
