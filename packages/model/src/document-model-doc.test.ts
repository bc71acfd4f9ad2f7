import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readAnnotation, readAnnotations, readStudyState } from './read';
import { StudyDocument } from './study-document';
import { validateDocument } from './validate';

// Runs the code blocks of docs/document-model.md verbatim (minus the `yjs` import), so the
// documented way for third parties to write annotations cannot drift from the schema.

const markdown = readFileSync(new URL('../../../docs/document-model.md', import.meta.url), 'utf8');

function example(name: string): string {
  const match = new RegExp(`<!-- example:${name} -->\\s*\`\`\`js\\n([\\s\\S]*?)\`\`\``).exec(markdown);
  if (match?.[1] === undefined) throw new Error(`docs/document-model.md has no example:${name}`);
  return match[1];
}

const IMPORT = "import * as Y from 'yjs';\n";

describe('docs/document-model.md', () => {
  it('its plain-yjs example writes a box that validates and reads back', () => {
    const writeBox = example('write-box');
    expect(writeBox.startsWith(IMPORT)).toBe(true);
    const run = new Function('Y', `${writeBox.slice(IMPORT.length)}\nreturn { doc, id, origin };`) as (
      y: typeof Y,
    ) => { doc: Y.Doc; id: string; origin: string };
    const { doc, id, origin } = run(Y);

    expect(validateDocument(doc)).toEqual([]);
    expect(readAnnotations(doc)).toEqual([
      expect.objectContaining({ id, kind: 'box2d', label: 'nodule', author: 'model:lung-nodule-v3', attributes: { confidence: 4, note: 'model score 0.91' } }),
    ]);

    // A reader's session can then edit the service's box like any other.
    const session = new StudyDocument(doc, { userId: 'reader-1' });
    session.setLabel(id, 'mass');
    expect(session.getAnnotation(id)).toMatchObject({ label: 'mass', updatedBy: 'reader-1', createdBy: 'svc-preannotator' });

    new Function('doc', 'id', 'origin', example('soft-delete'))(doc, id, origin);
    expect(validateDocument(doc)).toEqual([]);
    expect(readAnnotations(doc)).toEqual([]);
    expect(session.restoreAnnotation(id)).toBe(true);
    expect(session.listAnnotations()).toHaveLength(1);
  });

  it('its consensus example writes a box with sources and origin and a vote, all valid', () => {
    const writeBox = example('write-box');
    const run = new Function('Y', `${writeBox.slice(IMPORT.length)}\n${example('consensus')}\nreturn { doc, consensusId };`) as (
      y: typeof Y,
    ) => { doc: Y.Doc; consensusId: string };
    const { doc, consensusId } = run(Y);

    expect(validateDocument(doc)).toEqual([]);
    expect(readAnnotation(doc, consensusId)).toMatchObject({
      author: 'adjudicator-1',
      origin: 'fused',
      sources: [
        { readerId: 'reader-1', annotationId: 'a1b2' },
        { readerId: 'reader-2', annotationId: 'c3d4' },
      ],
    });
    expect(readStudyState(doc).votes).toEqual([{ annotationId: consensusId, userId: 'reviewer-1', vote: 'agree', at: expect.any(Number) }]);
  });
});
