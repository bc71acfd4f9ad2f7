import type { z } from 'zod';

/** Reasons a `StudyDocument` call is refused. */
export const STUDY_ERROR_CODES = ['invalid-input', 'not-found', 'unsupported-schema-version'] as const;
export type StudyErrorCode = (typeof STUDY_ERROR_CODES)[number];

/** Thrown by `StudyDocument` before anything is written; the document is left unchanged. */
export class StudyDocumentError extends Error {
  override readonly name = 'StudyDocumentError';
  constructor(
    readonly code: StudyErrorCode,
    message: string,
    readonly issues: readonly z.core.$ZodIssue[] = [],
  ) {
    super(message);
  }
}

/** Parses `value` with `schema`, throwing a `StudyDocumentError('invalid-input')` on failure. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new StudyDocumentError('invalid-input', `invalid ${what}: ${detail}`, parsed.error.issues);
  }
  return parsed.data;
}
