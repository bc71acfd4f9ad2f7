/**
 * Text repair for SR documents read with dcmjs 0.52: it decodes text inside sequence items as
 * windows-1252 ("latin1") even when Specific Character Set is ISO_IR 192 (UTF-8), so `Á`
 * comes back as `Ã\u0081`. Strings are mapped back to their bytes and decoded as UTF-8; a string
 * that does not turn into valid UTF-8 that way (correctly decoded text, plain ASCII) is kept.
 */
let windows1252: Map<string, number> | undefined;

function byteOf(): Map<string, number> {
  if (!windows1252) {
    const decoder = new TextDecoder('latin1');
    windows1252 = new Map(Array.from({ length: 256 }, (_, b) => [decoder.decode(Uint8Array.of(b)), b] as [string, number]));
  }
  return windows1252;
}

export function repairUtf8(text: string): string {
  if (!/[^\u0000-\u007f]/.test(text)) return text;
  const table = byteOf();
  const bytes: number[] = [];
  for (const ch of text) {
    const b = table.get(ch);
    if (b === undefined) return text;
    bytes.push(b);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return text;
  }
}

/** Applies {@link repairUtf8} to every string nested in sequence items of a naturalized dataset. */
export function repairNestedText(dataset: Record<string, unknown>): void {
  const visit = (value: unknown, nested: boolean): unknown => {
    if (typeof value === 'string') return nested ? repairUtf8(value) : value;
    if (Array.isArray(value)) {
      value.forEach((item, i) => (value[i] = visit(item, nested)));
      return value;
    }
    if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) (value as Record<string, unknown>)[key] = visit(inner, nested || Array.isArray(inner));
    }
    return value;
  };
  for (const [key, value] of Object.entries(dataset)) if (Array.isArray(value)) dataset[key] = visit(value, true);
}

/** JSON with every non-ASCII character escaped (`\u00e9`), so it survives any text decoding. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
