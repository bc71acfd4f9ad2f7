/**
 * A file name stem for an image id: ASCII letters, digits, `.`, `_` and `-` are kept, every other
 * UTF-8 byte (including `%` and `/`) becomes `%XX`, and a leading `.` becomes `%2E`, so the
 * mapping is one-to-one and the stem is a safe single path segment. SOP Instance UIDs stay as
 * they are (`1.2.840.1234` → `1.2.840.1234`).
 */
export function safeFileStem(imageId: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(imageId)) {
    const ch = String.fromCharCode(byte);
    const keep = /[A-Za-z0-9._-]/.test(ch) && !(out === '' && ch === '.');
    out += keep ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The image id of a {@link safeFileStem} stem; null when the stem is not one. */
export function imageIdOfStem(stem: string): string | null {
  if (!/^(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$/.test(stem)) return null;
  const bytes: number[] = [];
  for (let i = 0; i < stem.length; ) {
    if (stem[i] === '%') {
      bytes.push(Number.parseInt(stem.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      bytes.push(stem.charCodeAt(i));
      i += 1;
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}

/** A reader id as a file name part (same encoding as {@link safeFileStem}). */
export const safeReaderName = safeFileStem;

/** The last path segment without its extension (`a/b/c.txt` → `c`). */
export function stemOf(path: string): string {
  const name = path.split('/').at(-1) ?? path;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** The last path segment. */
export function baseName(path: string): string {
  return path.split('/').at(-1) ?? path;
}
