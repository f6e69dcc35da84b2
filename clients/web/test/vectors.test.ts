/**
 * Every vector of docs/test-vectors, byte for byte: the browser's crypto must produce exactly what the Java
 * SDK (the reference, net.secureconnect.sdk.vectors.TestVectors) wrote.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { sodium, sodiumReady } from '../src/crypto/sodium';
import { concat, fromB64, fromHex, hex, utf8 } from '../src/crypto/bytes';
import { hkdf, kdfChain, kdfRoot, messageKeys } from '../src/crypto/kdf';
import {
  associatedData, identityFromSeed, initiatorDhs, kemEncapsulate, kemDecapsulate, kemKeyPair, responderDhs,
  sharedSecret, sign, verify, x25519KeyPair, type KeySource,
} from '../src/crypto/x3dh';
import { acceptPrekeyMessage, decryptMessage, encryptMessage, parsePrekeyMessage, startSession, type Session } from '../src/crypto/session';
import { DuplicateMessageError } from '../src/crypto/ratchet';
import { fingerprint, safetyNumber } from '../src/crypto/safety';
import { decryptAttachment, encryptAttachment, AttachmentError } from '../src/crypto/attachment';

const dir = new URL('../../../docs/test-vectors/', import.meta.url).pathname;
const load = (name: string) => JSON.parse(readFileSync(dir + name, 'utf8'));
const h = fromHex;

beforeAll(async () => { await sodiumReady(); });

describe('kdf.json', () => {
  const v = load('kdf.json');
  it('HKDF: RFC 5869 A.1 and the X3DH info', () => {
    expect(v.hkdf.length).toBe(2);
    for (const c of v.hkdf) expect(hex(hkdf(h(c.salt), h(c.ikm), h(c.info), c.length))).toBe(c.okm);
  });
  it('KDF_RK', () => {
    for (const c of v.kdfRoot) {
      expect(new TextDecoder().decode(utf8(c.info))).toBe('SecureConnect Ratchet v1');
      const [rk, ck] = kdfRoot(h(c.rootKey), h(c.dhOutput));
      expect(hex(rk)).toBe(c.newRootKey);
      expect(hex(ck)).toBe(c.chainKey);
    }
  });
  it('KDF_CK steps and derived AEAD key and nonce', () => {
    let ck = h(v.kdfChain.chainKey);
    expect(v.kdfChain.steps.length).toBe(3);
    for (const step of v.kdfChain.steps) {
      const [mk, next] = kdfChain(ck);
      expect(hex(mk)).toBe(step.messageKey);
      expect(hex(next)).toBe(step.nextChainKey);
      const { key, nonce } = messageKeys(mk);
      expect(hex(key)).toBe(step.aeadKey);
      expect(hex(nonce)).toBe(step.aeadNonce);
      ck = next;
    }
  });
});

/** Keys of a party of x3dh.json, derived from its private parts and checked against its public ones. */
function party(p: any) {
  const identity = identityFromSeed(h(p.identitySeed));
  const agreement = x25519KeyPair(h(p.agreementPrivate));
  const spk = x25519KeyPair(h(p.signedPrekeyPrivate));
  return { identity, agreement, spk, agreementKeySignature: h(p.agreementKeySignature), p };
}

