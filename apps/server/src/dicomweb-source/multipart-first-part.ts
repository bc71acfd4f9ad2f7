import { Readable } from 'node:stream';
import { boundaryFromContentType, delimiterEnd, headerBlockEnd, MultipartError, parsePartHeaders } from './multipart-related';

const MAX_HEAD_BYTES = 64 * 1024;

/** The first part of a multipart body: its headers at once, its data as a stream. */
export interface StreamedPart {
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Readable;
}

/**
 * Streams the first part of a multipart body without buffering it (a WADO-RS instance answer
 * is one `application/dicom` part of possibly hundreds of megabytes). Resolves once the part's
 * headers have arrived; the body stream errors with MultipartError if the source ends before
 * the closing delimiter. Bytes after the first part are not read (the source is released).
 */
export async function streamFirstPart(source: AsyncIterable<Uint8Array>, contentType: string): Promise<StreamedPart> {
  const dashBoundary = Buffer.from(`--${boundaryFromContentType(contentType)}`, 'latin1');
  const needle = Buffer.concat([Buffer.from('\n', 'latin1'), dashBoundary]);
  const iterator = source[Symbol.asyncIterator]();
  let buf = Buffer.alloc(0);
  const pull = async (): Promise<boolean> => {
    const next = await iterator.next();
    if (next.done) return false;
    buf = buf.length === 0 ? Buffer.from(next.value) : Buffer.concat([buf, next.value]);
    return true;
  };
  const release = () => void iterator.return?.().catch(() => {});

  // Head: preamble, opening delimiter, part headers.
  let bodyStart = -1;
  let headers: Map<string, string> | undefined;
  try {
    for (;;) {
      let open = delimiterEnd(buf, 0, dashBoundary);
      for (let at = buf.indexOf(needle); open === null && at !== -1; at = buf.indexOf(needle, at + 1)) {
        open = delimiterEnd(buf, at + 1, dashBoundary);
      }
      if (open !== null && open !== 'incomplete') {
        if (open.last) throw new MultipartError('multipart body has no parts');
        const block = headerBlockEnd(buf, open.next);
        if (block) {
          headers = parsePartHeaders(buf.toString('latin1', open.next, block.headersEnd));
          bodyStart = block.bodyStart;
          break;
        }
      }
      if (buf.length > MAX_HEAD_BYTES) throw new MultipartError('multipart preamble or part headers too long');
      if (!(await pull())) throw new MultipartError('multipart body ended before the first part');
    }
  } catch (error) {
    release();
    throw error;
  }
  buf = buf.subarray(bodyStart);

  async function* data(): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        // Find a real delimiter; keep back enough bytes that a split delimiter is not emitted as data.
        let searchFrom = 0;
        let emitUpTo = -1;
        let ended = false;
        for (;;) {
          const at = buf.indexOf(needle, searchFrom);
          if (at === -1) break;
          const d = delimiterEnd(buf, at + 1, dashBoundary);
          if (d === 'incomplete') {
            emitUpTo = at > 0 && buf[at - 1] === 0x0d ? at - 1 : at;
            break;
          }
          if (d !== null) {
            emitUpTo = at > 0 && buf[at - 1] === 0x0d ? at - 1 : at;
            ended = true;
            break;
          }
          searchFrom = at + 1;
        }
        if (ended) {
          if (emitUpTo > 0) yield buf.subarray(0, emitUpTo);
          return;
        }
        const keep = emitUpTo !== -1 ? buf.length - emitUpTo : Math.min(buf.length, needle.length + 1);
        const emit = buf.length - keep;
        if (emit > 0) {
          yield buf.subarray(0, emit);
          buf = buf.subarray(emit);
        }
        if (!(await pull())) throw new MultipartError('multipart body is truncated (no closing boundary)');
      }
    } finally {
      release();
    }
  }

  return { headers: headers ?? new Map(), body: Readable.from(data(), { objectMode: false }) };
}
