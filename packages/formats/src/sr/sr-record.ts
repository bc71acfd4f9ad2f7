import { z } from 'zod';

/**
 * The JSON kept in each measurement group's `99RR RRREC` TEXT item: everything about the
 * annotation that the SR's coded content cannot hold exactly (64-bit coordinates, id, author,
 * attributes, sources, timestamps). An import uses it only when it agrees with the SR content.
 */
export const AnnotationRecordSchema = z.looseObject({
  type: z.literal('annotation'),
  version: z.literal(1),
  id: z.string(),
  kind: z.enum(['box2d', 'box3d']),
  label: z.string(),
  author: z.string(),
  attributes: z.record(z.string(), z.unknown()),
  sources: z.unknown().optional(),
  meta: z.record(z.string(), z.unknown()),
  geometryExtra: z.record(z.string(), z.unknown()).optional(),
  studyInstanceUid: z.string(),
  seriesInstanceUid: z.string(),
  sopInstanceUid: z.string().optional(),
  frameIndex: z.number().int().nonnegative().optional(),
  geometry: z.looseObject({
    x: z.number(),
    y: z.number(),
    width: z.number(),
    height: z.number(),
    firstSliceIndex: z.number().int().nonnegative().optional(),
    lastSliceIndex: z.number().int().nonnegative().optional(),
    firstSopInstanceUid: z.string().optional(),
    lastSopInstanceUid: z.string().optional(),
  }),
});
export type AnnotationRecord = z.infer<typeof AnnotationRecordSchema>;

/** The JSON of an image review outcome's `99RR RRREC` item: who set it and when. */
export const StateRecordSchema = z.looseObject({
  type: z.literal('image-state'),
  version: z.literal(1),
  setBy: z.string(),
  setAt: z.number(),
});
export type StateRecord = z.infer<typeof StateRecordSchema>;

export function parseJsonRecord<T>(schema: z.ZodType<T>, text: string | undefined): T | null {
  if (text === undefined) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
