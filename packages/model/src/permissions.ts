/**
 * Project roles and what each may do. The single source of the permission matrix: the server
 * enforces it (HTTP routes and every incoming document update) and the README documents it.
 */
export const ROLES = ['admin', 'adjudicator', 'reader', 'reviewer', 'observer', 'trainee'] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = [
  'view-study',
  'see-others-annotations',
  'edit-own-annotation',
  'edit-others-annotation',
  'set-image-status',
  'comment',
  'adjudicate',
  'export',
  'manage-members',
  'view-audit',
] as const;
export type Action = (typeof ACTIONS)[number];

const ALL: readonly Action[] = ACTIONS;

/**
 * The matrix. `edit-own-annotation` covers creating, editing, deleting and restoring one's own
 * annotations. Trainees annotate but see only their own work until an instructor reveals it;
 * reviewers comment (and, later, vote); observers only look.
 */
export const PERMISSIONS: Readonly<Record<Role, ReadonlySet<Action>>> = {
  admin: new Set(ALL),
  adjudicator: new Set<Action>([
    'view-study',
    'see-others-annotations',
    'edit-own-annotation',
    'edit-others-annotation',
    'set-image-status',
    'comment',
    'adjudicate',
    'export',
  ]),
  reader: new Set<Action>(['view-study', 'see-others-annotations', 'edit-own-annotation', 'set-image-status', 'comment']),
  reviewer: new Set<Action>(['view-study', 'see-others-annotations', 'comment']),
  observer: new Set<Action>(['view-study', 'see-others-annotations']),
  trainee: new Set<Action>(['view-study', 'edit-own-annotation', 'set-image-status', 'comment']),
};

/** Whether `role` may perform `action`. */
export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[role].has(action);
}

/** Whether a role may write to study documents at all (observers and reviewers may not). */
export function canWriteDocument(role: Role): boolean {
  return can(role, 'edit-own-annotation') || can(role, 'set-image-status');
}
