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

/** A list from an array or a comma-separated string (environment variables). */
const stringList = z
  .union([z.array(z.string()), z.string()])
  .transform((value) => (typeof value === 'string' ? value.split(',') : value).map((s) => s.trim()).filter(Boolean));

const OIDC_FIELDS = ['oidcIssuer', 'oidcAudience', 'oidcJwksUrl'] as const;

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

  // ---- limits (see apps/server/src/limits) ----
  /** Messages per second one sync connection may send on average; beyond: closed with 4005. */
  maxMessagesPerSecond: integer(1, 1_000_000).default(200),
  /** Messages one sync connection may send in a burst above the average rate. */
  messageBurst: integer(1, 10_000_000).default(400),
  /** Bytes per second one sync connection may send on average; beyond: closed with 4005. */
  maxBytesPerSecond: integer(1024, 1024 * MiB).default(4 * MiB),
  /** Bytes one sync connection may send in a burst (at least `maxMessageBytes`). */
  byteBurst: integer(1024, 1024 * MiB).default(8 * MiB),
  /** Open sync connections per user; further upgrades are answered 429. */
  maxConnectionsPerUser: integer(1, 100_000).default(20),
  /** Stored size (snapshot + log) beyond which a room refuses updates with `document_too_large`. */
  maxDocumentBytes: integer(1024, 64 * 1024 * MiB).default(64 * MiB),
  /** Send buffer per sync connection; a client that reads slower is closed with 1013. */
  maxBufferedBytes: integer(64 * 1024, 1024 * MiB).default(16 * MiB),
  /** Failed logins of one username within `loginWindow` that lock it out for `loginLockout`. */
  loginMaxFailures: integer(1, 1000).default(5),
  /** Failed logins from one client address (IPv6: its /64) within `loginWindow` that lock it out. */
  loginMaxFailuresPerIp: integer(1, 100_000).default(50),
  /** Sliding window for counting failed logins (seconds; accepts `15m`). */
  loginWindow: duration.default(15 * 60),
  /** How long a lockout lasts (seconds; accepts `15m`). */
  loginLockout: duration.default(15 * 60),
  /** How often open sync connections are checked for revoked tokens (logout, password change). */
  sessionCheckIntervalMs: integer(10, 3_600_000).default(10_000),

  // ---- transport ----
  /** PEM certificate (chain) and key: serve HTTPS and WSS. Both or neither. */
  tlsCertFile: z.string().min(1).optional(),
  tlsKeyFile: z.string().min(1).optional(),
  /**
   * Origins (`https://host[:port]`) whose pages may open sync WebSockets besides the server's
   * own; `*` allows any. Requests without Origin (non-browser clients) are always allowed.
   */
  allowedOrigins: stringList.default([]),

  // ---- OpenID Connect (all three of issuer, audience and JWKS URL, or none) ----
  oidcIssuer: z.string().min(1).optional(),
  oidcAudience: z.string().min(1).optional(),
  oidcJwksUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Claim with `readingroom:<project>:<role>` (and `readingroom:admin`) values; a dotted path reaches nested claims. */
  oidcRolesClaim: z.string().min(1).default('groups'),
  /** Claim proposing the username of a user provisioned on first sign-in. */
  oidcUsernameClaim: z.string().min(1).default('preferred_username'),

  // ---- encryption at rest (see apps/server/src/crypto) ----
  /** File holding the data encryption key: base64 of 32 random bytes (or the 32 raw bytes). */
  encryptionKeyFile: z.string().min(1).optional(),
  /** The data encryption key itself, base64 of 32 bytes (prefer the file: environments leak). */
  encryptionKey: z
    .string()
    .refine((value) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(value.trim()) && Buffer.from(value.trim(), 'base64').length === 32, 'expected the base64 encoding of 32 bytes')
    .optional(),
}).superRefine((config, ctx) => {
  if ((config.tlsCertFile === undefined) !== (config.tlsKeyFile === undefined)) {
    const missing = config.tlsCertFile === undefined ? 'tlsCertFile' : 'tlsKeyFile';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'TLS needs both tlsCertFile and tlsKeyFile' });
  }
  if (config.encryptionKey !== undefined && config.encryptionKeyFile !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['encryptionKey'], message: 'set either encryptionKey or encryptionKeyFile, not both' });
  }
  const set = OIDC_FIELDS.filter((f) => config[f] !== undefined);
  if (set.length > 0 && set.length < OIDC_FIELDS.length) {
    for (const f of OIDC_FIELDS) {
      if (config[f] === undefined) ctx.addIssue({ code: 'custom', path: [f], message: 'OpenID Connect needs oidcIssuer, oidcAudience and oidcJwksUrl' });
    }
  }
});

/** Validated configuration (defaults applied). */
export type Config = z.output<typeof configSchema>;
/** What callers may pass: every field optional. */
export type ConfigInput = z.input<typeof configSchema>;
