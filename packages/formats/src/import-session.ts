import { ImageStateSchema, type Annotation, type ImageState } from '@readingroom/model';
import { imageListIssues, indexImages, stateTargetKnown, type ImageIndex } from './image-index';
import type { PixelRect } from './prepare-export';
import {
  FormatInputError,
  ImportContextSchema,
  type ImageInfo,
  type ImportContext,
  type ImportResult,
  type ParsedImportContext,
  type Skipped,
} from './types';

/** Collects the outcome of one import: what was taken, skipped (with reasons) and noticed. */
export class ImportSession {
  readonly context: ParsedImportContext;
  readonly index: ImageIndex;
  readonly #classIds: Map<string, number>;
  readonly #annotations = new Map<string, Annotation>();
  readonly #states = new Map<string, ImageState>();
  readonly skipped: Skipped[] = [];
  readonly warnings: ImportResult['warnings'] = [];

  constructor(raw: ImportContext) {
    const parsed = ImportContextSchema.safeParse(raw);
    if (!parsed.success) throw new FormatInputError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    const issues = imageListIssues(parsed.data.images);
    if (issues.length > 0) throw new FormatInputError(issues);
    this.context = parsed.data;
    this.index = indexImages(parsed.data.images);
    this.#classIds = new Map(parsed.data.taxonomy.map((label, i) => [label, i]));
  }

  classId(label: string): number | undefined {
    return this.#classIds.get(label);
  }

  /** The taxonomy label of a 0-based class id. */
  labelOf(classId: number): string | undefined {
    return this.context.taxonomy[classId];
  }

  skip(item: string, reason: Skipped['reason'], message: string): void {
    this.skipped.push({ item, reason, message });
  }

  warn(item: string, message: string): void {
    this.warnings.push({ item, message });
  }

  /** Whether items attributed to `readerId` in the file are to be taken; skips them otherwise. */
  fromWantedReader(item: string, readerId: string | undefined): boolean {
    const wanted = this.context.sourceReaderId;
    if (wanted === undefined || readerId === wanted) return true;
    this.skip(item, 'other-reader', `attributed to ${JSON.stringify(readerId ?? '(nobody)')}, not ${JSON.stringify(wanted)}`);
    return false;
  }

  /** Checks that the box lies inside the image; skips it as `box-outside-image` otherwise. */
  inside(item: string, rect: PixelRect, image: ImageInfo): boolean {
    const ok = rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= image.columns && rect.y + rect.height <= image.rows;
    if (!ok) this.skip(item, 'box-outside-image', `[${rect.x}, ${rect.y}, ${rect.width}, ${rect.height}] leaves the ${image.columns}×${image.rows} image ${image.imageId}`);
    return ok;
  }

  addAnnotation(item: string, annotation: Annotation): void {
    if (this.#annotations.has(annotation.id)) {
      this.skip(item, 'malformed', `a second annotation with id ${JSON.stringify(annotation.id)}`);
      return;
    }
    this.#annotations.set(annotation.id, annotation);
  }

  /** Adds a review outcome (validated; its target must be among the images). Same target: last wins. */
  addState(item: string, candidate: unknown): void {
    const parsed = ImageStateSchema.safeParse(candidate);
    if (!parsed.success) {
      this.skip(item, 'malformed', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return;
    }
    const state = parsed.data;
    if (!stateTargetKnown(this.index, state)) {
      this.skip(item, 'unknown-image', `no image of this ${state.level} in the image list`);
      return;
    }
    const key = state.level === 'study' ? `study:${state.studyInstanceUid}` : state.level === 'series' ? `series:${state.seriesInstanceUid}` : `image:${state.sopInstanceUid}:${state.frameIndex}`;
    this.#states.set(key, state);
  }

  /** An image-level state for `image`, set by the importing reader now unless told otherwise. */
  imageState(image: ImageInfo, status: ImageState['status'], reason?: string, setBy?: string, setAt?: number): Record<string, unknown> {
    return {
      level: 'image',
      studyInstanceUid: image.studyInstanceUid,
      seriesInstanceUid: image.seriesInstanceUid,
      sopInstanceUid: image.sopInstanceUid,
      frameIndex: image.frameIndex,
      status,
      ...(reason !== undefined ? { reason } : {}),
      setBy: setBy ?? this.context.readerId,
      setAt: setAt ?? this.context.now,
    };
  }

  result(): ImportResult {
    return { annotations: [...this.#annotations.values()], imageStates: [...this.#states.values()], skipped: this.skipped, warnings: this.warnings };
  }
}
