import { z } from 'zod';
import { rebuildAnnotation } from '../annotation-record';
import { parseCsv } from '../csv';
import { compare, parseDecimal, subtract, toNumber, type Decimal } from '../decimal';
import type { ImportSession } from '../import-session';
import { deterministicId } from '../uid';
import type { LabelFile } from '../types';
import { NO_FINDING, VINDR_HEADER } from './vindr-export';

const RowSchema = z.tuple([
  z.string().min(1, 'image_id is empty'),
  z.string().min(1, 'class_name is empty'),
  z.string().regex(/^\d+$/, 'class_id must be a non-negative integer'),
  z.string(),
  z.string(),
  z.string(),
  z.string(),
  z.string(),
]);

const ZERO: Decimal = { mantissa: 0n, exponent: 0 };
const integer = (n: number): Decimal => ({ mantissa: BigInt(n), exponent: 0 });

/**
 * Reads a VinDr-CXR layout CSV (exact header required). Images are found by `image_id`,
 * classes by `class_name` (a different `class_id` is reported as a warning: the file was made
 * with another class order). `No finding` rows mark the image `no_finding`. Coordinates are
 * read as exact decimals; width = x_max - x_min. `rad_id` becomes the annotation's author.
 */
export function importVindrCsv(session: ImportSession, file: LabelFile): void {
  const text = typeof file.content === 'string' ? file.content : new TextDecoder().decode(file.content);
  const parsed = parseCsv(text);
  if (!parsed.ok) return session.skip(`${file.path}:${parsed.line}`, 'malformed', parsed.message);
  const [header, ...rows] = parsed.records;
  if (header === undefined || header.fields.join(',') !== VINDR_HEADER.join(',')) {
    return session.skip(`${file.path}:1`, 'malformed', `the header must be ${VINDR_HEADER.join(',')}`);
  }
  for (const record of rows) {
    const item = `${file.path}:${record.line}`;
    const row = RowSchema.safeParse(record.fields);
    if (!row.success) {
      session.skip(item, 'malformed', record.fields.length !== 8 ? `expected 8 fields, found ${record.fields.length}` : row.error.issues.map((i) => i.message).join('; '));
      continue;
    }
    const [imageId, className, classId, radId, ...coordinates] = row.data;
    if (!session.fromWantedReader(item, radId)) continue;
    const image = session.index.byId(imageId);
    if (image === undefined) {
      session.skip(item, 'unknown-image', `no image ${JSON.stringify(imageId)} in the image list`);
      continue;
    }
    if (className === NO_FINDING) {
      if (coordinates.some((c) => c !== '')) session.skip(item, 'malformed', 'a "No finding" row must have empty coordinates');
      else session.addState(item, session.imageState(image, 'no_finding', undefined, radId || undefined));
      continue;
    }
    const ourId = session.classId(className);
    if (ourId === undefined) {
      session.skip(item, 'unknown-class', `class ${JSON.stringify(className)} is not in the taxonomy`);
      continue;
    }
    if (Number(classId) !== ourId) session.warn(item, `class_id ${classId} for ${JSON.stringify(className)}; the taxonomy has it at ${ourId}`);
    const [xMin, yMin, xMax, yMax] = coordinates.map(parseDecimal);
    if (!xMin || !yMin || !xMax || !yMax) {
      session.skip(item, 'malformed', 'a coordinate is empty or not a number');
      continue;
    }
    if (compare(xMax, xMin) <= 0 || compare(yMax, yMin) <= 0) {
      session.skip(item, 'malformed', 'x_max and y_max must exceed x_min and y_min');
      continue;
    }
    if (compare(xMin, ZERO) < 0 || compare(yMin, ZERO) < 0 || compare(xMax, integer(image.columns)) > 0 || compare(yMax, integer(image.rows)) > 0) {
      session.skip(item, 'box-outside-image', `the box leaves the ${image.columns}×${image.rows} image ${image.imageId}`);
      continue;
    }
    const rebuilt = rebuildAnnotation(
      {
        id: deterministicId('csv', file.path, String(record.line)),
        label: className,
        author: radId || undefined,
        placement: {
          kind: 'box2d',
          studyInstanceUid: image.studyInstanceUid,
          seriesInstanceUid: image.seriesInstanceUid,
          sopInstanceUid: image.sopInstanceUid,
          frameIndex: image.frameIndex,
        },
        geometry: { x: toNumber(xMin), y: toNumber(yMin), width: toNumber(subtract(xMax, xMin)), height: toNumber(subtract(yMax, yMin)) },
      },
      session.context,
    );
    if (rebuilt.ok) session.addAnnotation(item, rebuilt.annotation);
    else session.skip(item, 'malformed', rebuilt.message);
  }
}
