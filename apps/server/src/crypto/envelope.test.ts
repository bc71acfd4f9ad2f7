import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeyedCipher, plaintextCipher } from './data-cipher';
import { encryptionKeyFromBytes, generateEncryptionKeyText, parseEncryptionKey, readEncryptionKeyFile } from './encryption-key';
import { ENVELOPE_OVERHEAD, EnvelopeError, envelopeKeyId, open, seal } from './envelope';

const key = encryptionKeyFromBytes(randomBytes(32));
const other = encryptionKeyFromBytes(randomBytes(32));
const lookup = (id: string) => (id === key.idHex ? key : undefined);
const plaintext = new TextEncoder().encode('pneumothorax-XYZ secret-note-XYZ');

const failsWith = (fn: () => unknown, code: string) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EnvelopeError);
    expect((error as EnvelopeError).code).toBe(code);
    return;
  }
  expect.fail('expected the envelope to be refused');
};

describe('at-rest envelope (RRE1, AES-256-GCM)', () => {
  it('round-trips, starts with RRE1 and the key id, and never contains the plaintext', () => {
    const sealed = seal(key, plaintext, 'room-a');
    expect(sealed.byteLength).toBe(plaintext.byteLength + ENVELOPE_OVERHEAD);
    expect(Buffer.from(sealed.subarray(0, 4)).toString('ascii')).toBe('RRE1');
    expect(envelopeKeyId(sealed)).toBe(key.idHex);
    expect(Buffer.from(sealed).includes(Buffer.from(plaintext))).toBe(false);
    expect(Buffer.from(open(lookup, sealed, 'room-a')).toString()).toBe('pneumothorax-XYZ secret-note-XYZ');
  });

  it('uses a fresh nonce every time: the same plaintext seals to different bytes', () => {
    expect(Buffer.from(seal(key, plaintext, 'a')).equals(Buffer.from(seal(key, plaintext, 'a')))).toBe(false);
  });

  it('refuses the envelope when any single byte is flipped (header, nonce, ciphertext or tag)', () => {
    const sealed = seal(key, plaintext, 'room-a');
    for (let i = 0; i < sealed.byteLength; i++) {
      const tampered = sealed.slice();
      tampered[i]! ^= 0x01;
      expect(() => open(lookup, tampered, 'room-a'), `byte ${i}`).toThrow(EnvelopeError);
    }
  });

  it('refuses a truncated or extended envelope', () => {
    const sealed = seal(key, plaintext, 'room-a');
    expect(() => open(lookup, sealed.subarray(0, sealed.byteLength - 1), 'room-a')).toThrow(EnvelopeError);
    expect(() => open(lookup, Buffer.concat([sealed, Buffer.from([0])]), 'room-a')).toThrow(EnvelopeError);
  });

  it('refuses the envelope under different associated data (a blob moved to another place)', () => {
    failsWith(() => open(lookup, seal(key, plaintext, 'room-a'), 'room-b'), 'authentication-failed');
  });

  it('refuses an envelope sealed under a key that is not given, naming it as unknown', () => {
    failsWith(() => open(lookup, seal(other, plaintext, 'room-a'), 'room-a'), 'unknown-key');
  });

  it('refuses bytes that are not an envelope', () => {
    failsWith(() => open(lookup, plaintext, 'room-a'), 'not-an-envelope');
  });

  it('refuses a forged header claiming the right key id over a wrong key', () => {
    const forged = seal({ id: key.id, aesKey: other.aesKey }, plaintext, 'room-a');
    failsWith(() => open(lookup, forged, 'room-a'), 'authentication-failed');
  });
});

describe('field cipher', () => {
  const cipher = createKeyedCipher(key);

  it('encrypts strings to base64 envelopes bound to their place', () => {
    const stored = cipher.encrypt('Plantedname^Zyxwv', 'catalog/patients.patient_name/k1');
    expect(stored).not.toContain('Plantedname');
    expect(cipher.decrypt(stored, 'catalog/patients.patient_name/k1')).toBe('Plantedname^Zyxwv');
    expect(() => cipher.decrypt(stored, 'catalog/patients.patient_name/k2')).toThrow(EnvelopeError);
    expect(() => cipher.decrypt('Plantedname^Zyxwv', 'x')).toThrow(/not encrypted/);
  });

  it('gives deterministic blind indexes per purpose that do not reveal the value', () => {
    const a = cipher.blindIndex('patient-id', 'PID-1');
    expect(a).toBe(cipher.blindIndex('patient-id', 'PID-1'));
    expect(a).not.toBe(cipher.blindIndex('accession', 'PID-1'));
    expect(a).not.toBe(createKeyedCipher(other).blindIndex('patient-id', 'PID-1'));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names content by HMAC, not by a plain SHA-256 anyone could recompute', () => {
    const bytes = new TextEncoder().encode('dicom bytes');
    expect(cipher.contentHash(bytes)).not.toBe(plaintextCipher.contentHash(bytes));
    expect(cipher.contentHash(bytes)).toBe(createKeyedCipher(key).contentHash(bytes));
  });

  it('opens values of an older key only when it is given, and plaintext only when told to', () => {
    const old = createKeyedCipher(other).encrypt('label', 'ad');
    expect(() => cipher.decrypt(old, 'ad')).toThrow(/key/);
    expect(createKeyedCipher(key, { alsoDecryptWith: [other] }).decrypt(old, 'ad')).toBe('label');
    expect(createKeyedCipher(key, { acceptPlaintext: true }).decrypt('legacy', 'ad')).toBe('legacy');
  });
});

describe('encryption keys', () => {
  it('parses base64 of 32 bytes, derives an 8-byte id and refuses other lengths without echoing the key', () => {
    const text = generateEncryptionKeyText();
    expect(parseEncryptionKey(text, 'env').idHex).toMatch(/^[0-9a-f]{16}$/);
    expect(parseEncryptionKey(`${text}\n`, 'env').idHex).toBe(parseEncryptionKey(text, 'env').idHex);
    const short = Buffer.alloc(16, 7).toString('base64');
    expect(() => parseEncryptionKey(short, 'env')).toThrow(/32 bytes, got 16/);
    try {
      parseEncryptionKey(short, 'env');
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });

  it('reads a key file holding base64 text or 32 raw bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-key-'));
    const raw = randomBytes(32);
    raw[0] = 0; // certainly not base64 text
    writeFileSync(join(dir, 'raw'), raw);
    writeFileSync(join(dir, 'text'), `${raw.toString('base64')}\n`);
    expect(readEncryptionKeyFile(join(dir, 'raw')).idHex).toBe(readEncryptionKeyFile(join(dir, 'text')).idHex);
    expect(() => readEncryptionKeyFile(join(dir, 'missing'))).toThrow(/cannot read the encryption key file .*ENOENT/);
  });
});
