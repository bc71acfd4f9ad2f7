import { ROLES, type Role, type RoomScope } from '@readingroom/model';
import type { ConnectionIdentity } from '@readingroom/sync-server';

/**
 * What a sync connection was granted at the door, carried as `ConnectionIdentity.data`. Decided
 * once per connection (a change of role closes the connection so that it reconnects).
 */
export interface SyncAccessData {
  /** The project role; a global administrator is `admin`. */
  readonly role: Role;
  /** Null for a free-form room (global administrators only; not a study document). */
  readonly projectId: string | null;
  readonly studyUid: string | null;
  readonly scope: RoomScope | null;
  /** Every update is refused and awareness is limited to presence. */
  readonly readOnly: boolean;
  /**
   * Set when the reading session, not the role, makes the room read-only: the user's read is
   * `submitted`, or the `phase` allows no writing there (for the refusal message).
   */
  readonly lock?: 'submitted' | 'phase';
}

const ROLE_SET = new Set<string>(ROLES);

/** The access data of a connection, or null when it carries none (then nothing is allowed). */
export function accessDataOf(identity: ConnectionIdentity): SyncAccessData | null {
  const d = identity.data as Partial<SyncAccessData> | null | undefined;
  if (typeof d !== 'object' || d === null) return null;
  if (typeof d.role !== 'string' || !ROLE_SET.has(d.role) || typeof d.readOnly !== 'boolean') return null;
  return d as SyncAccessData;
}

/** Whether the access data describes a study document (as opposed to a free-form admin room). */
export function isStudyRoom(d: SyncAccessData): d is SyncAccessData & { projectId: string; studyUid: string; scope: RoomScope } {
  return d.projectId !== null && d.studyUid !== null && d.scope !== null;
}
