import { parseContentType } from './content-type';

/** One body part of a multipart message: header names lower-cased, data a view into the body. */
export interface MultipartPart {
  readonly headers: ReadonlyMap<string, string>;
  readonly data: Uint8Array;
}

/** A malformed multipart body or content type (the message never contains body bytes). */
export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;

/** The `boundary` parameter of a `multipart/*` content type (RFC 2046 §5.1.1). */
export function boundaryFromContentType(contentType: string): string {
  const { mediaType, params } = parseContentType(contentType);
  if (!mediaType.startsWith('multipart/')) throw new MultipartError(`not a multipart content type: ${mediaType || '(empty)'}`);
  const boundary = params.get('boundary');
  if (!boundary) throw new MultipartError('multipart content type without a boundary');
  if (boundary.length > 70) throw new MultipartError('multipart boundary longer than 70 characters');
  return boundary;
}

/**
 * Where a delimiter line `--boundary` that starts at `at` ends: returns `{ next, last }` with
 * `next` the index after its line break, or null if the bytes there are not a delimiter (data
 * that merely contains the boundary text), or 'incomplete' if more bytes are needed to decide.
 * Tolerates transport padding and bare-LF line ends, as some servers send them.
 */
export function delimiterEnd(buf: Uint8Array, at: number, dashBoundary: Uint8Array): { next: number; last: boolean } | null | 'incomplete' {
  let i = at;
  for (let k = 0; k < dashBoundary.length; k++, i++) {
    if (i >= buf.length) return 'incomplete';
    if (buf[i] !== dashBoundary[k]) return null;
  }
  if (i + 1 >= buf.length) return 'incomplete';
  if (buf[i] === DASH && buf[i + 1] === DASH) return { next: i + 2, last: true };
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  if (i >= buf.length) return 'incomplete';
  if (buf[i] === LF) return { next: i + 1, last: false };
  if (buf[i] === CR) {
    if (i + 1 >= buf.length) return 'incomplete';
    return buf[i + 1] === LF ? { next: i + 2, last: false } : null;
  }
  return null;
}

/** Index just after the blank line that ends a header block starting at `from`, or -1. */
export function headerBlockEnd(buf: Buffer, from: number): { headersEnd: number; bodyStart: number } | null {
  if (buf[from] === LF) return { headersEnd: from, bodyStart: from + 1 };
  if (buf[from] === CR && buf[from + 1] === LF) return { headersEnd: from, bodyStart: from + 2 };
  const crlf = buf.indexOf('\r\n\r\n', from, 'latin1');
  const lf = buf.indexOf('\n\n', from, 'latin1');
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { headersEnd: crlf, bodyStart: crlf + 4 };
  if (lf !== -1) return { headersEnd: lf, bodyStart: lf + 2 };
  return null;
}

/** Parses part headers (latin1, folded lines joined); names lower-cased, first occurrence wins. */
export function parsePartHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && lines.length > 0) lines[lines.length - 1] += ` ${line.trim()}`;
    else if (line !== '') lines.push(line);
  }
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError('malformed part header line');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

const asBuffer = (data: Uint8Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

/**
 * Parses a complete multipart/related body (RFC 2387) into its parts. Binary-safe: part data
 * is never decoded, and a boundary string inside data only ends the part when a real delimiter
 * line follows. Accepts CRLF (standard) and bare LF line ends. Throws MultipartError on a
 * missing boundary, a truncated body or malformed headers.
 */
export function parseMultipartRelated(body: Uint8Array, contentType: string): MultipartPart[] {
  const buf = asBuffer(body);
  const dashBoundary = Buffer.from(`--${boundaryFromContentType(contentType)}`, 'latin1');
  const needle = Buffer.concat([Buffer.from([LF]), dashBoundary]);

  // The first delimiter may open the body (empty preamble) or follow a preamble line.
  let start: number;
  let found = delimiterEnd(buf, 0, dashBoundary);
  if (found !== null && found !== 'incomplete') start = 0;
  else {
    start = -1;
    for (let at = buf.indexOf(needle); at !== -1; at = buf.indexOf(needle, at + 1)) {
      found = delimiterEnd(buf, at + 1, dashBoundary);
      if (found !== null && found !== 'incomplete') {
        start = at + 1;
        break;
      }
    }
    if (start === -1) throw new MultipartError('multipart body has no opening boundary');
  }
  if (found === null || found === 'incomplete') throw new MultipartError('multipart body has no opening boundary');

  const parts: MultipartPart[] = [];
  let cursor = found;
  while (!cursor.last) {
    const block = headerBlockEnd(buf, cursor.next);
    if (!block) throw new MultipartError('multipart part headers are not terminated');
    const headers = parsePartHeaders(buf.toString('latin1', cursor.next, block.headersEnd));
    let end: { dataEnd: number; delimiter: { next: number; last: boolean } } | undefined;
    for (let at = buf.indexOf(needle, block.bodyStart - 1); at !== -1; at = buf.indexOf(needle, at + 1)) {
      if (at < block.bodyStart - 1) continue;
      const d = delimiterEnd(buf, at + 1, dashBoundary);
      if (d !== null && d !== 'incomplete') {
        const dataEnd = at > block.bodyStart && buf[at - 1] === CR ? at - 1 : at;
        end = { dataEnd: Math.max(dataEnd, block.bodyStart), delimiter: d };
        break;
      }
    }
    if (!end) throw new MultipartError('multipart body is truncated (no closing boundary)');
    parts.push({ headers, data: body.subarray(block.bodyStart, end.dataEnd) });
    cursor = end.delimiter;
  }
  return parts;
}
