import { hashLabelled, type KeyedHash } from './keyed-hash';

/** Options of {@link createDateShifter}. */
export interface DateShifterOptions {
  /** Largest shift in days, in either direction. Default 365. */
  maxDays?: number;
}

/**
 * A deterministic per-patient date offset in days, in [-maxDays, -1] ∪ [1, maxDays]: never
 * zero, so no original date survives. Every study of a patient moves by the same amount,
 * which keeps intervals between studies (longitudinal information) intact.
 */
export function createDateShifter(hmac: KeyedHash, options: DateShifterOptions = {}): (originalPatientId: string) => number {
  const maxDays = options.maxDays ?? 365;
  if (!Number.isInteger(maxDays) || maxDays < 1) throw new RangeError('maxDays must be a positive integer');
  return (originalPatientId) => {
    const digest = hashLabelled(hmac, 'date-shift', originalPatientId.trim());
    if (digest.length < 4) throw new RangeError('keyed hash must return at least 4 bytes');
    const word = new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0, false);
    const magnitude = 1 + ((word >>> 1) % maxDays);
    return word & 1 ? magnitude : -magnitude;
  };
}
