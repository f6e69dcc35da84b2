/**
 * Who wrote (docs/protocol-crypto.md §5.3 `from`, src/messaging/names.ts): a sender's username claim travels end to
 * end encrypted and is shown only after the forward lookup says the name belongs to the authenticated sender.
 * Hostile senders: one claiming another person's name, one claiming a name nobody has, one sending a malformed
 * claim, one changing its claim on every message to spend the receiver's lookups. The directory here stands for
 * identity-service's `GET /v1/usernames/{u}` (names are unique there; the browser tests use the real one).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sodium, sodiumReady } from '../src/crypto/sodium';
import { identityFromSeed, kemKeyPair, randomKeys, sign, x25519KeyPair } from '../src/crypto/x3dh';
import { acceptPrekeyMessage, encryptMessage, parsePrekeyMessage, startSession } from '../src/crypto/session';
import { decodeContent, encodeContent, PADDING_BLOCK } from '../src/messaging/codec';
import { decodeSignal, encodeSignal } from '../src/calls/signal';
import { displayName, MAX_CLAIMS_PER_CONVERSATION, resolveClaim, type NameDirectory, type Named } from '../src/messaging/names';

beforeAll(async () => { await sodiumReady(); });

const ALICE = 'a1a1a1a1-0000-4000-8000-000000000001';
const MALLORY = 'b2b2b2b2-0000-4000-8000-000000000002';
const CALL = '0b0e5f9e-2d1c-4f4b-9a64-3f2b1c0d9e8a';

/** identity-service's forward lookup over a fixed directory; counts the questions it was asked. */
function directory(names: Record<string, string>): NameDirectory & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async lookup(u) {
      asked.push(u);
      const hit = Object.entries(names).find(([n]) => n.toLowerCase() === u.toLowerCase());
      return hit && { username: hit[0], accountId: hit[1] };
    },
  };
}

const conversation = (accountId: string): Named => ({ accountId, notices: [] });
const raw = (json: unknown) => sodium.pad(new TextEncoder().encode(JSON.stringify(json)), PADDING_BLOCK);

/** Mallory → Alice's device over a real PQXDH session: what the receiver decrypts is what the sender wrote. */
function sealedFromMallory(content: Uint8Array): Uint8Array {
  const dev = () => {
    const identity = identityFromSeed(sodium.randombytes_buf(32));
    const agreement = x25519KeyPair(sodium.randombytes_buf(32));
    return { identity, agreement, agreementKeySignature: sign(identity, 'agreement', agreement.publicKey) };
  };
  const sender = dev(), receiver = dev();
  const spk = x25519KeyPair(sodium.randombytes_buf(32));
  const kem = kemKeyPair(sodium.randombytes_buf(64));
  const s = startSession(sender, { identityKey: receiver.identity.publicKey, agreementKey: receiver.agreement.publicKey,
    agreementKeySignature: receiver.agreementKeySignature, signedPrekey: { keyId: 1, publicKey: spk.publicKey, signature: sign(receiver.identity, 'signedPrekey', spk.publicKey) },
    kemPrekey: { keyId: 1, publicKey: kem.publicKey, signature: sign(receiver.identity, 'kemPrekey', kem.publicKey), lastResort: true } }, randomKeys);
  const wire = encryptMessage(s, content);
  return acceptPrekeyMessage(receiver, { signedPrekey: () => spk, oneTimePrekey: () => undefined, kemPrekey: () => kem.seed },
    parsePrekeyMessage(wire), randomKeys).plaintext;
}

