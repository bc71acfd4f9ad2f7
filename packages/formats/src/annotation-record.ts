import { AnnotationSchema, type Annotation } from '@readingroom/model';
import { z } from 'zod';

/**
 * Splits an annotation into what formats write as named fields and the rest (`meta`: createdBy,
 * createdAt, updatedBy, updatedAt, origin, ... and any field the model adds later), so an export
 * that carries `meta` loses nothing. Placement (kind, label, UIDs, frame, geometry) is left out:
 * formats express it in their own terms.
 */
export interface AnnotationParts {
  id: string;
  author: string;
  attributes: Record<string, unknown>;
  sources: unknown;
  meta: Record<string, unknown>;
  /** Geometry fields beyond x, y, width, height and the slice range (e.g. `patientMm`). */
  geometryExtra: Record<string, unknown>;
}

const PLACEMENT_KEYS = new Set(['kind', 'label', 'studyInstanceUid', 'seriesInstanceUid', 'sopInstanceUid', 'frameIndex', 'geometry']);
const NAMED_KEYS = new Set(['id', 'author', 'attributes', 'sources']);
const GEOMETRY_KEYS = new Set(['x', 'y', 'width', 'height', 'firstSliceIndex', 'lastSliceIndex', 'firstSopInstanceUid', 'lastSopInstanceUid']);

export function splitAnnotation(annotation: Annotation): AnnotationParts {
  const record = annotation as unknown as Record<string, unknown>;
  const meta: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!PLACEMENT_KEYS.has(key) && !NAMED_KEYS.has(key) && value !== undefined) meta[key] = value;
  }
  const geometryExtra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(annotation.geometry as unknown as Record<string, unknown>)) {
    if (!GEOMETRY_KEYS.has(key) && value !== undefined) geometryExtra[key] = value;
  }
  return {
    id: annotation.id,
    author: annotation.author,
    attributes: { ...annotation.attributes },
    sources: record['sources'],
    meta,
    geometryExtra,
  };
}

/** What a format recovered about one annotation; missing metadata is filled from the context. */
export interface RecoveredAnnotation {
  id: string;
  label: string;
  author?: string | undefined;
  attributes?: unknown;
  sources?: unknown;
  meta?: unknown;
  geometryExtra?: unknown;
  placement:
    | { kind: 'box2d'; studyInstanceUid: string; seriesInstanceUid: string; sopInstanceUid: string; frameIndex: number }
    | { kind: 'box3d'; studyInstanceUid: string; seriesInstanceUid: string };
  geometry: Record<string, number | string>;
}

const ObjectSchema = z.record(z.string(), z.unknown());

/**
 * Rebuilds a model annotation and validates it with the model's schema. Metadata the file does
 * not carry defaults to: author = the importing reader, created/updated by the author at `now`,
 * not deleted, no attributes. Returns the zod message when the result is not a valid annotation.
 */
export function rebuildAnnotation(
  recovered: RecoveredAnnotation,
  defaults: { readerId: string; now: number },
): { ok: true; annotation: Annotation } | { ok: false; message: string } {
  const meta = ObjectSchema.safeParse(recovered.meta ?? {});
  const geometryExtra = ObjectSchema.safeParse(recovered.geometryExtra ?? {});
  if (!meta.success || !geometryExtra.success) return { ok: false, message: 'metadata is not an object' };
  const author = recovered.author ?? defaults.readerId;
  const candidate: Record<string, unknown> = {
    createdBy: author,
    createdAt: defaults.now,
    updatedBy: author,
    updatedAt: defaults.now,
    deleted: false,
    ...meta.data,
    id: recovered.id,
    label: recovered.label,
    author,
    attributes: recovered.attributes ?? {},
    ...recovered.placement,
    geometry: { ...geometryExtra.data, ...recovered.geometry },
  };
  if (recovered.sources !== undefined) candidate['sources'] = recovered.sources;
  const parsed = AnnotationSchema.safeParse(candidate);
  if (!parsed.success) {
    return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.') || '(annotation)'}: ${i.message}`).join('; ') };
  }
  return { ok: true, annotation: parsed.data };
}
