import type * as Y from 'yjs';
import type { z } from 'zod';
import { type Annotation, AnnotationSchema } from './annotation-schema';
import { RejectionSchema, rejectionKey, VoteSchema, voteKey } from './consensus-schema';
import { getRoots, imageStateKey, ROOT, SCHEMA_VERSION } from './layout';
import { plainAnnotation } from './read';
import { CommentSchema, ImageStateSchema } from './study-state-schema';
import type { Violation } from './violation';

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function fromZod(base: (string | number)[], input: unknown, error: z.ZodError): Violation[] {
  return error.issues.map((issue) => ({
    code:
      issue.code !== 'invalid_type'
        ? 'invalid-value'
        : valueAt(input, issue.path) === undefined
          ? 'missing-field'
          : 'wrong-type',
    path: [...base, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: issue.message,
  }));
}

/** Options of `validateAnnotation`. */
export interface AnnotationRules {
  /** The project's taxonomy: allowed label names. Omitted: any non-empty label is accepted. */
  labels?: ReadonlySet<string> | readonly string[];
}

/**
 * Checks one annotation (any value, e.g. from an import or a pre-annotation service) against the
 * schema and, when given, the project taxonomy. Returns the violations; empty means valid.
 */
export function validateAnnotation(annotation: unknown, rules: AnnotationRules = {}): Violation[] {
  return checkAnnotation(annotation, rules).violations;
}

/**
 * Like `validateAnnotation`, also returning the parsed annotation when it is valid (one parse),
 * and `parsed`, the schema's output whether or not the label is in the taxonomy.
 */
export function checkAnnotation(
  annotation: unknown,
  rules: AnnotationRules = {},
): { violations: Violation[]; annotation: Annotation | null; parsed: Annotation | null } {
  const parsed = AnnotationSchema.safeParse(annotation);
  if (!parsed.success) return { violations: fromZod([], annotation, parsed.error), annotation: null, parsed: null };
  const violations = checkTaxonomy(parsed.data, rules, []);
  return { violations, annotation: violations.length === 0 ? parsed.data : null, parsed: parsed.data };
}

function checkTaxonomy(annotation: Annotation, rules: AnnotationRules, base: (string | number)[]): Violation[] {
  if (rules.labels === undefined) return [];
  const allowed = rules.labels instanceof Set ? rules.labels : new Set(rules.labels);
  if (allowed.has(annotation.label)) return [];
  return [
    {
      code: 'label-not-in-taxonomy',
      path: [...base, 'label'],
      message: `label ${JSON.stringify(annotation.label)} is not in the project taxonomy`,
    },
  ];
}

/**
 * Checks every invariant of a study document: schema version, the type of every stored value,
 * every annotation, image state, comment, rejection and vote against its schema, map keys that
 * must equal the stored id (or the key derived from the value), and comments and votes pointing
 * at missing annotations. Returns all violations found.
 */
export function validateDocument(doc: Y.Doc, rules: AnnotationRules = {}): Violation[] {
  const roots = getRoots(doc);
  const violations: Violation[] = [];

  const version = roots.meta.get('schemaVersion');
  const empty = roots.annotations.size + roots.imageStates.size + roots.comments.size + roots.rejections.size + roots.votes.size === 0;
  // An untouched document may lack the version; the first write through the API records it.
  if (version !== SCHEMA_VERSION && !(version === undefined && empty)) {
    violations.push({
      code: 'schema-version',
      path: [ROOT.meta, 'schemaVersion'],
      message: `expected schemaVersion ${SCHEMA_VERSION}, found ${JSON.stringify(version)}`,
    });
  }

  for (const [id, entry] of roots.annotations.entries()) {
    const base = [ROOT.annotations, id];
    const plain = plainAnnotation(id, entry);
    violations.push(...plain.problems);
    if (plain.value === undefined) continue;
    const parsed = AnnotationSchema.safeParse(plain.value);
    if (!parsed.success) {
      violations.push(...fromZod(base, plain.value, parsed.error));
      continue;
    }
    if (parsed.data.id !== id) {
      violations.push({ code: 'key-mismatch', path: [...base, 'id'], message: 'the map key must equal the annotation id' });
    }
    violations.push(...checkTaxonomy(parsed.data, rules, base));
  }

  for (const [key, entry] of roots.imageStates.entries()) {
    const base = [ROOT.imageStates, key];
    const parsed = ImageStateSchema.safeParse(entry);
    if (!parsed.success) {
      violations.push(...fromZod(base, entry, parsed.error));
    } else if (imageStateKey(parsed.data) !== key) {
      violations.push({ code: 'key-mismatch', path: base, message: `expected key ${imageStateKey(parsed.data)}` });
    }
  }

  for (const [key, entry] of roots.comments.entries()) {
    const base = [ROOT.comments, key];
    const parsed = CommentSchema.safeParse(entry);
    if (!parsed.success) {
      violations.push(...fromZod(base, entry, parsed.error));
      continue;
    }
    if (parsed.data.id !== key) {
      violations.push({ code: 'key-mismatch', path: [...base, 'id'], message: 'the map key must equal the comment id' });
    }
    const target = parsed.data.target;
    if (target.type === 'annotation' && !roots.annotations.has(target.annotationId)) {
      violations.push({
        code: 'dangling-reference',
        path: [...base, 'target', 'annotationId'],
        message: `no annotation ${JSON.stringify(target.annotationId)}`,
      });
    }
  }

  for (const [key, entry] of roots.rejections.entries()) {
    const base = [ROOT.rejections, key];
    const parsed = RejectionSchema.safeParse(entry);
    if (!parsed.success) violations.push(...fromZod(base, entry, parsed.error));
    else if (rejectionKey(parsed.data) !== key) {
      violations.push({ code: 'key-mismatch', path: base, message: `expected key ${rejectionKey(parsed.data)}` });
    }
  }

  for (const [key, entry] of roots.votes.entries()) {
    const base = [ROOT.votes, key];
    const parsed = VoteSchema.safeParse(entry);
    if (!parsed.success) {
      violations.push(...fromZod(base, entry, parsed.error));
      continue;
    }
    if (voteKey(parsed.data) !== key) violations.push({ code: 'key-mismatch', path: base, message: `expected key ${voteKey(parsed.data)}` });
    if (!roots.annotations.has(parsed.data.annotationId)) {
      violations.push({
        code: 'dangling-reference',
        path: [...base, 'annotationId'],
        message: `no annotation ${JSON.stringify(parsed.data.annotationId)}`,
      });
    }
  }
  return violations;
}
