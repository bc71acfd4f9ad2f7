import { hashLabelled, type KeyedHash } from './keyed-hash';

/**
 * A deterministic UID mapper: `2.25.` followed by the decimal value of the first 128 bits of
 * the keyed hash of the original UID (PS3.5 B.2 UUID-derived UIDs, at most 44 characters).
 * The same secret and UID always give the same result, so series and cross-references stay
 * consistent across files and runs; without the secret the original cannot be recovered.
 */
export function createUidMapper(hmac: KeyedHash): (originalUid: string) => string {
  return (originalUid) => {
    const digest = hashLabelled(hmac, 'uid', originalUid.replace(/[\0 ]+$/, ''));
    if (digest.length < 16) throw new RangeError('keyed hash must return at least 16 bytes');
    let value = 0n;
    for (let i = 0; i < 16; i += 1) value = (value << 8n) | BigInt(digest[i] ?? 0);
    return `2.25.${value.toString(10)}`;
  };
}
