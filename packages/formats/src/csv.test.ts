import { describe, expect, it } from 'vitest';
import { csvLine, parseCsv } from './csv';

describe('RFC 4180 CSV', () => {
  it('quotes only fields with commas, quotes or line breaks, doubling quotes, with CRLF line ends', () => {
    expect(csvLine(['a', 'b c', 'd,e', 'say "hi"', 'two\nlines', ''])).toBe('a,b c,"d,e","say ""hi""","two\nlines",\r\n');
  });

  it('reads back what it writes, including empty fields and embedded line breaks', () => {
    const rows = [
      ['image_id', 'class_name'],
      ['x', 'consolidation, "patchy"'],
      ['', 'multi\r\nline'],
      [',', '""'],
    ];
    const parsed = parseCsv(rows.map(csvLine).join(''));
    expect(parsed).toEqual({ ok: true, records: [
      { line: 1, fields: rows[0] },
      { line: 2, fields: rows[1] },
      { line: 3, fields: rows[2] },
      { line: 5, fields: rows[3] },
    ] });
  });

  it('accepts LF line ends, a byte order mark and a missing final line end, and drops blank lines', () => {
    const parsed = parseCsv('\uFEFFa,b\n\n1,2');
    expect(parsed).toEqual({ ok: true, records: [{ line: 1, fields: ['a', 'b'] }, { line: 3, fields: ['1', '2'] }] });
  });

  it('rejects a quote inside an unquoted field and an unterminated quoted field', () => {
    expect(parseCsv('a,b"c\r\n')).toMatchObject({ ok: false, line: 1 });
    expect(parseCsv('a\r\n"open,\r\n')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv('"x"y\r\n')).toMatchObject({ ok: false });
  });
});
