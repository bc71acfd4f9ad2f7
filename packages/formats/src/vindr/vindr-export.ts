import { csvLine } from '../csv';
import { add, decimalOf, formatDecimal } from '../decimal';
import type { PreparedExport } from '../prepare-export';
import { FormatInputError, type LabelFile } from '../types';

export const VINDR_FILE = 'annotations.csv';
export const VINDR_HEADER = ['image_id', 'class_name', 'class_id', 'rad_id', 'x_min', 'y_min', 'x_max', 'y_max'] as const;
/** The class name of rows that record a reviewed, normal image (as in VinDr-CXR). */
export const NO_FINDING = 'No finding';

/**
 * CSV in the VinDr-CXR layout: `image_id,class_name,class_id,rad_id,x_min,y_min,x_max,y_max`,
 * one row per box (3D boxes one row per slice), class_id = taxonomy position, rad_id = the
 * read's reader id (or `consensus`). An image whose review outcome is `no_finding` gets one
 * row `No finding` with class_id = the taxonomy's length (14 for VinDr's 14 findings) and empty
 * coordinates. x_max = x_min + width is written as the exact decimal sum, so the import recovers
 * the width exactly. Exclusions, ids, authors and attributes have no column and are not written.
 */
export function exportVindrCsv(prepared: PreparedExport): LabelFile[] {
  const { input } = prepared;
  if (input.taxonomy.includes(NO_FINDING)) {
    throw new FormatInputError([`the taxonomy has a label ${JSON.stringify(NO_FINDING)}, which the CSV layout reserves for normal images`]);
  }
  const noFindingId = String(input.taxonomy.length);
  let text = csvLine(VINDR_HEADER);
  const perImage = new Map<string, typeof prepared.boxes>();
  for (const box of prepared.boxes) perImage.set(box.image.imageId, [...(perImage.get(box.image.imageId) ?? []), box]);
  for (const image of input.images) {
    for (const box of perImage.get(image.imageId) ?? []) {
      const { x, y, width, height } = box.rect;
      const xMin = decimalOf(x);
      const yMin = decimalOf(y);
      text += csvLine([
        image.imageId,
        box.annotation.label,
        String(box.classId),
        input.readerId,
        formatDecimal(xMin),
        formatDecimal(yMin),
        formatDecimal(add(xMin, decimalOf(width))),
        formatDecimal(add(yMin, decimalOf(height))),
      ]);
    }
    const state = prepared.stateOf(image);
    if (state?.status === 'no_finding') text += csvLine([image.imageId, NO_FINDING, noFindingId, input.readerId, '', '', '', '']);
    if (state?.status === 'excluded_poor_quality') {
      prepared.warnings.push({ item: image.imageId, message: 'the CSV layout cannot record an exclusion; the image has no "No finding" row' });
    }
  }
  return [{ path: VINDR_FILE, content: text }];
}
