/**
 * Names of sync rooms. One study has one shared document per project (annotations follow the
 * project's taxonomy), and, for blinded reads and adjudication, one document per reader and a
 * consensus document. Grammar (segments URL-encoded):
 *
 *   p/<projectId>/s/<studyInstanceUid>                 shared document (open sessions)
 *   p/<projectId>/s/<studyInstanceUid>/r/<userId>      one reader's document (blinded reads)
 *   p/<projectId>/s/<studyInstanceUid>/consensus       the adjudicated consensus
 */
export type RoomScope = { readonly type: 'shared' } | { readonly type: 'reader'; readonly userId: string } | { readonly type: 'consensus' };

export interface StudyRoom {
  readonly projectId: string;
  readonly studyInstanceUid: string;
  readonly scope: RoomScope;
}

const SEGMENT = /^[\s\S]{1,200}$/;

/** Builds the room name of a study document. */
export function roomName(room: StudyRoom): string {
  const base = `p/${encodeURIComponent(room.projectId)}/s/${encodeURIComponent(room.studyInstanceUid)}`;
  switch (room.scope.type) {
    case 'shared':
      return base;
    case 'reader':
      return `${base}/r/${encodeURIComponent(room.scope.userId)}`;
    case 'consensus':
      return `${base}/consensus`;
  }
}

/** Parses a room name; null when it does not follow the grammar. */
export function parseRoomName(name: string): StudyRoom | null {
  const parts = name.split('/');
  if (parts[0] !== 'p' || parts[2] !== 's' || parts.length < 4) return null;
  let decoded: string[];
  try {
    decoded = parts.map((p) => decodeURIComponent(p));
  } catch {
    return null;
  }
  if (!decoded.every((p) => SEGMENT.test(p))) return null;
  const [, projectId, , studyInstanceUid] = decoded as [string, string, string, string];
  if (parts.length === 4) return { projectId, studyInstanceUid, scope: { type: 'shared' } };
  if (parts.length === 5 && parts[4] === 'consensus') return { projectId, studyInstanceUid, scope: { type: 'consensus' } };
  if (parts.length === 6 && parts[4] === 'r') return { projectId, studyInstanceUid, scope: { type: 'reader', userId: decoded[5]! } };
  return null;
}
