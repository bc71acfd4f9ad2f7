/**
 * Character handling for string values. UTF-8 (`ISO_IR 192`) is decoded as such; every other
 * Specific Character Set is read byte-per-character (Latin-1), which is exact for the default
 * repertoire and ISO_IR 100 and keeps other sets byte-preserving.
 */
export function decodeText(bytes: Uint8Array, specificCharacterSet: string | undefined): string {
  if (specificCharacterSet?.includes('ISO_IR 192')) return new TextDecoder('utf-8').decode(bytes);
  let out = '';
  for (let i = 0; i < bytes.length; i += 1) out += String.fromCharCode(bytes[i] ?? 0);
  return out;
}

/** Encodes a string one byte per character; throws on characters above U+00FF. */
export function encodeLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new RangeError('character outside Latin-1');
    out[i] = code;
  }
  return out;
}
