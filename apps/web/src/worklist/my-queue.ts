import type { StudyStatus } from '@readingroom/model';
import type { WorklistTask } from '../lib/reading-session';

/** What "my queue" needs to know about a worklist study. */
export interface QueueCandidate {
  readonly status: StudyStatus | null;
  readonly task: WorklistTask;
  readonly submitted: boolean;
}

/**
 * Whether a study waits for me: a read I have not submitted while reading goes on, or an
 * adjudication that is due (every read submitted, or adjudication under way).
 */
export function inMyQueue(study: QueueCandidate): boolean {
  if (study.task === 'read') return !study.submitted && (study.status === 'reading' || study.status === 'unassigned');
  if (study.task === 'adjudicate') return study.status === 'waiting_for_adjudication' || study.status === 'adjudicating';
  return false;
}