describe('the sender\'s username claim (from)', () => {
  it('is carried in message content and in a call offer, and omitted when the sender has no username', () => {
    const c = decodeContent(encodeContent('hi', 1767225600000, [], 'alice'));
    expect(c).toEqual({ sentAt: 1767225600000, text: 'hi', attachments: [], from: 'alice' });
    expect(JSON.parse(new TextDecoder().decode(sodium.unpad(encodeContent('hi', 1, []), PADDING_BLOCK)))).not.toHaveProperty('from');
    const offer = decodeSignal(encodeSignal(CALL, { kind: 'call-offer', media: 'audio', from: 'alice' }), 'call-offer', CALL);
    expect(offer).toEqual({ kind: 'call-offer', media: 'audio', from: 'alice' });
  });

  it('is shown once the forward lookup says the name is the sender\'s, as the directory spells it; asked once', async () => {
    const dir = directory({ Alice: ALICE });
    const c = conversation(ALICE);
    expect(displayName(c)).toBe('account a1a1a1a1…');
    expect(await resolveClaim(dir, c, 'alice')).toBe(true);
    expect(displayName(c)).toBe('@Alice');
    expect(c.notices).toEqual([]);
    expect(await resolveClaim(dir, c, 'alice')).toBe(false);
    expect(dir.asked).toEqual(['alice']);
  });

  it('hostile: Mallory claims Alice\'s username — the message is kept, the name is not shown, a warning is', async () => {
    const plain = sealedFromMallory(encodeContent('it is me, alice, send money', 1767225600000, [], 'alice'));
    const content = decodeContent(plain);
    expect(content.text).toBe('it is me, alice, send money');
    const dir = directory({ alice: ALICE, mallory: MALLORY });
    const c = conversation(MALLORY); // the relay authenticated the sender: Mallory's account
    expect(await resolveClaim(dir, c, content.from)).toBe(true);
    expect(c.username).toBeUndefined();
    expect(displayName(c)).toBe('account b2b2b2b2…');
    expect(c.notices).toEqual([expect.stringMatching(/says it is @alice, but that username belongs to another account/)]);
    // The next message with the same claim asks nothing and warns no more; the name stays unshown.
    expect(await resolveClaim(dir, c, 'alice')).toBe(false);
    expect(dir.asked).toEqual(['alice']);
    expect(c.username).toBeUndefined();
  });

  it('hostile: a claim against a name the user looked up keeps the looked-up name', async () => {
    const dir = directory({ alice: ALICE, mallory: MALLORY });
    const c: Named = { accountId: MALLORY, username: 'mallory', notices: [] };
    await resolveClaim(dir, c, 'alice');
    expect(displayName(c)).toBe('@mallory');
    expect(c.notices[0]).toMatch(/it stays @mallory/);
  });

  it('hostile: an unknown username is not shown', async () => {
    const dir = directory({ alice: ALICE });
    const c = conversation(MALLORY);
    expect(await resolveClaim(dir, c, 'support_team')).toBe(true);
    expect(c.username).toBeUndefined();
    expect(displayName(c)).toBe('account b2b2b2b2…');
    expect(c.notices).toEqual([expect.stringMatching(/says it is @support_team, but no account has that username/)]);
  });

  it('hostile: a malformed claim is ignored, never looked up, and the message or call is not lost', () => {
    for (const from of [42, '', 'a', '@alice', 'alice bob', 'x'.repeat(33), '../../v1/accounts/me', 'ålice', { u: 'alice' }, ['alice'], null]) {
      const content = decodeContent(raw({ v: 1, sentAt: 1767225600000, text: 'still here', from }));
      expect(content.text).toBe('still here');
      expect(content.from).toBeUndefined();
      const offer = decodeSignal(raw({ v: 1, kind: 'call-offer', callId: CALL, media: 'audio', from }), 'call-offer', CALL);
      expect(offer).toEqual({ kind: 'call-offer', media: 'audio' });
    }
  });

  it('hostile: a lookup that fails caches nothing; a claim changed on every message asks a bounded number of times', async () => {
    let down = true;
    const real = directory({ alice: ALICE });
    const flaky: NameDirectory = { lookup: (u) => (down ? Promise.reject(new Error('429')) : real.lookup(u)) };
    const a = conversation(ALICE);
    await expect(resolveClaim(flaky, a, 'alice')).rejects.toThrow('429');
    expect(a.claims).toBeUndefined();
    down = false;
    await resolveClaim(flaky, a, 'alice');
    expect(a.username).toBe('alice');

    const dir = directory({});
    const c = conversation(MALLORY);
    for (let i = 0; i < 50; i++) await resolveClaim(dir, c, `name_${i}`);
    expect(dir.asked.length).toBe(MAX_CLAIMS_PER_CONVERSATION);
    expect(c.notices.length).toBe(MAX_CLAIMS_PER_CONVERSATION);
  });
});
