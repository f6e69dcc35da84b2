/**
 * Pins (docs/protocol-crypto.md §10), the rules of the SDK's TrustStore: first use pinned, a new device of a known
 * account reported, a changed key always refused and kept pending, a verified contact's new device refused,
 * accept (`sc trust`) and verify, the SDK's pins.bin JSON, and the browser's first pins format read.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sodium, sodiumReady } from '../src/crypto/sodium';
import { fingerprint, Pins, shortFingerprint, UntrustedIdentityError } from '../src/messaging/pins';

beforeAll(async () => { await sodiumReady(); });

const key = () => sodium.randombytes_buf(32);

function refusal(f: () => unknown): UntrustedIdentityError {
  try {
    f();
  } catch (e) {
    if (e instanceof UntrustedIdentityError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('Pins', () => {
  it('pins on first use, reports a device added to a known account, refuses a changed key and keeps the pin', () => {
    const k1 = key(), k2 = key(), k3 = key();
    const pins = new Pins();
    const first = pins.check('acc-b', 1, k1);
    expect(first).toMatchObject({ newPin: true, addedToKnownAccount: false });
    pins.commit(first);
    expect(pins.check('acc-b', 1, k1)).toMatchObject({ newPin: false });
    expect(pins.check('acc-b', 2, k3)).toMatchObject({ newPin: true, addedToKnownAccount: true });

    const e = refusal(() => pins.check('acc-b', 1, k2));
    expect(e).toMatchObject({ reason: 'IDENTITY_CHANGED', verified: false, deviceId: 1 });
    expect(e.pinned).toEqual(k1);
    const reloaded = new Pins(JSON.parse(JSON.stringify(pins.toJson())));
    expect(reloaded.pinned('acc-b', 1)).toEqual(k1); // a refused key never replaces the pin
    expect(reloaded.pending('acc-b')).toEqual([{ deviceId: 1, pinned: k1, offered: k2 }]);
    // Per (account, device): another account with the same prefix is separate.
    expect(reloaded.check('acc-bx', 1, k2)).toMatchObject({ newPin: true, addedToKnownAccount: false });
  });

  it('accepting a change (sc trust) pins the offered key unverified and names the devices whose sessions go', () => {
    const k1 = key(), k2 = key();
    const pins = new Pins();
    pins.commit(pins.check('b', 1, k1));
    pins.verify('b');
    expect(pins.isVerified('b')).toBe(true);
    expect(refusal(() => pins.check('b', 1, k2))).toMatchObject({ reason: 'IDENTITY_CHANGED', verified: true });
    expect(pins.keysOf('b')).toEqual([k1]);
    expect(pins.keysOf('b', true)).toEqual([k2]);
    expect(pins.accept('b')).toEqual([1]);
    expect(pins.isVerified('b')).toBe(false);
    expect(pins.pending('b')).toEqual([]);
    expect(pins.check('b', 1, k2)).toMatchObject({ newPin: false });
  });

  it('refuses a new device of a verified contact (kept pending, not pinned) and forgets it when the change is rejected', () => {
    const k1 = key(), k2 = key();
    const pins = new Pins();
    pins.commit(pins.check('b', 1, k1));
    pins.verify('b');
    expect(refusal(() => pins.check('b', 2, k2))).toMatchObject({ reason: 'NEW_DEVICE_OF_VERIFIED_CONTACT', verified: true });
    expect(pins.devicesOf('b')).toEqual([1]); // counts as unpinned everywhere else
    expect(pins.keysOf('b')).toEqual([k1]);
    expect(pins.keysOf('b', true)).toEqual([k1, k2]);
    pins.rejectPending('b');
    expect(pins.pending('b')).toEqual([]);
    expect(pins.isVerified('b')).toBe(true);
    expect(() => pins.check('b', 2, k2)).toThrow(UntrustedIdentityError); // still a verified contact
  });

  it('reports a device of its own account with a higher id than this one even with nothing pinned', () => {
    const pins = new Pins();
    expect(pins.check('me', 3, key(), true, 2)).toMatchObject({ addedToKnownAccount: true });
    expect(pins.check('me', 1, key(), true, 2)).toMatchObject({ addedToKnownAccount: false });
  });

  it('writes the SDK pins.bin JSON and reads the browser\'s first format', () => {
    const k1 = key();
    const old = new Pins({ [`acc-b/7`]: Buffer.from(k1).toString('base64') });
    expect(old.pinned('acc-b', 7)).toEqual(k1);
    expect(old.isVerified('acc-b')).toBe(false);
    const pins = new Pins(undefined, () => 1234);
    pins.commit(pins.check('acc-b', 7, k1));
    expect(pins.toJson()).toEqual({ pins: [{ accountId: 'acc-b', deviceId: 7, identityKey: Buffer.from(k1).toString('base64'), state: 'unverified', pinnedAt: 1234 }] });
  });

  it('fingerprints as the SDK: first 20 bytes of SHA-256, upper-case hex in 10 groups of 4', () => {
    const k = key();
    const expected = Buffer.from(sodium.crypto_hash_sha256(k)).subarray(0, 20).toString('hex').toUpperCase().match(/.{4}/g)!.join(' ');
    expect(fingerprint(k)).toBe(expected);
    expect(fingerprint(k)).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){9}$/);
    expect(shortFingerprint(k)).toBe(`${expected.slice(0, 9)} …`);
  });
});
