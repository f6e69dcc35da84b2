/** The browser's device keys and its encrypted local state (format of docs/protocol-crypto.md §8). */
import { beforeAll, describe, expect, it } from 'vitest';
import { sodium, sodiumReady } from '../src/crypto/sodium';
import { fromB64 } from '../src/crypto/bytes';
import { verify } from '../src/crypto/x3dh';
import { generateDevice, keyUploadBody, registrationBody } from '../src/device/device';
import { memoryBackend, StateStore, StateStoreError, WrongPassphraseError } from '../src/store/state';

beforeAll(async () => { await sodiumReady(); });

// Small Argon2id limits keep the unit tests fast; the app uses INTERACTIVE (2, 64 MiB) like the SDK.
const FAST = { opsLimit: 1, memLimit: 8192 * 1024 };

describe('device keys', () => {
  it('registration and key upload carry keys signed by the identity key, the server checks them the same way', () => {
    const d = generateDevice();
    const reg = registrationBody(d);
    const ik = fromB64(reg.identityKey);
    expect(reg.registrationId).toBeGreaterThanOrEqual(1);
    expect(reg.registrationId).toBeLessThanOrEqual(16383);
    expect(verify(ik, 'agreement', fromB64(reg.agreementKey), fromB64(reg.agreementKeySignature))).toBe(true);
    expect(verify(ik, 'signedPrekey', fromB64(reg.signedPrekey.publicKey), fromB64(reg.signedPrekey.signature))).toBe(true);
    expect(fromB64(reg.kemLastResortPrekey.publicKey).length).toBe(1184);
    expect(verify(ik, 'kemPrekey', fromB64(reg.kemLastResortPrekey.publicKey), fromB64(reg.kemLastResortPrekey.signature))).toBe(true);
    const up = keyUploadBody(d, 5);
    expect(up.oneTimePrekeys.map((k) => k.keyId)).toEqual([1, 2, 3, 4, 5]);
    expect(up.kemOneTimePrekeys.map((k) => k.keyId)).toEqual([1, 2, 3, 4, 5]);
    for (const k of up.kemOneTimePrekeys) expect(verify(ik, 'kemPrekey', fromB64(k.publicKey), fromB64(k.signature))).toBe(true);
    expect(d.oneTimePrekeys.length).toBe(5);
    expect(d.nextOneTimePrekeyId).toBe(6);
    // The next upload continues the ids rather than reusing them.
    expect(keyUploadBody(d, 1).oneTimePrekeys[0].keyId).toBe(6);
  });
});

describe('encrypted local state', () => {
  it('round-trips under the passphrase; a wrong passphrase reads nothing', async () => {
    const backend = memoryBackend();
    const store = await StateStore.create(backend, 'correct horse battery staple', FAST);
    await store.write('device.bin', { hello: 'world' });
    const again = await StateStore.open(backend, 'correct horse battery staple');
    expect(await again.read('device.bin')).toEqual({ hello: 'world' });
    await expect(StateStore.open(backend, 'wrong horse')).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  it('stores no plaintext: the record is SCS1 ‖ nonce ‖ ciphertext and a secret is not in it', async () => {
    const backend = memoryBackend();
    const store = await StateStore.create(backend, 'pass phrase here', FAST);
    const secret = 'PLAINTEXT-MARKER-7f3a';
    await store.write('device.bin', { secret });
    const raw = backend.records.get('device.bin') as Uint8Array;
    expect(new TextDecoder().decode(raw.subarray(0, 4))).toBe('SCS1');
    expect(Buffer.from(raw).includes(Buffer.from(secret))).toBe(false);
    expect(JSON.stringify(backend.records.get('profile.json'))).not.toContain(secret);
    // Two writes of the same value differ (random nonce per write).
    await store.write('copy.bin', { secret });
    const a = backend.records.get('copy.bin') as Uint8Array;
    await store.write('copy.bin', { secret });
    expect(Buffer.from(a).equals(Buffer.from(backend.records.get('copy.bin') as Uint8Array))).toBe(false);
  });

  it('session record names do not reveal the contact: HMAC under a key derived from K, as the SDK (§8)', async () => {
    const store = await StateStore.create(memoryBackend(), 'pass phrase here', FAST);
    const name = store.sessionRecordName('acc-bob', 1);
    expect(name).toMatch(/^sessions\/[0-9a-f]{32}\.bin$/);
    expect(name).not.toContain(Buffer.from('acc-bob').toString('hex'));
    expect(store.sessionRecordName('acc-bob', 1)).toBe(name);
    expect(store.sessionRecordName('acc-bob', 2)).not.toBe(name);
    // Another profile (another K) names the same contact differently.
    const other = await StateStore.create(memoryBackend(), 'pass phrase here', FAST);
    expect(other.sessionRecordName('acc-bob', 1)).not.toBe(name);
  });

  it('a record moved under another name, or with a flipped bit, is refused (the name is in the AD)', async () => {
    const backend = memoryBackend();
    const store = await StateStore.create(backend, 'pass phrase here', FAST);
    await store.write('sessions/61.1.bin', { s: 1 });
    await store.write('sessions/62.1.bin', { s: 2 });
    backend.records.set('sessions/62.1.bin', backend.records.get('sessions/61.1.bin')!);
    await expect(store.read('sessions/62.1.bin')).rejects.toBeInstanceOf(StateStoreError);
    const flipped = (backend.records.get('sessions/61.1.bin') as Uint8Array).slice();
    flipped[flipped.length - 1] ^= 1;
    backend.records.set('sessions/61.1.bin', flipped);
    await expect(store.read('sessions/61.1.bin')).rejects.toBeInstanceOf(StateStoreError);
    expect(await store.read('absent.bin')).toBeUndefined();
  });

  it('the key is Argon2id13 of the passphrase with the profile\'s salt and limits', async () => {
    const backend = memoryBackend();
    await StateStore.create(backend, 'pass phrase here', FAST);
    const profile = JSON.parse(backend.records.get('profile.json') as string);
    expect(profile.format).toBe(1);
    expect(profile.kdf).toMatchObject({ algorithm: 'argon2id13', opsLimit: 1, memLimit: 8192 * 1024 });
    const key = sodium.crypto_pwhash(32, new TextEncoder().encode('pass phrase here'), fromB64(profile.kdf.salt), 1, 8192 * 1024,
      sodium.crypto_pwhash_ALG_ARGON2ID13);
    const v = fromB64(profile.verifier);
    const ad = new TextEncoder().encode('SecureConnect state v1\u0000profile.json#verifier');
    const text = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, v.subarray(24), ad, v.subarray(0, 24), key);
    expect(new TextDecoder().decode(text)).toBe('SecureConnect passphrase check');
  });
});
