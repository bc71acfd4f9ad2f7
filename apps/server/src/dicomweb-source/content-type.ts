/** A parsed `Content-Type` value: lower-case media type and parameters (names lower-cased). */
export interface ContentType {
  readonly mediaType: string;
  readonly params: ReadonlyMap<string, string>;
}

/**
 * Parses a media type with parameters (RFC 9110 §8.3), honouring quoted strings: DICOMweb
 * answers carry values such as `type="application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1"`
 * whose `;` must not split the parameter.
 */
export function parseContentType(value: string): ContentType {
  const params = new Map<string, string>();
  let i = value.indexOf(';');
  const mediaType = (i === -1 ? value : value.slice(0, i)).trim().toLowerCase();
  while (i !== -1 && i < value.length) {
    i++; // past ';'
    const eq = value.indexOf('=', i);
    if (eq === -1) break;
    const name = value.slice(i, eq).trim().toLowerCase();
    let j = eq + 1;
    while (value[j] === ' ' || value[j] === '\t') j++;
    let paramValue = '';
    if (value[j] === '"') {
      j++;
      while (j < value.length && value[j] !== '"') {
        if (value[j] === '\\' && j + 1 < value.length) j++;
        paramValue += value[j];
        j++;
      }
      j++; // past closing quote
      i = value.indexOf(';', j);
    } else {
      const end = value.indexOf(';', j);
      paramValue = (end === -1 ? value.slice(j) : value.slice(j, end)).trim();
      i = end;
    }
    if (name && !params.has(name)) params.set(name, paramValue);
  }
  return { mediaType, params };
}
