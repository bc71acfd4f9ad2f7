import { ANNOTATION_KEY, ROOT, readAnnotation, type Violation } from '@readingroom/model';
import type * as Y from 'yjs';
import type { StudyImages } from './image-index';

/**
 * Checks what `validateUpdate` cannot know: every annotation an update creates belongs to the
 * room's study and, when the local catalog holds that study, points at a series (and, for a
 * box2d, an instance of that series) that exists. `onMiss` is told about unknown references so
 * the catalog view can be refreshed.
 */
export function checkReferences(
  doc: Y.Doc,
  touched: ReadonlyMap<string, ReadonlySet<string>>,
  studyUid: string,
  images: StudyImages | null,
  onMiss: () => void,
): Violation[] {
  const violations: Violation[] = [];
  for (const [id, keys] of touched) {
    if (!keys.has('*created')) continue;
    const a = readAnnotation(doc, id);
    if (!a) continue; // invalid: validateUpdate reports it
    const path = [ROOT.annotations, id];
    if (a.studyInstanceUid !== studyUid) {
      violations.push({ code: 'invalid-value', path: [...path, ANNOTATION_KEY.studyInstanceUid], message: "the annotation must belong to this room's study" });
      continue;
    }
    if (!images) continue;
    const inSeries = (sop: string) => images.instances.get(sop)?.seriesUid === a.seriesInstanceUid;
    const known =
      images.series.has(a.seriesInstanceUid) &&
      (a.kind === 'box2d' ? inSeries(a.sopInstanceUid) : inSeries(a.geometry.firstSopInstanceUid) && inSeries(a.geometry.lastSopInstanceUid));
    if (!known) {
      onMiss();
      violations.push({ code: 'dangling-reference', path, message: 'the annotation refers to an image that is not part of this study' });
    }
  }
  return violations;
}

/** A short, patient-data-free summary of violations for the refusal message. */
export function summarizeViolations(violations: readonly Violation[], max = 3): string {
  const shown = violations.slice(0, max).map((v) => `${v.path.join('.')}: ${v.message}`);
  const more = violations.length > max ? `; and ${violations.length - max} more` : '';
  const text = `${violations.length} problem${violations.length === 1 ? '' : 's'}: ${shown.join('; ')}${more}`;
  return text.length > 400 ? `${text.slice(0, 397)}...` : text;
}
