/**
 * Call signalling content (docs/protocol.md, "Call signalling content"): padded JSON inside the Double Ratchet,
 * bound to its envelope's kind and call id. Hostile parties: a relay that moves a signal into another call or
 * relabels its kind, a network that flips a bit, a peer that sends what WebRTC should never see.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sodium, sodiumReady } from '../src/crypto/sodium';
import { identityFromSeed, kemKeyPair, randomKeys, sign, x25519KeyPair } from '../src/crypto/x3dh';
import { acceptPrekeyMessage, decryptMessage, encryptMessage, parsePrekeyMessage, startSession } from '../src/crypto/session';
import { InvalidMessageError } from '../src/crypto/ratchet';
import { decodeSignal, encodeSignal, MAX_CANDIDATES, MAX_SDP_CHARS, type SignalBody } from '../src/calls/signal';
import { PADDING_BLOCK } from '../src/messaging/codec';

beforeAll(async () => { await sodiumReady(); });

const CALL = '0b0e5f9e-2d1c-4f4b-9a64-3f2b1c0d9e8a';
const SDP = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';

/** The bytes of a signal as a hostile peer could write them (padded like a real one). */
const raw = (json: unknown) => sodium.pad(new TextEncoder().encode(JSON.stringify(json)), PADDING_BLOCK);

