/**
 * A keyed hash such as HMAC-SHA-256 with a secret key, supplied by the application (for
 * example `data => createHmac('sha256', key).update(data).digest()` from node:crypto). Keeping
 * it injected lets this package stay free of IO and platform crypto.
 */
export type KeyedHash = (data: Uint8Array) => Uint8Array;

/** Hashes a labelled string, so UID and date derivations never share an input. */
export function hashLabelled(hash: KeyedHash, label: string, value: string): Uint8Array {
  return hash(new TextEncoder().encode(`${label}\u0000${value}`));
}
