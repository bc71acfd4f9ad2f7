import { PresenceStateSchema } from '@readingroom/model';
import type { AwarenessDecision, AwarenessProposal } from '@readingroom/sync-server';
import { accessDataOf } from './access-data';
import type { ClientIdRegistry } from './client-id-registry';

const refuse = (code: string, message: string): AwarenessDecision => ({ accept: false, code, message });

/**
 * The accept step of awareness updates. A connection may set the states of client ids that no
 * open connection of another user has claimed in the room and that no other user writes the
 * document under. Entries for anyone else's client id are dropped, not refused: the stock
 * y-websocket client relays every awareness change it receives, its colleagues' included, so a
 * refusal would punish ordinary clients; dropping keeps impersonation impossible all the same.
 * Removals (null states) of ids this user never claimed are dropped too: the server removes a
 * connection's states itself when it closes. Read-only users may share presence only
 * (`PresenceStateSchema`: user, name, color, cursor, viewport, slice, series).
 */
export function createAcceptAwareness(deps: { readonly clientIds: ClientIdRegistry }): (proposal: AwarenessProposal) => AwarenessDecision {
  return (p) => {
    const access = accessDataOf(p.identity);
    if (!access) return refuse('forbidden', 'this connection has no access grant');
    const userId = p.identity.userId;
    const kept = p.entries.filter((entry) => {
      const other = p.ownerOf(entry.clientId);
      const writer = deps.clientIds.ownerOf(p.room, entry.clientId);
      if ((other && other.userId !== userId) || (writer !== null && writer !== userId)) return false;
      if (entry.state === null && other === null && writer === null && !p.ownClaims.has(entry.clientId)) return false;
      return true;
    });
    for (const entry of kept) {
      if (access.readOnly && entry.state !== null && !PresenceStateSchema.safeParse(entry.state).success) {
        return refuse('presence_only', 'read-only users may share presence only: user, name, color, cursor, viewport, slice, series');
      }
    }
    return kept.length === p.entries.length ? { accept: true } : { accept: true, entries: kept };
  };
}
