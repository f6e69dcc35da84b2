/**
 * ML-KEM-768 from libsodium's WebAssembly (src/crypto/x3dh.ts) against what a hostile identity-service can hand out:
 * an encapsulation key that fails FIPS 203's modulus check, or one of the wrong length, is refused before anything
 * is encapsulated to it; a tampered ciphertext decapsulates to a different secret (implicit rejection), never the
 * real one. The byte-identity with Bouncy Castle is test/vectors.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sodium, sodiumReady } from '../src/crypto/sodium';
import { kemDecapsulate, kemEncapsulate, kemKeyPair, KEM_CIPHERTEXT_BYTES } from '../src/crypto/x3dh';

beforeAll(async () => { await sodiumReady(); });

describe('ML-KEM-768 against a hostile key directory', () => {
  it('refuses an encapsulation key whose coefficients are not reduced mod q', () => {
    const good = kemKeyPair(sodium.randombytes_buf(64)).publicKey;
    const bad = good.slice();
    bad.fill(0xff, 0, 12); // 12-bit coefficients 0xfff > q = 3329
    expect(() => kemEncapsulate(bad)).toThrow();
    expect(() => kemEncapsulate(good.slice(0, 1183))).toThrow();
  });

  it('a tampered ciphertext gives another secret, never the encapsulated one', () => {
    const kem = kemKeyPair(sodium.randombytes_buf(64));
    const { cipherText, sharedSecret } = kemEncapsulate(kem.publicKey);
    expect(cipherText.length).toBe(KEM_CIPHERTEXT_BYTES);
    expect(sodium.to_hex(kemDecapsulate(cipherText, kem.seed))).toBe(sodium.to_hex(sharedSecret));
    const tampered = cipherText.slice();
    tampered[100] ^= 1;
    expect(sodium.to_hex(kemDecapsulate(tampered, kem.seed))).not.toBe(sodium.to_hex(sharedSecret));
  });
});
