import { can, seatOf, type ReadingSession, type Role } from '@readingroom/model';

/** Why a member may not see a study's agreement report. */
export type AgreementRefusal = 'cannot_see_others' | 'blinded_read';

/**
 * Whether a member with `role` may see the agreement report of a study under its session. A report
 * shows how every reader read, so it needs `see-others-annotations`, and follows the blinding of
 * the reading rooms (docs/reading-sessions.md):
 * - adjudicators and admins (the `lead` seat): always;
 * - readers (the reader role, or anyone assigned as a reader): in `open` and `final`, and in
 *   `adjudication` when `readersMayDiscuss`; never in `blinded`, so a reader cannot learn others'
 *   reads from a report while those reads cannot be opened;
 * - observers and reviewers: in every phase but `blinded` (when they may not open the consensus).
 */
export function agreementRefusal(
  userId: string,
  role: Role,
  session: Pick<ReadingSession, 'phase' | 'readers' | 'readersMayDiscuss'>,
): AgreementRefusal | null {
  if (!can(role, 'see-others-annotations')) return 'cannot_see_others';
  switch (seatOf(userId, role, session)) {
    case 'lead':
      return null;
    case 'trainee':
      return 'cannot_see_others';
    case 'reader':
      if (session.phase === 'open' || session.phase === 'final') return null;
      return session.phase === 'adjudication' && session.readersMayDiscuss ? null : 'blinded_read';
    case 'watcher':
      return session.phase === 'blinded' ? 'blinded_read' : null;
  }
}
