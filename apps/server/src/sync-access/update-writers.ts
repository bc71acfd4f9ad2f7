import * as Y from 'yjs';

/**
 * The Yjs client ids under which `update` writes structs the document does not have yet. Skips
 * (gaps in a merged update) write nothing; structs the document already holds are repeats.
 * Deletions are not writes under an id: anyone may delete what they may edit.
 */
export function newStructClients(update: Uint8Array, doc: Y.Doc): Set<number> {
  const clients = new Set<number>();
  for (const struct of Y.decodeUpdate(update).structs) {
    if (struct instanceof Y.Skip) continue;
    const { client, clock } = struct.id;
    if (clock + struct.length > Y.getState(doc.store, client)) clients.add(client);
  }
  return clients;
}

/** The client ids whose clock a staged apply advanced: those it wrote new structs under. */
export function advancedClients(transaction: Y.Transaction): Set<number> {
  const clients = new Set<number>();
  for (const [client, clock] of transaction.afterState) if (clock > (transaction.beforeState.get(client) ?? 0)) clients.add(client);
  return clients;
}
