import { z } from 'zod';

/** A DICOM UID: dot-separated decimal components, at most 64 characters (PS3.5 §9.1). */
export const DicomUidSchema = z
  .string()
  .max(64)
  .regex(/^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/, 'expected a DICOM UID (digits and dots)');

/** An opaque user (or model) identifier issued by the authentication layer. */
export const UserIdSchema = z.string().min(1).max(256);

/** Every timestamp in the document: integer milliseconds since the Unix epoch (UTC). */
export const EpochMsSchema = z.number().int().nonnegative().max(8.64e15);

/** Identifier of an annotation or comment; `crypto.randomUUID()` in practice. */
export const EntityIdSchema = z.string().min(1).max(128);

/** A finite number (rejects NaN and ±Infinity, which JSON cannot carry anyway). */
export const FiniteSchema = z.number().refine(Number.isFinite, 'expected a finite number');

/** A strictly positive finite number. */
export const PositiveSchema = FiniteSchema.refine((n) => n > 0, 'expected a number > 0');

/** A 0-based integer index. */
export const IndexSchema = z.number().int().nonnegative();