describe('x3dh.json', () => {
  const v = load('x3dh.json');
  it('keys and signatures of both parties (Ed25519 is deterministic: re-signing gives the same bytes)', () => {
    for (const p of [v.alice, v.bob]) {
      const k = party(p);
      expect(hex(k.identity.publicKey)).toBe(p.identityKey);
      expect(hex(k.agreement.publicKey)).toBe(p.agreementKey);
      expect(hex(k.spk.publicKey)).toBe(p.signedPrekey);
      expect(hex(sign(k.identity, 'agreement', k.agreement.publicKey))).toBe(p.agreementKeySignature);
      expect(hex(sign(k.identity, 'signedPrekey', k.spk.publicKey))).toBe(p.signedPrekeySignature);
      expect(verify(k.identity.publicKey, 'agreement', k.agreement.publicKey, h(p.agreementKeySignature))).toBe(true);
      // A signature over another key does not verify.
      expect(verify(k.identity.publicKey, 'agreement', k.spk.publicKey, h(p.agreementKeySignature))).toBe(false);
    }
    expect(hex(x25519KeyPair(h(v.bobOneTimePrekeyPrivate)).publicKey)).toBe(v.bobOneTimePrekeyPublic);
    expect(hex(x25519KeyPair(h(v.aliceEphemeralPrivate)).publicKey)).toBe(v.aliceEphemeralPublic);
  });
  it('SK with and without the one-time prekey, on both sides; AD', () => {
    const a = party(v.alice), b = party(v.bob);
    const ek = x25519KeyPair(h(v.aliceEphemeralPrivate));
    const opk = x25519KeyPair(h(v.bobOneTimePrekeyPrivate));
    for (const [withOpk, expected] of [[true, v.sharedSecretWithOneTimePrekey], [false, v.sharedSecretWithoutOneTimePrekey]] as const) {
      const alice = sharedSecret(initiatorDhs(a.agreement.privateKey, ek.privateKey, {
        agreementKey: b.agreement.publicKey, signedPrekey: b.spk.publicKey, oneTimePrekey: withOpk ? opk.publicKey : undefined,
      }));
      const bob = sharedSecret(responderDhs({ agreementPrivate: b.agreement.privateKey, signedPrekeyPrivate: b.spk.privateKey,
        oneTimePrekeyPrivate: withOpk ? opk.privateKey : undefined }, { agreementKey: a.agreement.publicKey, ephemeralKey: ek.publicKey }));
      expect(hex(alice)).toBe(expected);
      expect(hex(bob)).toBe(expected);
    }
    expect(hex(associatedData(a.identity.publicKey, a.agreement.publicKey, b.identity.publicKey, b.agreement.publicKey))).toBe(v.associatedData);
  });
  it('PQXDH: ML-KEM-768 key from its seed, encapsulation with fixed m, decapsulation, SK', () => {
    const q = v.pqxdh;
    const a = party(v.alice), b = party(v.bob);
    const kem = kemKeyPair(h(q.kemSeed));
    expect(hex(kem.publicKey)).toBe(q.kemPublicKey);
    expect(hex(sign(b.identity, 'kemPrekey', kem.publicKey))).toBe(q.kemPrekeySignature);
    const enc = kemEncapsulate(kem.publicKey, h(q.encapsulationRandomness));
    expect(hex(enc.cipherText)).toBe(q.kemCiphertext);
    expect(hex(enc.sharedSecret)).toBe(q.kemSharedSecret);
    expect(hex(kemDecapsulate(enc.cipherText, h(q.kemSeed)))).toBe(q.kemSharedSecret);
    // A tampered ciphertext decapsulates to an unrelated secret (implicit rejection), not an error.
    const bad = enc.cipherText.slice();
    bad[0] ^= 1;
    expect(hex(kemDecapsulate(bad, h(q.kemSeed)))).not.toBe(q.kemSharedSecret);
    const ek = x25519KeyPair(h(v.aliceEphemeralPrivate));
    const opk = x25519KeyPair(h(v.bobOneTimePrekeyPrivate));
    const sk = sharedSecret(initiatorDhs(a.agreement.privateKey, ek.privateKey, {
      agreementKey: b.agreement.publicKey, signedPrekey: b.spk.publicKey, oneTimePrekey: opk.publicKey,
    }), enc.sharedSecret);
    expect(new TextDecoder().decode(utf8(q.info))).toBe('SecureConnect PQXDH v1');
    expect(hex(sk)).toBe(q.sharedSecretWithOneTimePrekey);
  });
});

/** The vectors' key sequence: SHA-256("SecureConnect test vector " + prefix + " " + i), i = 0, 1, … */
function vectorKeys(prefix: string): KeySource {
  let i = 0;
  return () => x25519KeyPair(sodium.crypto_hash_sha256(utf8(`SecureConnect test vector ${prefix} ${i++}`)));
}

