import { z } from 'zod';
import { parseDurationSeconds } from './duration';

const MiB = 1024 * 1024;

const duration = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    const seconds = parseDurationSeconds(value);
    if (seconds === null) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration such as 3600, 30m, 12h or 7d' });
      return z.NEVER;
    }
    return seconds;
  });

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * Everything the server reads at start. Every field has a default except the secrets, which
 * are resolved from the data directory when absent (see token-secret.ts / bootstrap-admin.ts).
 *
 * `host` defaults to 0.0.0.0 (all interfaces): the server is meant to be reached by the
 * radiologists' browsers, usually behind a TLS-terminating proxy. Use `--host 127.0.0.1` to
 * keep it local.
 */
export const configSchema = z.object({
  port: integer(0, 65_535).default(8080),
  host: z.string().min(1).default('0.0.0.0'),
  dataDir: z.string().min(1).default('./data'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HS256 key for session tokens; at least 32 characters. */
  tokenSecret: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Token lifetime in seconds (accepts `12h`, `30m`, ...). */
  tokenTtl: duration.default(12 * 3600),
  /** Password for the `admin` user created on the very first start only. */
  adminPassword: z.string().min(8, 'must be at least 8 characters').max(1024).optional(),
  /** Largest WebSocket message accepted, in bytes. */
  maxMessageBytes: integer(1024, 256 * MiB).default(2 * MiB),
  /** WebSocket keepalive ping interval; a socket that missed one pong is terminated. */
  pingIntervalMs: integer(10, 3_600_000).default(30_000),
  /** Largest `POST /api/import` upload, and largest total uncompressed size of the zips in it. */
  maxImportBytes: integer(1024, 64 * 1024 * MiB).default(2 * 1024 * MiB),
});

/** Validated configuration (defaults applied). */
export type Config = z.output<typeof configSchema>;
/** What callers may pass: every field optional. */
export type ConfigInput = z.input<typeof configSchema>;
