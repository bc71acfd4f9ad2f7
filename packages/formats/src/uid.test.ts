import { describe, expect, it } from 'vitest';
import { DicomUidSchema } from '@readingroom/model';
import { deterministicId, deterministicUid, sha256Hex } from './uid';

describe('deterministic identifiers', () => {
  it('computes SHA-256 as in FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(sha256Hex('a'.repeat(1000))).toBe('41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3');
  });

  it('derives valid 2.25 UIDs that depend on every part and nothing else', () => {
    const uid = deterministicUid('sr-instance', '1.2.3', 'reader-a');
    expect(uid).toMatch(/^2\.25\.[1-9]\d*$/);
    expect(uid.length).toBeLessThanOrEqual(64);
    expect(DicomUidSchema.safeParse(uid).success).toBe(true);
    expect(deterministicUid('sr-instance', '1.2.3', 'reader-a')).toBe(uid);
    expect(deterministicUid('sr-instance', '1.2.3', 'reader-b')).not.toBe(uid);
    expect(deterministicUid('sr-instance', '1.2.3reader-a')).not.toBe(uid);
    const value = BigInt(uid.slice(5));
    expect((value >> 76n) & 0xfn).toBe(8n);
    expect((value >> 62n) & 0x3n).toBe(2n);
  });

  it('derives short ids for imported items from their source position', () => {
    expect(deterministicId('csv', 'a.csv', '3')).toMatch(/^csv-[0-9a-f]{24}$/);
    expect(deterministicId('csv', 'a.csv', '3')).not.toBe(deterministicId('csv', 'a.csv', '4'));
  });
});
