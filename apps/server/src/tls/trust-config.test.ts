import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config';

describe('limits, transport and OIDC configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({}, {});
    expect(config).toMatchObject({
      maxMessagesPerSecond: 200,
      messageBurst: 400,
      maxBytesPerSecond: 4 * 1024 * 1024,
      maxConnectionsPerUser: 20,
      maxDocumentBytes: 64 * 1024 * 1024,
      maxBufferedBytes: 16 * 1024 * 1024,
      loginMaxFailures: 5,
      loginWindow: 900,
      loginLockout: 900,
      allowedOrigins: [],
      oidcRolesClaim: 'groups',
    });
    expect(config.tlsCertFile).toBeUndefined();
    expect(config.oidcIssuer).toBeUndefined();
  });

  it('reads every setting from its environment variable', () => {
    const config = loadConfig(
      {},
      {
        READINGROOM_MAX_CONNECTIONS_PER_USER: '3',
        READINGROOM_LOGIN_LOCKOUT: '1h',
        READINGROOM_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
        READINGROOM_TLS_CERT_FILE: '/etc/rr/cert.pem',
        READINGROOM_TLS_KEY_FILE: '/etc/rr/key.pem',
        READINGROOM_OIDC_ISSUER: 'https://idp.example',
        READINGROOM_OIDC_AUDIENCE: 'readingroom',
        READINGROOM_OIDC_JWKS_URL: 'https://idp.example/jwks',
      },
    );
    expect(config.maxConnectionsPerUser).toBe(3);
    expect(config.loginLockout).toBe(3600);
    expect(config.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.tlsKeyFile).toBe('/etc/rr/key.pem');
    expect(config.oidcJwksUrl).toBe('https://idp.example/jwks');
  });

  it('refuses half a TLS or OIDC setup, naming the missing settings and their variables', () => {
    expect(() => loadConfig({}, { READINGROOM_TLS_CERT_FILE: '/c.pem' })).toThrow(/tlsKeyFile \(READINGROOM_TLS_KEY_FILE\)/);
    expect(() => loadConfig({}, { READINGROOM_OIDC_ISSUER: 'https://idp.example' })).toThrow(
      /oidcAudience \(READINGROOM_OIDC_AUDIENCE\)[\s\S]*oidcJwksUrl \(READINGROOM_OIDC_JWKS_URL\)/,
    );
    expect(() => loadConfig({}, { READINGROOM_OIDC_JWKS_URL: 'ftp://idp.example/jwks' })).toThrow(/oidcJwksUrl/);
  });
});
