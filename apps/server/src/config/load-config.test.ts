import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config';
import { resolveTokenSecret } from './token-secret';

describe('loadConfig', () => {
  it('applies defaults when neither flags nor environment say anything', () => {
    const config = loadConfig({}, {});
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: './data',
      logLevel: 'info',
      tokenTtl: 12 * 3600,
      maxMessageBytes: 2 * 1024 * 1024,
      pingIntervalMs: 30_000,
    });
    expect(config.tokenSecret).toBeUndefined();
    expect(config.adminPassword).toBeUndefined();
  });

  it('prefers a flag over the environment, and the environment over the default', () => {
    const env = { PORT: '9000', HOST: '127.0.0.1', READINGROOM_DATA_DIR: '/env/data', LOG_LEVEL: 'warn' };
    expect(loadConfig({ port: '7000', dataDir: '/flag/data' }, env)).toMatchObject({
      port: 7000,
      host: '127.0.0.1',
      dataDir: '/flag/data',
      logLevel: 'warn',
    });
  });

  it('treats an empty environment variable as unset', () => {
    expect(loadConfig({}, { PORT: '', LOG_LEVEL: '' })).toMatchObject({ port: 8080, logLevel: 'info' });
  });

  it('reads secrets, token lifetime and limits from the environment', () => {
    const config = loadConfig(
      {},
      {
        READINGROOM_TOKEN_SECRET: 'x'.repeat(40),
        READINGROOM_TOKEN_TTL: '30m',
        READINGROOM_ADMIN_PASSWORD: 'correct horse',
        READINGROOM_MAX_MESSAGE_BYTES: '4096',
        READINGROOM_PING_INTERVAL_MS: '500',
      },
    );
    expect(config).toMatchObject({ tokenSecret: 'x'.repeat(40), tokenTtl: 1800, adminPassword: 'correct horse', maxMessageBytes: 4096, pingIntervalMs: 500 });
  });

  it('rejects bad values with a message naming the field and its environment variable', () => {
    expect(() => loadConfig({ port: 'eighty' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({}, { PORT: '70000' })).toThrow(/port \(PORT\)/);
    expect(() => loadConfig({}, { READINGROOM_TOKEN_SECRET: 'short' })).toThrow(/READINGROOM_TOKEN_SECRET/);
    expect(() => loadConfig({}, { READINGROOM_TOKEN_TTL: 'soon' })).toThrow(/tokenTtl/);
    expect(() => loadConfig({ logLevel: 'loud' }, {})).toThrow(/logLevel/);
  });

  it('ignores flags that are not configuration', () => {
    expect(loadConfig({ unrelated: 'x' } as never, {}).port).toBe(8080);
  });
});

describe('resolveTokenSecret', () => {
  const tmp = () => mkdtempSync(join(tmpdir(), 'rr-secret-'));

  it('returns the configured secret without touching the data directory', () => {
    const dir = tmp();
    expect(resolveTokenSecret(dir, 's'.repeat(32))).toBe('s'.repeat(32));
    expect(() => statSync(join(dir, 'token-secret'))).toThrow();
  });

  it('generates a secret once, stores it with mode 0600 and returns the same one afterwards', () => {
    const dir = tmp();
    const first = resolveTokenSecret(dir, undefined);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'token-secret')).mode & 0o777).toBe(0o600);
    expect(resolveTokenSecret(dir, undefined)).toBe(first);
    expect(readFileSync(join(dir, 'token-secret'), 'utf8').trim()).toBe(first);
  });

  it('refuses a stored secret that is too short', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'token-secret'), 'short\n');
    expect(() => resolveTokenSecret(dir, undefined)).toThrow(/fewer than 32/);
  });
});
