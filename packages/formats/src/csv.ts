/** RFC 4180 CSV: CRLF line ends; fields with a comma, quote, CR or LF are quoted, quotes doubled. */

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** A parsed record with the 1-based line on which it starts. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export type CsvParse = { ok: true; records: CsvRecord[] } | { ok: false; line: number; message: string };

/**
 * Parses RFC 4180 text (CRLF or LF line ends, a final line end optional, a UTF-8 byte order mark
 * ignored). Quoted fields may hold commas, quotes (doubled) and line breaks. Blank lines are
 * dropped. Fails on a quote inside an unquoted field or an unterminated quoted field.
 */
export function parseCsv(text: string): CsvParse {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quotedField = false;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !quotedField)) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    quotedField = false;
  };
  while (i < input.length) {
    const ch = input[i]!;
    if (ch === '"') {
      if (field !== '' || quotedField) return { ok: false, line, message: 'a quote inside an unquoted field' };
      quotedField = true;
      i++;
      for (;;) {
        if (i >= input.length) return { ok: false, line: recordLine, message: 'an unterminated quoted field' };
        const c = input[i]!;
        if (c === '"') {
          if (input[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        field += c;
        i++;
      }
      const next = input[i];
      if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
        return { ok: false, line, message: 'text after a closing quote' };
      }
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
      quotedField = false;
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && input[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    if (quotedField) return { ok: false, line, message: 'text after a closing quote' };
    field += ch;
    i++;
  }
  if (field !== '' || fields.length > 0 || quotedField) endRecord();
  return { ok: true, records };
}