describe('ratchet.json', () => {
  const x = load('x3dh.json');
  const v = load('ratchet.json');
  it('reproduces all five wire messages byte for byte and decrypts each on the other side', () => {
    const a = party(x.alice), b = party(x.bob);
    const aliceKeys = vectorKeys(v.aliceKeyPrefix), bobKeys = vectorKeys(v.bobKeyPrefix);
    const opk = x25519KeyPair(h(x.bobOneTimePrekeyPrivate));
    let alice: Session = startSession(
      { identity: a.identity, agreement: a.agreement, agreementKeySignature: a.agreementKeySignature },
      { identityKey: b.identity.publicKey, agreementKey: b.agreement.publicKey, agreementKeySignature: b.agreementKeySignature,
        signedPrekey: { keyId: x.bob.signedPrekeyId, publicKey: b.spk.publicKey, signature: h(x.bob.signedPrekeySignature) },
        oneTimePrekey: { keyId: 7, publicKey: opk.publicKey } },
      aliceKeys);
    const bobOwn = { identity: b.identity, agreement: b.agreement, agreementKeySignature: b.agreementKeySignature };
    const prekeys = {
      signedPrekey: (id: number) => (id === x.bob.signedPrekeyId ? b.spk : undefined),
      oneTimePrekey: (id: number) => (id === 7 ? opk.privateKey : undefined),
      kemPrekey: () => undefined,
    };
    let bob: Session | undefined;
    const wires: Uint8Array[] = [];
    expect(v.messages.length).toBe(5);
    for (const m of v.messages) {
      const pt = utf8(m.plaintext);
      if (m.from === 'alice') {
        const wire = encryptMessage(alice, pt);
        expect(hex(wire)).toBe(m.wire);
        const r = bob ? decryptMessage(bob, wire, bobKeys) : acceptPrekeyMessage(bobOwn, prekeys, parsePrekeyMessage(wire), bobKeys);
        bob = r.session;
        expect(new TextDecoder().decode(r.plaintext)).toBe(m.plaintext);
        wires.push(wire);
      } else {
        const wire = encryptMessage(bob!, pt);
        expect(hex(wire)).toBe(m.wire);
        const r = decryptMessage(alice, wire, aliceKeys);
        alice = r.session;
        expect(new TextDecoder().decode(r.plaintext)).toBe(m.plaintext);
        wires.push(wire);
      }
    }
    // The relay may deliver twice: a second copy is refused as a duplicate and changes nothing.
    expect(() => decryptMessage(alice, wires[4], aliceKeys)).toThrow(DuplicateMessageError);
    // A flipped bit in the ciphertext does not authenticate.
    const forged = wires[3].slice();
    forged[forged.length - 1] ^= 1;
    expect(() => decryptMessage(bob!, forged, bobKeys)).toThrow();
  });
});

describe('safety-number.json', () => {
  const v = load('safety-number.json');
  it('fingerprint, 60 digits and QR text, the same from both sides', () => {
    const local = { accountId: v.localAccountId, identityKeys: v.localIdentityKeys.map(h) };
    const remote = { accountId: v.remoteAccountId, identityKeys: v.remoteIdentityKeys.map(h) };
    expect(hex(fingerprint(local.accountId, local.identityKeys))).toBe(v.localFingerprint);
    // Key order does not matter (sorted bytewise).
    expect(hex(fingerprint(local.accountId, [...local.identityKeys].reverse()))).toBe(v.localFingerprint);
    const ours = safetyNumber(local, remote);
    expect(ours.digits).toBe(v.digits);
    expect(ours.qr).toBe(v.qr);
    const theirs = safetyNumber(remote, local);
    expect(theirs).toEqual(ours);
  });
});

describe('secretstream.json', () => {
  const v = load('secretstream.json');
  const pointer = { key: fromB64(v.pointer.key), size: v.pointer.size, digest: fromB64(v.pointer.digest) };
  it('decrypts the SDK\'s 70,000-byte attachment and every byte matches', () => {
    const pt = decryptAttachment(h(v.blob), pointer);
    expect(pt.length).toBe(70000);
    expect(hex(sodium.crypto_hash_sha256(pt))).toBe(v.plaintextSha256);
    for (let i = 0; i < pt.length; i++) if (pt[i] !== i % 256) throw new Error(`byte ${i}`);
  });
  it('refuses a blob whose digest, chunks, end or size are wrong', () => {
    const blob = h(v.blob);
    const flipped = blob.slice();
    flipped[100] ^= 1;
    expect(() => decryptAttachment(flipped, pointer)).toThrow(AttachmentError);
    // Right digest for the tampered bytes, so the chunk check itself must catch it.
    expect(() => decryptAttachment(flipped, { ...pointer, digest: sodium.crypto_hash_sha256(flipped) })).toThrow(/authenticate/);
    const truncated = blob.slice(0, 24 + 65536 + 17);
    expect(() => decryptAttachment(truncated, { ...pointer, digest: sodium.crypto_hash_sha256(truncated) })).toThrow(/final/);
    expect(() => decryptAttachment(blob, { ...pointer, size: 69999 })).toThrow(AttachmentError);
    const extra = concat(blob, new Uint8Array(40));
    expect(() => decryptAttachment(extra, { ...pointer, digest: sodium.crypto_hash_sha256(extra) })).toThrow(AttachmentError);
  });
  it('what the browser encrypts has the SDK\'s layout (24 + size + 17·k) and round-trips', () => {
    const data = sodium.randombytes_buf(2 * 65536 + 5);
    const { blob, pointer: p } = encryptAttachment(data);
    expect(blob.length).toBe(24 + data.length + 17 * 3);
    expect(Buffer.from(decryptAttachment(blob, p)).equals(Buffer.from(data))).toBe(true);
    const empty = encryptAttachment(new Uint8Array(0));
    expect(empty.blob.length).toBe(24 + 17);
    expect(decryptAttachment(empty.blob, empty.pointer).length).toBe(0);
  });
});
