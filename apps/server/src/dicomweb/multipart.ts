import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** A boundary that cannot occur by chance in the parts. */
export function newBoundary(): string {
  return `readingroom-${randomBytes(12).toString('hex')}`;
}

const encoder = new TextEncoder();

/** `multipart/related` body (RFC 2387) from parts held in memory. */
export function multipartBody(boundary: string, parts: ReadonlyArray<{ contentType: string; data: Uint8Array }>): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    chunks.push(encoder.encode(`--${boundary}\r\nContent-Type: ${part.contentType}\r\nContent-Length: ${part.data.byteLength}\r\n\r\n`), part.data, encoder.encode('\r\n'));
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** One streamed part wrapped in a `multipart/related` body; the stream is not buffered. */
export function multipartStream(boundary: string, contentType: string, body: Readable, size: number | null): Readable {
  async function* generate() {
    const length = size === null ? '' : `Content-Length: ${size}\r\n`;
    yield Buffer.from(`--${boundary}\r\nContent-Type: ${contentType}\r\n${length}\r\n`);
    for await (const chunk of body) yield chunk as Buffer;
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  return Readable.from(generate(), { objectMode: false });
}
