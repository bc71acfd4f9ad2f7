import type { ImageState } from '@readingroom/model';

/** Short text of a review outcome for badges: "No finding", "Excluded: motion artefact". */
export function reviewText(state: Pick<ImageState, 'status' | 'reason'>): string {
  switch (state.status) {
    case 'no_finding':
      return 'No finding';
    case 'excluded_poor_quality':
      return `Excluded: ${state.reason ?? 'poor quality'}`;
  }
}
