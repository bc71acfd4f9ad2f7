import { z } from 'zod';
import { rebuildAnnotation } from '../annotation-record';
import { parseDecimal } from '../decimal';
import { baseName, imageIdOfStem, stemOf } from '../file-names';
import type { ImportSession } from '../import-session';
import { deterministicId } from '../uid';
import type { LabelFile } from '../types';
import { pixelRectOf } from './yolo-numbers';

const YoloLineSchema = z.tuple([
  z.string().regex(/^\d+$/, 'class id must be a non-negative integer'),
  z.string(),
  z.string(),
  z.string(),
  z.string(),
]);

const textOf = (file: LabelFile) => (typeof file.content === 'string' ? file.content : new TextDecoder().decode(file.content));
const linesOf = (text: string) => text.split(/\r?\n/);

/**
 * Reads a YOLO export: `classes.txt` (optional; class names in id order, otherwise the
 * taxonomy's order is assumed), label files `<stem>.txt` under a `labels/` folder, and
 * `excluded.txt`. An image is found by its label file's stem (see `safeFileStem`). An empty
 * label file marks the image `no_finding`. YOLO carries no ids, authors or attributes: they come
 * from the context (ids derived from file and line), and 3D boxes come back as 2D boxes.
 */
export function importYolo(session: ImportSession, files: readonly LabelFile[]): void {
  const classesFile = files.find((f) => baseName(f.path) === 'classes.txt');
  const names = classesFile ? linesOf(textOf(classesFile)).filter((line) => line !== '') : [...session.context.taxonomy];

  for (const file of files) {
    if (!/(^|\/)labels\/[^/]+\.txt$/.test(file.path)) continue;
    const imageId = imageIdOfStem(stemOf(file.path));
    const image = imageId === null ? undefined : session.index.byId(imageId);
    if (image === undefined) {
      session.skip(file.path, 'unknown-image', `no image ${JSON.stringify(imageId ?? stemOf(file.path))} in the image list`);
      continue;
    }
    const lines = linesOf(textOf(file));
    if (lines.every((line) => line.trim() === '')) {
      session.addState(file.path, session.imageState(image, 'no_finding'));
      continue;
    }
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const item = `${file.path}:${i + 1}`;
      const tokens = YoloLineSchema.safeParse(line.trim().split(/\s+/));
      if (!tokens.success) return session.skip(item, 'malformed', 'expected `class cx cy w h`');
      const [classToken, ...numberTokens] = tokens.data;
      const label = names[Number(classToken)];
      if (label === undefined || session.classId(label) === undefined) {
        return session.skip(item, 'unknown-class', `class ${classToken} (${JSON.stringify(label ?? null)}) is not in the taxonomy`);
      }
      const [cx, cy, w, h] = numberTokens.map(parseDecimal);
      if (!cx || !cy || !w || !h) return session.skip(item, 'malformed', 'a coordinate is not a number');
      const read = pixelRectOf({ cx, cy, w, h }, image.columns, image.rows);
      if (!read.positive) return session.skip(item, 'malformed', 'width and height must be > 0');
      if (!read.inside) return session.skip(item, 'box-outside-image', `the box leaves the ${image.columns}×${image.rows} image ${image.imageId}`);
      const rebuilt = rebuildAnnotation(
        {
          id: deterministicId('yolo', file.path, String(i + 1)),
          label,
          placement: {
            kind: 'box2d',
            studyInstanceUid: image.studyInstanceUid,
            seriesInstanceUid: image.seriesInstanceUid,
            sopInstanceUid: image.sopInstanceUid,
            frameIndex: image.frameIndex,
          },
          geometry: { ...read.rect },
        },
        session.context,
      );
      if (rebuilt.ok) session.addAnnotation(item, rebuilt.annotation);
      else session.skip(item, 'malformed', rebuilt.message);
    });
  }

  const excluded = files.find((f) => baseName(f.path) === 'excluded.txt');
  if (excluded) {
    linesOf(textOf(excluded)).forEach((line, i) => {
      if (line.trim() === '') return;
      const item = `${excluded.path}:${i + 1}`;
      const [stem = '', reasonJson = ''] = line.split('\t');
      const imageId = imageIdOfStem(stem);
      const image = imageId === null ? undefined : session.index.byId(imageId);
      if (image === undefined) return session.skip(item, 'unknown-image', `no image ${JSON.stringify(stem)} in the image list`);
      const reason = z.string().min(1).safeParse(safeJson(reasonJson));
      session.addState(item, session.imageState(image, 'excluded_poor_quality', reason.success ? reason.data : 'excluded (no reason given)'));
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
