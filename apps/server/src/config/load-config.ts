import { z } from 'zod';
import { configSchema, type Config, type ConfigInput } from './config-schema';

/** Command-line flags, as commander parses them (only the ones that map onto config). */
export interface ConfigFlags {
  port?: string | number;
  host?: string;
  dataDir?: string;
  logLevel?: string;
  encryptionKeyFile?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Environment variable for each config field that may come from the environment. */
const ENV_NAMES = {
  port: 'PORT',
  host: 'HOST',
  dataDir: 'READINGROOM_DATA_DIR',
  logLevel: 'LOG_LEVEL',
  tokenSecret: 'READINGROOM_TOKEN_SECRET',
  tokenTtl: 'READINGROOM_TOKEN_TTL',
  adminPassword: 'READINGROOM_ADMIN_PASSWORD',
  maxMessageBytes: 'READINGROOM_MAX_MESSAGE_BYTES',
  pingIntervalMs: 'READINGROOM_PING_INTERVAL_MS',
  maxImportBytes: 'READINGROOM_MAX_IMPORT_BYTES',
  maxMessagesPerSecond: 'READINGROOM_MAX_MESSAGES_PER_SECOND',
  messageBurst: 'READINGROOM_MESSAGE_BURST',
  maxBytesPerSecond: 'READINGROOM_MAX_BYTES_PER_SECOND',
  byteBurst: 'READINGROOM_BYTE_BURST',
  maxConnectionsPerUser: 'READINGROOM_MAX_CONNECTIONS_PER_USER',
  maxDocumentBytes: 'READINGROOM_MAX_DOCUMENT_BYTES',
  maxBufferedBytes: 'READINGROOM_MAX_BUFFERED_BYTES',
  loginMaxFailures: 'READINGROOM_LOGIN_MAX_FAILURES',
  loginMaxFailuresPerIp: 'READINGROOM_LOGIN_MAX_FAILURES_PER_IP',
  loginWindow: 'READINGROOM_LOGIN_WINDOW',
  loginLockout: 'READINGROOM_LOGIN_LOCKOUT',
  sessionCheckIntervalMs: 'READINGROOM_SESSION_CHECK_INTERVAL_MS',
  tlsCertFile: 'READINGROOM_TLS_CERT_FILE',
  tlsKeyFile: 'READINGROOM_TLS_KEY_FILE',
  allowedOrigins: 'READINGROOM_ALLOWED_ORIGINS',
  oidcIssuer: 'READINGROOM_OIDC_ISSUER',
  oidcAudience: 'READINGROOM_OIDC_AUDIENCE',
  oidcJwksUrl: 'READINGROOM_OIDC_JWKS_URL',
  oidcRolesClaim: 'READINGROOM_OIDC_ROLES_CLAIM',
  oidcUsernameClaim: 'READINGROOM_OIDC_USERNAME_CLAIM',
  encryptionKeyFile: 'READINGROOM_ENCRYPTION_KEY_FILE',
  encryptionKey: 'READINGROOM_ENCRYPTION_KEY',
} as const satisfies Partial<Record<keyof ConfigInput, string>>;

/** Thrown when flags or environment do not form a valid configuration; the message names every problem. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Builds the configuration once, at start: flag, then environment variable, then default.
 * Empty environment variables count as unset. Never reads `process.env` itself.
 */
export function loadConfig(flags: ConfigFlags, env: Env): Config {
  const input: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value !== undefined && value !== '') input[key] = value;
  }
  for (const [key, value] of Object.entries(flags)) {
    if (key in ENV_NAMES && value !== undefined) input[key] = value;
  }
  // A key file on the command line wins over a key in the environment.
  if (flags.encryptionKeyFile !== undefined) delete input.encryptionKey;
  return parseConfig(input);
}

/** Validates a config object (defaults applied); throws ConfigError naming the source of each problem. */
export function parseConfig(input: ConfigInput | Record<string, unknown>): Config {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(`invalid configuration:\n${describeIssues(result.error)}`);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const key = String(issue.path[0] ?? '');
      const env = ENV_NAMES[key as keyof typeof ENV_NAMES];
      return `  ${key}${env ? ` (${env})` : ''}: ${issue.message}`;
    })
    .join('\n');
}
