/** Sessions survive being stored (the SDK's session JSON) mid-conversation; message content is padded JSON. */
import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../src/crypto/sodium';
import { b64, utf8 } from '../src/crypto/bytes';
import { identityFromSeed, kemKeyPair, randomKeys, sign, x25519KeyPair } from '../src/crypto/x3dh';
import { sodium } from '../src/crypto/sodium';
import { acceptPrekeyMessage, decryptMessage, encryptMessage, parsePrekeyMessage, startSession } from '../src/crypto/session';
import { decodeContent, encodeContent, sessionFromJson, sessionToJson } from '../src/messaging/codec';
import { InvalidMessageError } from '../src/crypto/ratchet';

beforeAll(async () => { await sodiumReady(); });

function device() {
  const identity = identityFromSeed(sodium.randombytes_buf(32));
  const agreement = x25519KeyPair(sodium.randombytes_buf(32));
  const spk = x25519KeyPair(sodium.randombytes_buf(32));
  const kem = kemKeyPair(sodium.randombytes_buf(64));
  return { identity, agreement, spk, kem, kemSig: sign(identity, 'kemPrekey', kem.publicKey), agreementKeySignature: sign(identity, 'agreement', agreement.publicKey), spkSig: sign(identity, 'signedPrekey', spk.publicKey) };
}

describe('session JSON', () => {
  it('a conversation goes on after both sides stored and reloaded their sessions at every step', () => {
    const a = device(), b = device();
    const own = (d: ReturnType<typeof device>) => ({ identity: d.identity, agreement: d.agreement, agreementKeySignature: d.agreementKeySignature });
    const keysOf = (d: ReturnType<typeof device>) => ({ identityKey: d.identity.publicKey, agreementKey: d.agreement.publicKey, agreementKeySignature: d.agreementKeySignature });
    let alice = startSession(own(a), { identityKey: b.identity.publicKey, agreementKey: b.agreement.publicKey, agreementKeySignature: b.agreementKeySignature,
      signedPrekey: { keyId: 1, publicKey: b.spk.publicKey, signature: b.spkSig },
      kemPrekey: { keyId: 1, publicKey: b.kem.publicKey, signature: b.kemSig, lastResort: true } }, randomKeys);
    const roundTrip = (s: typeof alice, d: ReturnType<typeof device>) => sessionFromJson(JSON.parse(JSON.stringify(sessionToJson(s))), keysOf(d));
    alice = roundTrip(alice, a);
    const first = encryptMessage(alice, encodeContent('hello'));
    expect(first[0]).toBe(3);
    const accepted = acceptPrekeyMessage(own(b), { signedPrekey: () => b.spk, oneTimePrekey: () => undefined, kemPrekey: (id, lastResort) => (id === 1 && lastResort ? b.kem.seed : undefined) },
      parsePrekeyMessage(first), randomKeys);
    let bob = roundTrip(accepted.session, b);
    expect(bob.pq).toBe(true);
    // A stored session without the pq mark (X3DH, written before issue 15) is never used again.
    const old = sessionFromJson({ ...sessionToJson(accepted.session), pq: undefined }, keysOf(b));
    expect(old.pq).toBe(false);
    expect(() => decryptMessage(old, encryptMessage(roundTrip(alice, a), encodeContent('x')), randomKeys)).toThrow(InvalidMessageError);
    expect(decodeContent(accepted.plaintext).text).toBe('hello');
    alice = roundTrip(alice, a);
    const again = encryptMessage(alice, encodeContent('still pending'));
    expect(again[0]).toBe(3); // PQXDH prekey messages until the first reply, also after a reload
    let r = decryptMessage(bob, again, randomKeys);
    bob = roundTrip(r.session, b);
    for (let i = 0; i < 5; i++) {
      const reply = encryptMessage(bob, encodeContent(`reply ${i}`));
      bob = roundTrip(bob, b);
      r = decryptMessage(alice, reply, randomKeys);
      alice = roundTrip(r.session, a);
      expect(decodeContent(r.plaintext).text).toBe(`reply ${i}`);
      const next = encryptMessage(alice, encodeContent(`msg ${i}`));
      expect(next[0]).toBe(1);
      alice = roundTrip(alice, a);
      r = decryptMessage(bob, next, randomKeys);
      bob = roundTrip(r.session, b);
      expect(decodeContent(r.plaintext).text).toBe(`msg ${i}`);
    }
  });
});

describe('message content', () => {
  it('is padded to 160-byte blocks and refused when not validly padded or of another version', () => {
    const c = encodeContent('hi', 1767225600000);
    expect(c.length % 160).toBe(0);
    expect(decodeContent(c)).toEqual({ sentAt: 1767225600000, text: 'hi', attachments: [] });
    expect(() => decodeContent(utf8('{"v":1,"text":"unpadded"}'))).toThrow(InvalidMessageError);
    expect(() => decodeContent(sodium.pad(utf8('{"v":2,"text":"x"}'), 160))).toThrow(InvalidMessageError);
  });
  const key = b64(new Uint8Array(32).fill(1)), digest = b64(new Uint8Array(32).fill(2));
  it('carries attachment pointers in the SDK\'s JSON (MessageContent.Attachment), without text', () => {
    const ref = { blobId: 'm1', contentType: 'image/png', fileName: 'a.png', key, size: 70000, digest };
    const c = encodeContent(undefined, 1, [ref]);
    const json = JSON.parse(new TextDecoder().decode(sodium.unpad(c, 160)));
    expect(json).toEqual({ v: 1, sentAt: 1, attachments: [{ key, size: 70000, digest, blobId: 'm1', contentType: 'image/png', fileName: 'a.png' }] });
    expect(decodeContent(c)).toEqual({ sentAt: 1, text: undefined, attachments: [ref] });
  });
  it('refuses a message whose pointer is malformed (a hostile sender\'s client)', () => {
    const bad = (a: object) => () => decodeContent(sodium.pad(utf8(JSON.stringify({ v: 1, sentAt: 1, attachments: [a] })), 160));
    const good = { blobId: 'm1', contentType: 'x/y', key, size: 3, digest };
    expect(bad(good)).not.toThrow();
    expect(bad({ ...good, key: b64(new Uint8Array(31)) })).toThrow(InvalidMessageError);
    expect(bad({ ...good, digest: 'not base64!' })).toThrow(InvalidMessageError);
    expect(bad({ ...good, size: -1 })).toThrow(InvalidMessageError);
    expect(bad({ ...good, size: 1.5 })).toThrow(InvalidMessageError);
    expect(bad({ ...good, blobId: '' })).toThrow(InvalidMessageError);
  });
});
