import type { IncomingMessage } from 'node:http';

/**
 * Decides whether a WebSocket upgrade may proceed given its `Origin` header, against
 * cross-site WebSocket hijacking (a page elsewhere opening a socket with the user's token
 * from storage, or a future cookie). Browsers always send Origin; other clients (the stock
 * Node client, the CLI) usually send none and are allowed: they are not a victim's browser.
 *
 * Allowed: no Origin; an Origin whose host (and port) equal the request's Host header, i.e.
 * the page was served by this server (the scheme is not compared: behind a TLS-terminating
 * proxy the server sees http while the page is https); any origin listed in `allowed`
 * (exact, e.g. `https://viewer.example.org`), or every origin when the list contains `*`.
 */
export function createOriginCheck(allowed: readonly string[]): (req: IncomingMessage) => boolean {
  const any = allowed.includes('*');
  const listed = new Set(allowed.filter((o) => o !== '*').map(normalizeOrigin).filter((o): o is string => o !== null));
  return (req) => {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (any) return true;
    const normalized = normalizeOrigin(origin);
    if (normalized === null) return false;
    if (listed.has(normalized)) return true;
    const host = req.headers.host;
    if (!host) return false;
    try {
      const url = new URL(normalized);
      return url.host === new URL(`${url.protocol}//${host}`).host;
    } catch {
      return false;
    }
  };
}

/** `scheme://host[:port]` in canonical form (lowercase, default port dropped), or null (`null` origins too). */
export function normalizeOrigin(origin: string): string | null {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}
