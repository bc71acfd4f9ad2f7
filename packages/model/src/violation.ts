/** Machine-readable kinds of invariant violation found in a study document. */
export const VIOLATION_CODES = [
  'schema-version',
  'missing-field',
  'wrong-type',
  'invalid-value',
  'key-mismatch',
  'dangling-reference',
  'label-not-in-taxonomy',
] as const;
export type ViolationCode = (typeof VIOLATION_CODES)[number];

/** One broken invariant, located by a path from the root type (`['annotations', id, 'label']`). */
export interface Violation {
  code: ViolationCode;
  path: (string | number)[];
  message: string;
}
