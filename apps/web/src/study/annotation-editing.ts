import { annotation as csAnnotation } from '@cornerstonejs/tools';
import type { Annotation, AttributesPatch, StudyDocument } from '@readingroom/model';
import { sliceRangeOf, withSliceEnd } from '../collab/box3d-range';
import type { TaxonomyLabel } from '../lib/api-client';
import type { StackViewer } from '../viewer/stack-viewer.svelte';

export interface AnnotationEditingOptions {
  readonly viewer: StackViewer;
  /** The open document, if any. */
  readonly study: () => StudyDocument | null;
  readonly selected: () => Annotation | undefined;
  readonly canEdit: (box: Pick<Annotation, 'author'>) => boolean;
  readonly labelKind: (name: string | null) => TaxonomyLabel['kind'];
  /** Shows a series of the study at an image index. */
  readonly openSeries: (seriesUid: string, index?: number) => Promise<void>;
  /** Runs a document write, reporting a refusal to the user. */
  readonly write: (write: () => unknown) => void;
}

/** Edits of the selected box from the side panels (not by drawing), and finding a box in the stack. */
export class AnnotationEditing {
  constructor(private readonly options: AnnotationEditingOptions) {}

  /** Relabels the selected box when I may edit it and the label is meant for its kind of box. */
  relabelSelected(name: string): void {
    const { selected: selectedBox, canEdit, labelKind, write, study } = this.options;
    const selected = selectedBox();
    if (selected && selected.label !== name && canEdit(selected) && labelKind(name) === selected.kind) {
      write(() => study()?.setLabel(selected.id, name));
    }
  }

  /** Makes the shown slice the first (or last) slice of the selected 3D box. */
  setSliceEnd(end: 'first' | 'last'): void {
    const { viewer, canEdit, write, study } = this.options;
    const selected = this.options.selected();
    const index = viewer.currentIndex;
    if (!selected || selected.kind !== 'box3d' || !canEdit(selected) || index < 0) return;
    if (selected.seriesInstanceUid !== viewer.series?.seriesUid) return;
    write(() => study()?.moveBox(selected.id, withSliceEnd(selected.geometry, end, index, viewer.images)));
  }

  setAttributes(patch: AttributesPatch): void {
    const selected = this.options.selected();
    if (selected && this.options.canEdit(selected)) this.options.write(() => this.options.study()?.setAttributes(selected.id, patch));
  }

  /** Deletes the selected box when I may; whether it was mine to delete. */
  deleteSelected(): boolean {
    const selected = this.options.selected();
    if (!selected || !this.options.canEdit(selected)) return false;
    this.options.write(() => this.options.study()?.deleteAnnotation(selected.id));
    return true;
  }

  /** Shows the slice (and series) a box is on, selected in the viewer; false when it is not in the stack. */
  async show(box: Annotation): Promise<boolean> {
    const index = await this.#indexOf(box);
    if (index === null) return false;
    await this.options.openSeries(box.seriesInstanceUid, index);
    csAnnotation.selection.setAnnotationSelected(box.id, true);
    return true;
  }

  async #indexOf(box: Annotation): Promise<number | null> {
    const { viewer, openSeries } = this.options;
    if (viewer.series?.seriesUid !== box.seriesInstanceUid) await openSeries(box.seriesInstanceUid);
    if (box.kind === 'box3d') return sliceRangeOf(box.geometry, viewer.images)?.first ?? null;
    const index = viewer.images.findIndex((i) => i.sopInstanceUid === box.sopInstanceUid && i.frame === box.frameIndex + 1);
    return index < 0 ? null : index;
  }
}
