import type { User } from '../users/user-store';

/**
 * Who may see which study, injected from the projects code (its `ProjectAccess`). Until that
 * exists, {@link adminOnlyAccess}: administrators see everything, other users nothing.
 */
export interface StudyAccess {
  canAccessStudy(user: User, studyUid: string): boolean | Promise<boolean>;
  /** The studies the user may see; null means every study. */
  studyUidsForUser(user: User): readonly string[] | null | Promise<readonly string[] | null>;
}

export const adminOnlyAccess: StudyAccess = {
  canAccessStudy: (user) => user.isAdmin,
  studyUidsForUser: (user) => (user.isAdmin ? null : []),
};
