// The README's "Permission matrix" table must say exactly what `PERMISSIONS` says, so the
// documentation cannot drift from the code that enforces it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACTIONS, PERMISSIONS, ROLES, type Action, type Role } from './permissions';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

interface ParsedMatrix {
  readonly roles: string[];
  readonly rows: Map<string, { cells: string[]; where: string }>;
}

const cellsOf = (line: string): string[] =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());

/** Reads the first table under `## Permission matrix`: header `action | <roles…> | enforced at`. */
function parseMatrix(markdown: string): ParsedMatrix {
  const start = markdown.indexOf('\n## Permission matrix\n');
  if (start < 0) throw new Error('README has no "## Permission matrix" section');
  const next = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, next < 0 ? undefined : next);
  const lines = section.split('\n').filter((l) => l.trim().startsWith('|'));
  const [header, separator, ...body] = lines;
  if (!header || !separator) throw new Error('the Permission matrix section has no table');
  const head = cellsOf(header);
  if (head[0] !== 'action' || head.at(-1) !== 'enforced at') throw new Error(`unexpected header: ${header}`);
  const roles = head.slice(1, -1);
  const rows = new Map<string, { cells: string[]; where: string }>();
  for (const line of body) {
    const cells = cellsOf(line);
    const action = cells[0]!.replace(/`/g, '');
    if (rows.has(action)) throw new Error(`action ${action} appears twice`);
    rows.set(action, { cells: cells.slice(1, -1), where: cells.at(-1) ?? '' });
  }
  return { roles, rows };
}

/** The table as role → allowed actions; throws on any cell that is not ✓ or —. */
function allowedByTable(m: ParsedMatrix): Record<string, string[]> {
  const out: Record<string, string[]> = Object.fromEntries(m.roles.map((r) => [r, []]));
  for (const [action, { cells }] of m.rows) {
    if (cells.length !== m.roles.length) throw new Error(`row ${action} has ${cells.length} role cells, expected ${m.roles.length}`);
    cells.forEach((cell, i) => {
      if (cell !== '✓' && cell !== '—') throw new Error(`row ${action}, column ${m.roles[i]}: "${cell}" is neither ✓ nor —`);
      if (cell === '✓') out[m.roles[i]!]!.push(action);
    });
  }
  return out;
}

const fromCode = (): Record<string, string[]> =>
  Object.fromEntries(ROLES.map((r: Role) => [r, ACTIONS.filter((a: Action) => PERMISSIONS[r].has(a))]));

describe('README permission matrix', () => {
  const matrix = parseMatrix(readFileSync(README, 'utf8'));

  it('has one column per role and one row per action, in the order the code declares them', () => {
    expect(matrix.roles).toEqual([...ROLES]);
    expect([...matrix.rows.keys()]).toEqual([...ACTIONS]);
  });

  it('marks exactly the actions PERMISSIONS grants each role (✓) and nothing else (—)', () => {
    expect(allowedByTable(matrix)).toEqual(fromCode());
  });

  it('says for every action where it is enforced', () => {
    for (const [action, { where }] of matrix.rows) expect(where.length, action).toBeGreaterThan(5);
  });

  it('notices a flipped cell (the parser is not vacuous)', () => {
    const text = readFileSync(README, 'utf8').replace(/^(\| `view-audit` \| ✓ \| )—/m, '$1✓');
    expect(allowedByTable(parseMatrix(text))).not.toEqual(fromCode());
  });
});
