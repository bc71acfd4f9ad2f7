import { TAG, firstString, numbers, type DicomJson } from './dicom-json';

/** One image of a stack: its cornerstone imageId and the metadata to register for it. */
export interface StackImage {
  readonly imageId: string;
  readonly sopInstanceUid: string;
  readonly frame: number;
  readonly metadata: DicomJson;
  /** Position along the slice normal, mm (0 when the geometry is missing). */
  readonly position: number;
  readonly columns: number;
  readonly rows: number;
}

/**
 * Builds the `wadors:` imageIds of a series from its WADO-RS metadata, ordered by position
 * along the slice normal (ascending; InstanceNumber when the geometry is missing). Multi-frame
 * instances give one image per frame. Pure: no cornerstone, no network.
 */
export function buildStack(seriesUrl: string, instances: readonly DicomJson[]): StackImage[] {
  const ordered = instances
    .map((metadata) => ({ metadata, key: sortKey(metadata) }))
    .sort((a, b) => a.key.position - b.key.position || a.key.instanceNumber - b.key.instanceNumber);
  const images: StackImage[] = [];
  for (const { metadata, key } of ordered) {
    const sopInstanceUid = firstString(metadata, TAG.SOPInstanceUID);
    if (!sopInstanceUid) continue;
    const frames = Math.max(1, numbers(metadata, TAG.NumberOfFrames)[0] ?? 1);
    const cleaned = withoutUnusableWindow(metadata);
    for (let frame = 1; frame <= frames; frame++) {
      images.push({
        imageId: `wadors:${seriesUrl}/instances/${encodeURIComponent(sopInstanceUid)}/frames/${frame}`,
        sopInstanceUid,
        frame,
        metadata: cleaned,
        position: key.position,
        columns: numbers(metadata, TAG.Columns)[0] ?? 0,
        rows: numbers(metadata, TAG.Rows)[0] ?? 0,
      });
    }
  }
  return images;
}

function sortKey(metadata: DicomJson): { position: number; instanceNumber: number } {
  const instanceNumber = numbers(metadata, TAG.InstanceNumber)[0] ?? 0;
  const position = numbers(metadata, TAG.ImagePositionPatient);
  const orientation = numbers(metadata, TAG.ImageOrientationPatient);
  if (position.length !== 3 || orientation.length !== 6) return { position: 0, instanceNumber };
  const [r0, r1, r2, c0, c1, c2] = orientation as [number, number, number, number, number, number];
  const normal = [r1 * c2 - r2 * c1, r2 * c0 - r0 * c2, r0 * c1 - r1 * c0] as const;
  return { position: position[0]! * normal[0] + position[1]! * normal[1] + position[2]! * normal[2], instanceNumber };
}

/**
 * A window width of 0 (or less) is invalid but common (e.g. some MR exports); cornerstone
 * renders it black or inverted. Dropping the window lets it compute one from the pixel range.
 */
export function withoutUnusableWindow(metadata: DicomJson): DicomJson {
  const widths = numbers(metadata, TAG.WindowWidth);
  if (!(TAG.WindowWidth in metadata) || (widths.length > 0 && widths.every((w) => w > 0))) return metadata;
  const copy = { ...metadata };
  delete copy[TAG.WindowWidth];
  delete copy[TAG.WindowCenter];
  delete copy[TAG.WindowExplanation];
  return copy;
}
