import { type Annotation, ANNOTATION_KEY, ROOT, type Violation } from '@readingroom/model';
import type { StudyImages } from './image-index';

/**
 * Checks what `validateUpdate` cannot know: every annotation an update creates belongs to the
 * room's study and, when the local catalog holds that study, points at a series (and, for a
 * box2d, an instance of that series) that exists. `created` is `UpdateReview.created`: the
 * created annotations `validateUpdate` parsed (invalid ones it reports itself), so none is
 * parsed again here. `onMiss` is told about unknown references so the catalog view can be
 * refreshed.
 */
export function checkReferences(
  created: ReadonlyMap<string, Annotation>,
  studyUid: string,
  images: StudyImages | null,
  onMiss: () => void,
): Violation[] {
  const violations: Violation[] = [];
  for (const [id, a] of created) {
    const path = [ROOT.annotations, id];
    if (a.studyInstanceUid !== studyUid) {
      violations.push({ code: 'invalid-value', path: [...path, ANNOTATION_KEY.studyInstanceUid], message: "the annotation must belong to this room's study" });
      continue;
    }
    if (!images) continue;
    const series = a.seriesInstanceUid;
    const known =
      images.series.has(series) &&
      (a.kind === 'box2d'
        ? inSeries(images, a.sopInstanceUid, series)
        : inSeries(images, a.geometry.firstSopInstanceUid, series) && inSeries(images, a.geometry.lastSopInstanceUid, series));
    if (!known) {
      onMiss();
      violations.push({ code: 'dangling-reference', path, message: 'the annotation refers to an image that is not part of this study' });
    }
  }
  return violations;
}

/** Whether instance `sop` is known and of series `series` (module level: no closure per annotation). */
function inSeries(images: StudyImages, sop: string, series: string): boolean {
  return images.instances.get(sop)?.seriesUid === series;
}

/** A short, patient-data-free summary of violations for the refusal message. */
export function summarizeViolations(violations: readonly Violation[], max = 3): string {
  const shown = violations.slice(0, max).map((v) => `${v.path.join('.')}: ${v.message}`);
  const more = violations.length > max ? `; and ${violations.length - max} more` : '';
  const text = `${violations.length} problem${violations.length === 1 ? '' : 's'}: ${shown.join('; ')}${more}`;
  return text.length > 400 ? `${text.slice(0, 397)}...` : text;
}
