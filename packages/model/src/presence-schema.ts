import { z } from 'zod';
import { DicomUidSchema, FiniteSchema, IndexSchema, PositiveSchema } from './primitives';

const ShortTextSchema = z.string().max(256);
/** A CSS-like colour: `#rgb`/`#rrggbb`(`aa`) or a plain colour name. */
const ColorSchema = z.string().regex(/^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{1,32})$/, 'expected #rrggbb or a colour name');

/** Where a user's pointer is: image pixel coordinates on one image (frame). */
export const PresenceCursorSchema = z.strictObject({
  x: FiniteSchema,
  y: FiniteSchema,
  sopInstanceUid: DicomUidSchema.optional(),
  frameIndex: IndexSchema.optional(),
});

/** What a user is looking at. */
export const PresenceViewportSchema = z.strictObject({
  studyInstanceUid: DicomUidSchema.optional(),
  seriesInstanceUid: DicomUidSchema.optional(),
  sopInstanceUid: DicomUidSchema.optional(),
  sliceIndex: IndexSchema.optional(),
  frameIndex: IndexSchema.optional(),
  zoom: PositiveSchema.optional(),
  pan: z.tuple([FiniteSchema, FiniteSchema]).optional(),
  windowCenter: FiniteSchema.optional(),
  windowWidth: FiniteSchema.optional(),
});

/**
 * An awareness (presence) state: who is here, where they point and what they look at — and
 * nothing else. Small, flat and closed (unknown keys are refused), so presence cannot be used to
 * pass document-like data around the permission checks. The server holds read-only users to it.
 */
export const PresenceStateSchema = z.strictObject({
  user: z
    .union([ShortTextSchema, z.strictObject({ id: ShortTextSchema.optional(), name: ShortTextSchema.optional(), color: ColorSchema.optional() })])
    .optional(),
  name: ShortTextSchema.optional(),
  color: ColorSchema.optional(),
  cursor: PresenceCursorSchema.nullable().optional(),
  viewport: PresenceViewportSchema.optional(),
  slice: IndexSchema.optional(),
  series: DicomUidSchema.optional(),
});

export type PresenceState = z.infer<typeof PresenceStateSchema>;
