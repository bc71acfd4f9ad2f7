/** One media range of an Accept header, with lower-cased parameter names and unquoted values. */
export interface MediaRange {
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Parses `Accept`; an absent or empty header is `*\/*`. Quality values are not ranked. */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header?.trim()) return [{ type: '*/*', params: {} }];
  return header.split(',').map((range) => {
    const [type = '', ...rest] = range.split(';');
    const params: Record<string, string> = {};
    for (const param of rest) {
      const eq = param.indexOf('=');
      if (eq < 0) continue;
      params[param.slice(0, eq).trim().toLowerCase()] = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    }
    return { type: type.trim().toLowerCase(), params };
  });
}

/** `transfer-syntax` absent or `*` accepts what is stored; otherwise it must be that syntax. */
const syntaxOk = (range: MediaRange, syntax: string) => {
  const wanted = range.params['transfer-syntax'];
  return wanted === undefined || wanted === '*' || wanted === syntax;
};

/**
 * How to answer a WADO-RS retrieve whose single payload type is `payloadType`
 * (`application/octet-stream` for frames, `application/dicom` for instances):
 * `multipart` (the default), `single` (the bare payload), or null (406).
 */
export function negotiate(header: string | undefined, payloadType: string, syntax: string): 'multipart' | 'single' | null {
  for (const range of parseAccept(header)) {
    if (range.type === '*/*' || range.type === 'multipart/*') return 'multipart';
    if (range.type === 'multipart/related') {
      const type = range.params['type'];
      if ((type === undefined || type === payloadType) && syntaxOk(range, syntax)) return 'multipart';
    }
    if (range.type === payloadType && syntaxOk(range, syntax)) return 'single';
  }
  return null;
}
