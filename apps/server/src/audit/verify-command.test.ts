import { describe, expect, it } from 'vitest';
import { reportVerification } from './verify-command';

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
};

describe('readingroom audit verify output', () => {
  it('says the log is intact with its entry count and head, and exits 0', () => {
    const c = capture();
    expect(reportVerification({ ok: true, entries: 12, head: { seq: 12, hash: 'ab'.repeat(32) } }, c.io)).toBe(0);
    expect(c.out.join('')).toBe(`audit log intact: 12 entries\nhead: seq 12 sha256 ${'ab'.repeat(32)}\n`);
    expect(c.err).toEqual([]);
  });

  it('names the first broken seq and why, and exits 1', () => {
    const c = capture();
    const code = reportVerification({ ok: false, entries: 4, seq: 5, problem: 'hash-mismatch', message: 'the hash of seq 5 does not match its content: the row was edited' }, c.io);
    expect(code).toBe(1);
    expect(c.err.join('')).toBe('audit log broken at seq 5: the hash of seq 5 does not match its content: the row was edited [hash-mismatch]\n4 entries before it verified\n');
    const d = capture();
    expect(reportVerification({ ok: false, entries: 3, seq: null, problem: 'head-missing', message: 'audit.head is missing' }, d.io)).toBe(1);
    expect(d.err[0]).toBe('audit log broken: audit.head is missing [head-missing]\n');
  });
});