describe('call signal content', () => {
  it('round-trips every kind, padded to the message block', () => {
    const bodies: SignalBody[] = [
      { kind: 'call-offer', media: 'audio' },
      { kind: 'call-answer' },
      { kind: 'call-ice', sdp: { type: 'offer', sdp: SDP } },
      { kind: 'call-ice', candidates: [{ candidate: 'candidate:1 1 udp 41885439 127.0.0.1 49170 typ relay raddr 0.0.0.0 rport 0', sdpMid: '0', sdpMLineIndex: 0 }] },
      { kind: 'call-hangup', reason: 'declined' },
    ];
    for (const b of bodies) {
      const bytes = encodeSignal(CALL, b);
      expect(bytes.length % PADDING_BLOCK).toBe(0);
      expect(decodeSignal(bytes, b.kind, CALL)).toEqual(b);
    }
    // The exact JSON other clients must write (protocol.md).
    const json = new TextDecoder().decode(sodium.unpad(encodeSignal(CALL, { kind: 'call-offer', media: 'audio' }), PADDING_BLOCK));
    expect(JSON.parse(json)).toEqual({ v: 1, kind: 'call-offer', callId: CALL, media: 'audio' });
  });

  it('is refused in another call or under another kind (a relay moving or relabelling a signal)', () => {
    const offer = encodeSignal(CALL, { kind: 'call-offer', media: 'audio' });
    expect(() => decodeSignal(offer, 'call-offer', 'another-call')).toThrow(InvalidMessageError);
    expect(() => decodeSignal(offer, 'call-answer', CALL)).toThrow(/envelope call-answer/);
    const ice = encodeSignal(CALL, { kind: 'call-ice', sdp: { type: 'answer', sdp: SDP } });
    expect(() => decodeSignal(ice, 'call-offer', CALL)).toThrow(InvalidMessageError);
    // A message's content is not a signal.
    expect(() => decodeSignal(sodium.pad(new TextEncoder().encode(JSON.stringify({ v: 1, sentAt: 1, text: 'hi' })), PADDING_BLOCK), 'call-offer', CALL))
      .toThrow(InvalidMessageError);
  });

  it('refuses what WebRTC should never see from a hostile peer', () => {
    const bad: [string, unknown][] = [
      ['call-offer', { v: 1, kind: 'call-offer', callId: CALL }], // no media
      ['call-offer', { v: 1, kind: 'call-offer', callId: CALL, media: 'screen' }],
      ['call-offer', { v: 2, kind: 'call-offer', callId: CALL, media: 'audio' }],
      ['call-ice', { v: 1, kind: 'call-ice', callId: CALL }], // empty
      ['call-ice', { v: 1, kind: 'call-ice', callId: CALL, sdp: { type: 'pranswer', sdp: SDP } }],
      ['call-ice', { v: 1, kind: 'call-ice', callId: CALL, sdp: { type: 'offer', sdp: 'not an sdp' } }],
      ['call-ice', { v: 1, kind: 'call-ice', callId: CALL, sdp: { type: 'offer', sdp: SDP + 'a'.repeat(MAX_SDP_CHARS) } }],
      ['call-ice', { v: 1, kind: 'call-ice', callId: CALL, candidates: 'candidate:1' }],
      ['call-ice', { v: 1, kind: 'call-ice', callId: CALL, candidates: Array.from({ length: MAX_CANDIDATES + 1 }, () => ({ candidate: 'candidate:1' })) }],
      ['call-ice', { v: 1, kind: 'call-ice', callId: CALL, candidates: [{ candidate: 'c'.repeat(600) }] }],
      ['call-ice', { v: 1, kind: 'call-ice', callId: CALL, candidates: [{ candidate: 'candidate:1', sdpMLineIndex: -1 }] }],
      ['call-ice', { v: 1, kind: 'call-ice', callId: CALL, candidates: [{ candidate: 'candidate:1', sdpMid: { x: 1 } }] }],
      ['call-ring', { v: 1, kind: 'call-ring', callId: CALL }], // unknown kind
    ];
    for (const [kind, json] of bad) expect(() => decodeSignal(raw(json), kind, CALL), JSON.stringify(json).slice(0, 80)).toThrow(InvalidMessageError);
    // Not padded, or not JSON.
    expect(() => decodeSignal(new TextEncoder().encode('{"v":1}'), 'call-answer', CALL)).toThrow(InvalidMessageError);
    expect(() => decodeSignal(sodium.pad(new Uint8Array([0xff, 0xfe]), PADDING_BLOCK), 'call-answer', CALL)).toThrow(InvalidMessageError);
    // An unknown hangup reason is read as a plain hangup (it ends the call either way).
    expect(decodeSignal(raw({ v: 1, kind: 'call-hangup', callId: CALL, reason: '<script>' }), 'call-hangup', CALL)).toEqual({ kind: 'call-hangup', reason: 'hangup' });
  });

  it('a signal altered in transit is refused by the ratchet, and the session goes on', () => {
    const device = () => {
      const identity = identityFromSeed(sodium.randombytes_buf(32));
      const agreement = x25519KeyPair(sodium.randombytes_buf(32));
      const spk = x25519KeyPair(sodium.randombytes_buf(32));
      const kem = kemKeyPair(sodium.randombytes_buf(64));
      return { identity, agreement, spk, kem, agreementKeySignature: sign(identity, 'agreement', agreement.publicKey) };
    };
    const a = device(), b = device();
    const caller = startSession({ identity: a.identity, agreement: a.agreement, agreementKeySignature: a.agreementKeySignature }, {
      identityKey: b.identity.publicKey, agreementKey: b.agreement.publicKey, agreementKeySignature: b.agreementKeySignature,
      signedPrekey: { keyId: 1, publicKey: b.spk.publicKey, signature: sign(b.identity, 'signedPrekey', b.spk.publicKey) },
      kemPrekey: { keyId: 1, publicKey: b.kem.publicKey, signature: sign(b.identity, 'kemPrekey', b.kem.publicKey), lastResort: true },
    }, randomKeys);
    const offer = encryptMessage(caller, encodeSignal(CALL, { kind: 'call-offer', media: 'audio' }));
    const accepted = acceptPrekeyMessage({ identity: b.identity, agreement: b.agreement, agreementKeySignature: b.agreementKeySignature },
      { signedPrekey: () => b.spk, oneTimePrekey: () => undefined, kemPrekey: (id, lastResort) => (id === 1 && lastResort ? b.kem.seed : undefined) },
      parsePrekeyMessage(offer), randomKeys);
    expect(decodeSignal(accepted.plaintext, 'call-offer', CALL)).toEqual({ kind: 'call-offer', media: 'audio' });
    let callee = accepted.session;
    // The callee answers (its first ratchet message), so the caller's next signal is a plain ratchet message.
    const answer = decryptMessage(caller, encryptMessage(callee, encodeSignal(CALL, { kind: 'call-answer' })), randomKeys);
    expect(decodeSignal(answer.plaintext, 'call-answer', CALL)).toEqual({ kind: 'call-answer' });
    const callerAfter = answer.session;

    const ice = encryptMessage(callerAfter, encodeSignal(CALL, { kind: 'call-ice', sdp: { type: 'offer', sdp: SDP } }));
    expect(ice[0]).toBe(1); // TYPE_RATCHET: header and ciphertext, all authenticated
    for (const at of [5, 40, 70, ice.length - 40, ice.length - 1]) {
      const tampered = ice.slice();
      tampered[at] ^= 0x01;
      expect(() => decryptMessage(callee, tampered, randomKeys)).toThrow();
    }
    const r = decryptMessage(callee, ice, randomKeys); // the untouched one still opens: nothing was consumed
    callee = r.session;
    expect(decodeSignal(r.plaintext, 'call-ice', CALL)).toEqual({ kind: 'call-ice', sdp: { type: 'offer', sdp: SDP } });
  });
});
