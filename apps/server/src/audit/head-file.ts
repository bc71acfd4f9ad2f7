import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { HeadState } from './audit-log';

const Anchor = z.strictObject({ seq: z.number().int().min(0), hash: z.string().regex(/^[0-9a-f]{64}$/) });
const HeadSchema = Anchor.extend({ next: Anchor.optional() });

/** Reads the anchor file: null when absent, `unreadable` when damaged. */
export function readHeadFile(path: string): HeadState | null | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed = HeadSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/**
 * Replaces the anchor file durably: write a temporary file, fsync it, rename it over the old one
 * and fsync the folder, so after a crash the file is either the old or the new content.
 */
export function writeHeadFile(path: string, head: HeadState): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(head)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export const sameHead = (a: HeadState | null | 'unreadable', b: HeadState | null | 'unreadable'): boolean => JSON.stringify(a) === JSON.stringify(b);
