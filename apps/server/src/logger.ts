import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { Config } from './config/config-schema';

/**
 * The server's structured logger (JSON lines on stdout by default). Redaction is a safety net:
 * callers must still never pass bodies, credentials or patient data.
 */
export function createLogger(level: Config['logLevel'], destination?: DestinationStream): PinoLogger {
  return pino(
    {
      level,
      base: { service: 'readingroom' },
      redact: { paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization'], censor: '[redacted]' },
    },
    destination,
  );
}
