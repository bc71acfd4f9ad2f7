import type { ImageState, ReviewLevel, ReviewTarget } from '@readingroom/model';
import type { StackViewer } from '../viewer/stack-viewer.svelte';
import type { StudyRoom } from './study-room';

export interface ReviewActionsOptions {
  readonly studyUid: string;
  readonly viewer: StackViewer;
  /** The open room, if any: its document is written, its review outcomes read. */
  readonly room: () => StudyRoom | null;
  /** Whether I may record outcomes now. */
  readonly canReview: () => boolean;
  /** Runs a document write, reporting a refusal to the user. */
  readonly write: (write: () => unknown) => void;
  readonly reportError: (text: string) => void;
}

/** Review outcomes ("no finding", "excluded") of what the viewer shows: the image, its series or the study. */
export class ReviewActions {
  constructor(private readonly options: ReviewActionsOptions) {}

  /** What a review action at `level` applies to now: the shown image, its series, or the study. */
  target(level: ReviewLevel): ReviewTarget | null {
    const studyInstanceUid = this.options.studyUid;
    const series = this.options.viewer.series;
    const image = this.options.viewer.currentImage;
    switch (level) {
      case 'study':
        return { level, studyInstanceUid };
      case 'series':
        return series ? { level, studyInstanceUid, seriesInstanceUid: series.seriesUid } : null;
      case 'image':
        return series && image ? { level, studyInstanceUid, seriesInstanceUid: series.seriesUid, sopInstanceUid: image.sopInstanceUid, frameIndex: image.frame - 1 } : null;
    }
  }

  /** The outcome recorded at `level` for what is shown now, if any. */
  stateOf(level: ReviewLevel): ImageState | undefined {
    const target = this.target(level);
    return target ? this.options.room()?.review.stateOf(target) : undefined;
  }

  markNoFinding(level: ReviewLevel): void {
    const target = this.target(level);
    if (target && this.options.canReview()) this.options.write(() => this.options.room()?.study.setImageState(target, { status: 'no_finding' }));
  }

  /** A reason is required. */
  exclude(level: ReviewLevel, reason: string): void {
    const target = this.target(level);
    const why = reason.trim();
    if (!target || !this.options.canReview()) return;
    if (!why) {
      this.options.reportError('Say why it is excluded (for example: motion artefact).');
      return;
    }
    this.options.write(() => this.options.room()?.study.setImageState(target, { status: 'excluded_poor_quality', reason: why }));
  }

  clear(level: ReviewLevel): void {
    const target = this.target(level);
    if (target && this.options.canReview()) this.options.write(() => this.options.room()?.study.clearImageState(target));
  }
}
