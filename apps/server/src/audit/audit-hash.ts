import { createHash } from 'node:crypto';
import type { AuditEntry } from './audit-log';

/** `prev_hash` of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** Bumped if the serialization below ever changes; part of every hash. */
const HASH_VERSION = 'readingroom-audit-v1';

/**
 * JSON with object keys sorted at every level, so equal values always give equal text (and
 * equal hashes). `undefined` object members are dropped; a top-level `undefined` becomes null.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/**
 * SHA-256 (hex) over a canonical serialization of every field but `hash`: a JSON array in a fixed
 * order, so no two different rows serialize alike (strings are quoted, nulls are explicit).
 */
export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const fields = [
    HASH_VERSION,
    entry.seq,
    entry.at,
    entry.actor,
    entry.action,
    entry.projectId,
    entry.studyUid,
    entry.room,
    entry.targetId,
    entry.before,
    entry.after,
    entry.prevHash,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
