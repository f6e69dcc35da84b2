/**
 * Every vector of docs/test-vectors, byte for byte: the browser's crypto must produce exactly what the Java
 * SDK (the reference, net.secureconnect.sdk.vectors.TestVectors) wrote.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { sodium, sodiumReady } from '../src/crypto/sodium';
import { concat, fromB64, fromHex, hex, utf8 } from '../src/crypto/bytes';
import { hkdf, kdfChain, kdfRoot, messageKey } from '../src/crypto/kdf';
import {
  associatedData, identityFromSeed, initiatorDhs, kemEncapsulate, kemDecapsulate, kemKeyPair, responderDhs,
  sharedSecret, sign, verify, x25519KeyPair, type KeySource,
} from '../src/crypto/x3dh';
import {
  acceptPrekeyMessage, decryptMessage, DowngradeError, encryptMessage, MissingPostQuantumKeyError, parsePrekeyMessage, startSession, type Session,
} from '../src/crypto/session';
import { DuplicateMessageError, InvalidMessageError } from '../src/crypto/ratchet';
import { fingerprint, safetyNumber } from '../src/crypto/safety';
import { AttachmentError, blobLength, decryptAttachment, encryptAttachment, paddedLength } from '../src/crypto/attachment';
import { decodeContent, encodeContent, PADDING_BLOCK } from '../src/messaging/codec';

/** Random bytes (Node's CSPRNG: libsodium's randombytes_buf is slow under Node). */
const rnd = (n: number) => new Uint8Array(randomBytes(n));

const dir = new URL('../../../docs/test-vectors/', import.meta.url).pathname;
const load = (name: string) => JSON.parse(readFileSync(dir + name, 'utf8'));
const h = fromHex;

beforeAll(async () => { await sodiumReady(); });

