import { safeFileStem } from '../file-names';
import type { ImageBox, PreparedExport } from '../prepare-export';
import { FormatInputError, type LabelFile } from '../types';
import { yoloNumbers } from './yolo-numbers';

export const YOLO_DIR = 'yolo';
export const YOLO_CLASSES_FILE = `${YOLO_DIR}/classes.txt`;
export const YOLO_IMAGES_FILE = `${YOLO_DIR}/images.txt`;
export const YOLO_EXCLUDED_FILE = `${YOLO_DIR}/excluded.txt`;

/** Path of an image's label file: `yolo/labels/<safeFileStem(imageId)>.txt`. */
export function yoloLabelPath(imageId: string): string {
  return `${YOLO_DIR}/labels/${safeFileStem(imageId)}.txt`;
}

/**
 * YOLO detection labels. `labels/<stem>.txt` holds one line `class cx cy w h` per box (class =
 * taxonomy position, the rest normalised by the image's columns and rows, see `yoloNumbers`).
 * A label file is written only for an image with boxes or whose review outcome is `no_finding`
 * (an empty file: a true negative); images that were not reviewed or are excluded get none, so
 * they are not mistaken for negatives. `images.txt` lists the images to train on
 * (`./images/<stem>.png`, excluded images left out), `excluded.txt` the excluded ones
 * (`<stem>` TAB JSON-quoted reason), `classes.txt` the taxonomy in class order.
 */
export function exportYolo(prepared: PreparedExport): LabelFile[] {
  const { input } = prepared;
  const bad = input.taxonomy.find((label) => /[\r\n]/.test(label));
  if (bad !== undefined) throw new FormatInputError([`taxonomy label ${JSON.stringify(bad)} has a line break (classes.txt is one name per line)`]);

  const perImage = new Map<string, ImageBox[]>();
  for (const box of prepared.boxes) perImage.set(box.image.imageId, [...(perImage.get(box.image.imageId) ?? []), box]);

  const files: LabelFile[] = [{ path: YOLO_CLASSES_FILE, content: input.taxonomy.map((label) => `${label}\n`).join('') }];
  const train: string[] = [];
  const excluded: string[] = [];
  for (const image of input.images) {
    const boxes = perImage.get(image.imageId) ?? [];
    const state = prepared.stateOf(image);
    const stem = safeFileStem(image.imageId);
    if (boxes.length > 0 || state?.status === 'no_finding') {
      const lines = boxes.map((box) => `${box.classId} ${yoloNumbers(box.rect, image.columns, image.rows).join(' ')}\n`);
      files.push({ path: yoloLabelPath(image.imageId), content: lines.join('') });
    }
    if (state?.status === 'excluded_poor_quality') excluded.push(`${stem}\t${JSON.stringify(state.reason ?? '')}\n`);
    else if (boxes.length > 0 || state?.status === 'no_finding') train.push(`./images/${stem}.png\n`);
  }
  files.push({ path: YOLO_IMAGES_FILE, content: train.join('') });
  files.push({ path: YOLO_EXCLUDED_FILE, content: excluded.join('') });
  for (const entry of prepared.annotations) {
    if (entry.kind === 'box3d') {
      prepared.warnings.push({ item: entry.annotation.id, message: 'YOLO has no 3D boxes: written as one 2D box per slice' });
    }
  }
  return files;
}
