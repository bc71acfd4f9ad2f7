import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateEncryptionKeyText, parseEncryptionKey } from './encryption-key';
import { MARKER_FILE, markerFor, writeMarker } from './encryption-marker';
import { EncryptionSetupError, openEncryption } from './open-encryption';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'rr-open-enc-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const refusal = (fn: () => unknown): EncryptionSetupError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EncryptionSetupError);
    return error as EncryptionSetupError;
  }
  return expect.fail('expected a refusal');
};

describe('openEncryption', () => {
  it('stays plaintext without a key and without a marker', () => {
    const cipher = openEncryption(freshDir(), {});
    expect(cipher.enabled).toBe(false);
  });

  it('initialises an empty directory with a marker that holds the key id but never the key', () => {
    const dir = freshDir();
    const key = generateEncryptionKeyText();
    const cipher = openEncryption(dir, { encryptionKey: key });
    expect(cipher.enabled).toBe(true);
    const marker = readFileSync(join(dir, MARKER_FILE), 'utf8');
    expect(JSON.parse(marker)).toMatchObject({ keyId: parseEncryptionKey(key, 'k').idHex, algorithm: 'AES-256-GCM' });
    expect(marker).not.toContain(key);
    expect(openEncryption(dir, { encryptionKey: key }).keyId).toBe(cipher.keyId);
  });

  it('refuses an encrypted directory without a key, and with a wrong key, naming both key ids', () => {
    const dir = freshDir();
    const key = generateEncryptionKeyText();
    openEncryption(dir, { encryptionKey: key });
    const missing = refusal(() => openEncryption(dir, {}));
    expect(missing.code).toBe('key-missing');
    expect(missing.message).toMatch(/is encrypted \(key id [0-9a-f]{16}\) and no key was given/);
    const wrong = refusal(() => openEncryption(dir, { encryptionKey: generateEncryptionKeyText() }));
    expect(wrong.code).toBe('wrong-key');
    expect(wrong.message).toContain(parseEncryptionKey(key, 'k').idHex);
  });

  it('refuses a key whose id matches the marker but which does not open its check value', () => {
    const dir = freshDir();
    const text = generateEncryptionKeyText();
    const forged = { ...markerFor(parseEncryptionKey(generateEncryptionKeyText(), 'other')), keyId: parseEncryptionKey(text, 'k').idHex };
    writeMarker(dir, forged);
    expect(refusal(() => openEncryption(dir, { encryptionKey: text })).code).toBe('wrong-key');
  });

  it('refuses to start encrypting a directory that already holds plaintext data', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'rooms.db'), '');
    const error = refusal(() => openEncryption(dir, { encryptionKey: generateEncryptionKeyText() }));
    expect(error.code).toBe('not-encrypted');
    expect(error.message).toContain('readingroom encrypt');
  });

  it('refuses a directory whose re-encryption was interrupted', () => {
    const dir = freshDir();
    const text = generateEncryptionKeyText();
    writeMarker(dir, markerFor(parseEncryptionKey(text, 'k'), 'feedfacefeedface'));
    expect(refusal(() => openEncryption(dir, { encryptionKey: text })).code).toBe('rekey-pending');
  });
});
