/**
 * Every kind of audit entry. Dotted `<subject>.<verb>` names; stored as text, so an action is
 * only ever added here, never renamed.
 */
export const AUDIT_ACTIONS = [
  // Annotations (from document updates). `created` is when a box first becomes visible.
  'annotation.created',
  'annotation.moved',
  'annotation.relabelled',
  'annotation.attributes_changed',
  /** Any other field of an annotation changed (kind, image reference, author...). */
  'annotation.changed',
  'annotation.deleted',
  'annotation.restored',
  // Review outcomes at study, series or image level (target id = the image state key).
  'image_state.set',
  'image_state.cleared',
  // Comments.
  'comment.added',
  'comment.deleted',
  /** A comment changed other than by deletion (not done by the stock model; recorded if it happens). */
  'comment.changed',
  // Consensus review (target id = the key: `<readerId>:<annotationId>`, `<annotationId>:<userId>`).
  /** An adjudicator rejected a reader annotation, or replaced a rejection (after: the rejection). */
  'rejection.set',
  /** A rejection was withdrawn. */
  'rejection.withdrawn',
  /** A vote on an annotation was cast or changed (after: the vote). */
  'vote.set',
  /** A vote was withdrawn. */
  'vote.withdrawn',
  // Reading sessions (docs/reading-sessions.md; target id = the reader for a submission).
  /** The phase of a study's reading session was set (before/after: `{ phase }`). */
  'session.phase_changed',
  /** Assigned readers/adjudicators of a study changed (before/after: `{ readers, adjudicators }`). */
  'session.assignment_changed',
  /** A reader submitted (locked) their read (after: `{ submittedAt }`). */
  'session.read_submitted',
  /** `readersMayDiscuss` / `revealed` changed (before/after: both flags). */
  'session.flags_changed',
  // Authentication. A failed login keeps the username tried (not patient data) in `after`.
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  // Project membership (target id = the member's user id).
  'member.added',
  'member.removed',
  'member.role_changed',
  /** Placeholder: a data export (annotations as COCO / CSV / DICOM SR...). */
  'data.exported',
  /** Labels imported into a study document (who ran the import; the annotations carry the reader or model as author). */
  'data.imported',
  /** Written by the log itself: at start, the log did not match `audit.head`. Verification fails on it. */
  'audit.head_mismatch',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const isAuditAction = (value: string): value is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(value);
