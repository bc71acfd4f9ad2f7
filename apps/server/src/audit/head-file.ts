import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../fs/write-file-atomic';
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
  writeFileAtomic(path, `${JSON.stringify(head)}\n`, { syncDir: true });
}

export const sameHead = (a: HeadState | null | 'unreadable', b: HeadState | null | 'unreadable'): boolean => JSON.stringify(a) === JSON.stringify(b);