it('covers every file of docs/test-vectors (a new vector file needs a describe block here)', () => {
  expect(readdirSync(dir).filter((f) => f.endsWith('.json')).sort())
    .toEqual(['attachments.json', 'content.json', 'kdf.json', 'ratchet.json', 'safety-number.json', 'secretstream.json', 'x3dh.json']);
});

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
  it('KDF_CK steps and the AEAD key (MessageKeys v2: key only, the nonce is random)', () => {
    let ck = h(v.kdfChain.chainKey);
    expect(v.kdfChain.steps.length).toBe(3);
    for (const step of v.kdfChain.steps) {
      const [mk, next] = kdfChain(ck);
      expect(hex(mk)).toBe(step.messageKey);
      expect(hex(next)).toBe(step.nextChainKey);
      expect(step.aeadNonce).toBeUndefined();
      expect(hex(messageKey(mk))).toBe(step.aeadKey);
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

/** The n-th nonce a side draws: the first 24 bytes of SHA-256("SecureConnect test vector " + prefix + " nonce " + n). */
function vectorNonces(prefix: string): () => Uint8Array {
  let n = 0;
  return () => sodium.crypto_hash_sha256(utf8(`SecureConnect test vector ${prefix} nonce ${n++}`)).slice(0, 24);
}

describe('ratchet.json', () => {
  const x = load('x3dh.json');
  const v = load('ratchet.json');
  const a = party(x.alice), b = party(x.bob);
  const opk = x25519KeyPair(h(x.bobOneTimePrekeyPrivate));
  const kem = () => kemKeyPair(h(x.pqxdh.kemSeed));
  const bobOwn = { identity: b.identity, agreement: b.agreement, agreementKeySignature: b.agreementKeySignature };
  const bobBundle = (withKem = true) => ({
    identityKey: b.identity.publicKey, agreementKey: b.agreement.publicKey, agreementKeySignature: b.agreementKeySignature,
    signedPrekey: { keyId: x.bob.signedPrekeyId, publicKey: b.spk.publicKey, signature: h(x.bob.signedPrekeySignature) },
    oneTimePrekey: { keyId: 7, publicKey: opk.publicKey },
    kemPrekey: withKem ? { keyId: 3, publicKey: kem().publicKey, signature: h(x.pqxdh.kemPrekeySignature), lastResort: true } : undefined,
  });
  const bobPrekeys = () => ({
    signedPrekey: (id: number) => (id === x.bob.signedPrekeyId ? b.spk : undefined),
    oneTimePrekey: (id: number) => (id === 7 ? opk.privateKey : undefined),
    kemPrekey: (id: number, lastResort: boolean) => (id === 3 && lastResort ? h(x.pqxdh.kemSeed) : undefined),
  });
  /** Bob's receive step as the messenger does it: a prekey message of an unknown session, else the session. */
  const bobReceive = (bob: Session | undefined, wire: Uint8Array, keys: KeySource) => {
    if (bob && (wire[0] === 0x01 || equalBytes(parsePrekeyMessage(wire).baseKey, bob.baseKey))) return decryptMessage(bob, wire, keys);
    return acceptPrekeyMessage(bobOwn, bobPrekeys(), parsePrekeyMessage(wire), keys);
  };

  it('reproduces all five wire messages (PQXDH 0x03 setup, random-nonce 64-byte headers) byte for byte and decrypts each on the other side', () => {
    const aliceKeys = vectorKeys(v.aliceKeyPrefix), bobKeys = vectorKeys(v.bobKeyPrefix);
    const aliceNonce = vectorNonces(v.aliceKeyPrefix), bobNonce = vectorNonces(v.bobKeyPrefix);
    let alice: Session = startSession({ identity: a.identity, agreement: a.agreement, agreementKeySignature: a.agreementKeySignature },
      bobBundle(), aliceKeys, h(x.pqxdh.encapsulationRandomness));
    let bob: Session | undefined;
    const wires: Uint8Array[] = [];
    expect(v.messages.length).toBe(5);
    for (const m of v.messages) {
      const pt = utf8(m.plaintext);
      if (m.from === 'alice') {
        const wire = encryptMessage(alice, pt, aliceNonce());
        expect(hex(wire)).toBe(m.wire);
        const r = bobReceive(bob, wire, bobKeys);
        bob = r.session;
        expect(new TextDecoder().decode(r.plaintext)).toBe(m.plaintext);
        wires.push(wire);
      } else {
        const wire = encryptMessage(bob!, pt, bobNonce());
        expect(hex(wire)).toBe(m.wire);
        const r = decryptMessage(alice, wire, aliceKeys);
        alice = r.session;
        expect(new TextDecoder().decode(r.plaintext)).toBe(m.plaintext);
        wires.push(wire);
      }
    }
    // The relay may deliver twice: a second copy is refused as a duplicate and changes nothing.
    expect(() => decryptMessage(alice, wires[4], aliceKeys)).toThrow(DuplicateMessageError);
  });

  it('every refused vector is refused at its point of the conversation, as downgrade / invalid / duplicate, changing nothing', () => {
    expect(v.refused.map((r: any) => r.name)).toEqual(['x3dh-setup-refused', 'bad-tag', 'bad-agreement-key-signature', 'duplicate', 'truncated']);
    for (const r of v.refused) {
      expect(r.to).toBe('bob');
      // Bob as he is after the first `after` messages of the conversation (all from Alice here).
      const bobKeys = vectorKeys(v.bobKeyPrefix);
      let bob: Session | undefined;
      for (const m of v.messages.slice(0, r.after)) {
        expect(m.from).toBe('alice');
        bob = bobReceive(bob, h(m.wire), bobKeys).session;
      }
      const before = bob && JSON.stringify([...bob.ratchet.skipped.keys(), bob.ratchet.nr, hex(bob.ratchet.rk)]);
      const expected = { downgrade: DowngradeError, invalid: InvalidMessageError, duplicate: DuplicateMessageError }[r.expect as string];
      expect(expected, r.name).toBeDefined();
      let thrown: unknown;
      try { bobReceive(bob, h(r.wire), bobKeys); } catch (e) { thrown = e; }
      expect(thrown, r.name).toBeInstanceOf(expected!);
      if (bob) expect(JSON.stringify([...bob.ratchet.skipped.keys(), bob.ratchet.nr, hex(bob.ratchet.rk)])).toBe(before);
    }
    // After all refusals a fresh Bob still accepts the real first message.
    expect(new TextDecoder().decode(bobReceive(undefined, h(v.messages[0].wire), vectorKeys(v.bobKeyPrefix)).plaintext)).toBe(v.messages[0].plaintext);
  });

  it('outOfOrderToBob: a fresh Bob decrypts Alice\'s messages in the given order (skipped keys)', () => {
    const bobKeys = vectorKeys(v.bobKeyPrefix);
    let bob: Session | undefined;
    expect(v.outOfOrderToBob.length).toBeGreaterThan(1);
    for (const i of v.outOfOrderToBob) {
      const m = v.messages[i];
      expect(m.from).toBe('alice');
      const r = bobReceive(bob, h(m.wire), bobKeys);
      bob = r.session;
      expect(new TextDecoder().decode(r.plaintext)).toBe(m.plaintext);
    }
  });

  it('refuses a bundle without a post-quantum prekey (no session) and never sends type 0x02', () => {
    const own = { identity: a.identity, agreement: a.agreement, agreementKeySignature: a.agreementKeySignature };
    expect(() => startSession(own, bobBundle(false), vectorKeys('x'))).toThrow(MissingPostQuantumKeyError);
    const s = startSession(own, bobBundle(), vectorKeys('y'));
    expect(encryptMessage(s, utf8('hi'))[0]).toBe(0x03);
  });

  it('random nonces: the same state encrypting twice gives different nonces and both decrypt', () => {
    const own = { identity: a.identity, agreement: a.agreement, agreementKeySignature: a.agreementKeySignature };
    const s1 = startSession(own, bobBundle(), vectorKeys('z'), h(x.pqxdh.encapsulationRandomness));
    const s2 = startSession(own, bobBundle(), vectorKeys('z'), h(x.pqxdh.encapsulationRandomness));
    // s2 is a rolled-back copy of s1: same message key, but a fresh nonce, so no (key, nonce) pair repeats.
    const w1 = encryptMessage(s1, utf8('one')), w2 = encryptMessage(s2, utf8('two'));
    const hdr = (w: Uint8Array) => w.slice(w.length - 16 - 3 - 64, w.length - 16 - 3);
    expect(hex(hdr(w1).slice(0, 40))).toBe(hex(hdr(w2).slice(0, 40)));
    expect(hex(hdr(w1).slice(40))).not.toBe(hex(hdr(w2).slice(40)));
    // The receiver reads the first and refuses the replayed chain position as a duplicate.
    const r = bobReceive(undefined, w1, vectorKeys('q'));
    expect(new TextDecoder().decode(r.plaintext)).toBe('one');
    expect(() => bobReceive(r.session, w2, vectorKeys('q'))).toThrow(DuplicateMessageError);
  });
});

function equalBytes(x: Uint8Array, y: Uint8Array): boolean {
  return x.length === y.length && x.every((b, i) => b === y[i]);
}

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
  it('decrypts the SDK\'s 70,000-byte attachment (padded to 73,728) and every byte matches', () => {
    const blob = h(v.blob);
    expect(blob.length).toBe(blobLength(70000));
    expect(blob.length).toBe(24 + 73728 + 17 * 2);
    const pt = decryptAttachment(blob, pointer);
    expect(pt.length).toBe(70000);
    expect(hex(sodium.crypto_hash_sha256(pt))).toBe(v.plaintextSha256);
    for (let i = 0; i < pt.length; i++) if (pt[i] !== i % 256) throw new Error(`byte ${i}`);
  });
  it('refuses it when its digest, a chunk, its end or the size are wrong', () => {
    const blob = h(v.blob);
    const flipped = blob.slice();
    flipped[100] ^= 1;
    expect(() => decryptAttachment(flipped, pointer)).toThrow(AttachmentError);
    // Right digest for the tampered bytes, so the chunk check itself must catch it.
    expect(() => decryptAttachment(flipped, { ...pointer, digest: sodium.crypto_hash_sha256(flipped) })).toThrow(/authenticate/);
    const truncated = blob.slice(0, 24 + 65536 + 17);
    expect(() => decryptAttachment(truncated, { ...pointer, digest: sodium.crypto_hash_sha256(truncated) })).toThrow(/truncated/);
    // 69,999 has the same P, so the claim is caught by the non-zero byte it would turn into padding.
    expect(() => decryptAttachment(blob, { ...pointer, size: 69999 })).toThrow(/not all zero/);
    const extra = concat(blob, new Uint8Array(40));
    expect(() => decryptAttachment(extra, { ...pointer, digest: sodium.crypto_hash_sha256(extra) })).toThrow(/after the final chunk/);
  });
  it('what the browser encrypts is padded (24 + P + 17·k) and round-trips', () => {
    const data = rnd(2 * 65536 + 5);
    const { blob, pointer: p } = encryptAttachment(data);
    expect(blob.length).toBe(24 + 139264 + 17 * 3);
    expect(Buffer.from(decryptAttachment(blob, p)).equals(Buffer.from(data))).toBe(true);
    const empty = encryptAttachment(new Uint8Array(0));
    expect(empty.blob.length).toBe(24 + 512 + 17);
    expect(decryptAttachment(empty.blob, empty.pointer).length).toBe(0);
  });
});

describe('attachments.json', () => {
  const v = load('attachments.json');
  const ptr = (p: { key: string; size: number; digest: string }) => ({ key: fromB64(p.key), size: p.size, digest: fromB64(p.digest) });
  it('P(n) and the blob length for every size', () => {
    expect(v.paddedSizes.length).toBeGreaterThanOrEqual(15);
    for (const c of v.paddedSizes) {
      expect(paddedLength(c.size)).toBe(c.padded);
      expect(blobLength(c.size)).toBe(c.blobLength);
    }
  });
  it('decrypts every accepted blob: its length, and the SHA-256 of the first size bytes', () => {
    expect(v.accepted.map((a: { name: string }) => a.name)).toEqual(['empty', 'exactly-64KiB', 'padded']);
    for (const a of v.accepted) {
      const blob = h(a.blob);
      expect(blob.length).toBe(a.blobLength);
      const pt = decryptAttachment(blob, ptr(a.pointer));
      expect(pt.length).toBe(a.pointer.size);
      expect(hex(sodium.crypto_hash_sha256(pt))).toBe(a.plaintextSha256);
    }
  });
  it('refuses every refused blob, for the SDK\'s reason', () => {
    // The SDK's reason → the browser's wording of the same check.
    const same: Record<string, RegExp> = {
      'truncated-to-header': /truncated/,
      'truncated-by-one-byte': /truncated|does not authenticate/,
      'padding-not-zero': /padding after the file is not all zero/,
      'not-padded': /padded length 600 differs from 608 = P\(600\)/,
      'padded-too-long': /longer than a file of 100 bytes/,
      'bad-digest': /SHA-256 differs/,
    };
    expect(v.refused.map((r: { name: string }) => r.name).sort()).toEqual(Object.keys(same).sort());
    const accepted = Object.fromEntries(v.accepted.map((a: { name: string; blob: string }) => [a.name, h(a.blob)]));
    for (const r of v.refused) {
      const blob = r.truncatedFrom ? accepted[r.truncatedFrom].subarray(0, r.length) : h(r.blob);
      if (r.truncatedFrom) expect(hex(sodium.crypto_hash_sha256(blob))).toBe(hex(fromB64(r.pointer.digest)));
      expect(() => decryptAttachment(blob, ptr(r.pointer)), r.name).toThrow(same[r.name]);
    }
  });
});

describe('content.json (§5.3 content padding)', () => {
  const v = load('content.json');
  it('pads every accepted content to the SDK\'s bytes and unpads it back', () => {
    expect(v.blockSize).toBe(PADDING_BLOCK);
    for (const a of v.accepted) {
      const padded = sodium.pad(utf8(a.json), PADDING_BLOCK);
      expect(hex(padded), a.name).toBe(a.padded);
      expect(new TextDecoder().decode(sodium.unpad(h(a.padded), PADDING_BLOCK)), a.name).toBe(a.json);
    }
    const text = v.accepted.find((a: any) => a.name === 'text');
    const parsed = JSON.parse(text.json);
    expect(hex(encodeContent(parsed.text, parsed.sentAt))).toBe(text.padded);
  });
  it('refuses the refused contents (session reset is not in the browser yet: that one is listed, not skipped silently)', () => {
    const notInBrowserYet = ['session-reset-device-0'];
    expect(v.refused.map((r: any) => r.name).filter((n: string) => notInBrowserYet.includes(n))).toEqual(notInBrowserYet);
    for (const r of v.refused.filter((r: any) => !notInBrowserYet.includes(r.name))) {
      expect(() => decodeContent(h(r.padded)), r.name).toThrow();
    }
  });
});
