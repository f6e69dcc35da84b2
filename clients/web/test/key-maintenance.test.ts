/**
 * Key maintenance of the browser's device (docs/protocol-crypto.md §2 "Rotation", the SDK's refillPrekeysIfLow and
 * rotateIfDue): timing rules with an injected clock, identity-service's two calls faked by FakeIdentity below (which
 * behaves like identity-service: an upload replaces the unclaimed keys of the kinds it carries), the real encrypted
 * store. The real service is exercised by browser-tests/messaging.test.mjs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../src/crypto/sodium';
import { b64, fromB64 } from '../src/crypto/bytes';
import { identityFromSeed, kemKeyPair, verify, x25519KeyPair } from '../src/crypto/x3dh';
import { generateDevice, MAX_KEY_ID, REPLACED_KEY_RETENTION_MS, ROTATE_EVERY_MS, type DeviceJson } from '../src/device/device';
import { KeyCountsError, KeyMaintenance, MAINTAIN_EVERY_MS, type KeyDirectory, type KeyUpload } from '../src/device/maintenance';
import { memoryBackend, StateStore } from '../src/store/state';

beforeAll(async () => { await sodiumReady(); });

const FAST = { opsLimit: 1, memLimit: 8192 * 1024 };
const T0 = Date.UTC(2026, 11, 5);

/** identity-service's key directory for one device, as docs/identity.md describes it. */
class FakeIdentity implements KeyDirectory {
  x = new Set<number>();
  kem = new Set<number>();
  uploads: KeyUpload[] = [];
  countCalls = 0;
  /** 'lost': applied, but the answer never arrives; 'refused': not applied (e.g. 503). */
  failNext?: 'lost' | 'refused';
  /** A hostile or broken answer to GET …/keys instead of the real one. */
  answer?: unknown;
  beforeUpload?: (body: KeyUpload) => Promise<void>;

  constructor(public spk: number, public kemLastResort: number | null) {}

  async counts(): Promise<unknown> {
    this.countCalls++;
    if (this.answer !== undefined) return this.answer;
    return { oneTimePrekeys: this.x.size, kemOneTimePrekeys: this.kem.size, signedPrekeyId: this.spk, kemLastResortPrekeyId: this.kemLastResort };
  }

  async upload(body: KeyUpload): Promise<void> {
    await this.beforeUpload?.(body);
    const fail = this.failNext;
    this.failNext = undefined;
    if (fail === 'refused') throw new Error('503 from identity-service');
    this.uploads.push(body);
    this.spk = body.signedPrekey.keyId;
    this.kemLastResort = body.kemLastResortPrekey.keyId;
    if (body.oneTimePrekeys) this.x = new Set(body.oneTimePrekeys.map((k) => k.keyId));
    if (body.kemOneTimePrekeys) this.kem = new Set(body.kemOneTimePrekeys.map((k) => k.keyId));
    if (fail === 'lost') throw new Error('network error: answer lost');
  }

  /** Someone fetched `n` bundles: one key of each kind claimed per bundle. */
  claim(n: number, kinds: ('x' | 'kem')[] = ['x', 'kem']) {
    for (const kind of kinds) {
      const set = kind === 'x' ? this.x : this.kem;
      for (const id of [...set].slice(0, n)) set.delete(id);
    }
  }
}

async function setup(now = T0) {
  const clock = { now };
  const d = generateDevice(now);
  d.accountId = 'acc-1';
  d.deviceId = 1;
  const store = await StateStore.create(memoryBackend(), 'a passphrase here', FAST);
  await store.write('device.bin', d);
  const server = new FakeIdentity(1, 1);
  const m = new KeyMaintenance(store, d, server, () => clock.now);
  return { clock, d, store, server, m };
}

const ids = (keys: { keyId: number }[]) => keys.map((k) => k.keyId);
const stored = async (store: StateStore) => (await store.read<DeviceJson>('device.bin'))!;

describe('key maintenance', () => {
  it('registration uploads 100 signed keys of each kind; runs at most once a minute; nothing uploaded when nothing is due', async () => {
    const { clock, d, store, server, m } = await setup();
    expect(await m.run()).toEqual({ oneTimePrekeys: 100, kemOneTimePrekeys: 100, published: true });
    expect(server.x.size).toBe(100);
    expect(server.kem.size).toBe(100);
    const ik = identityFromSeed(fromB64(d.identitySeed)).publicKey;
    const up = server.uploads[0];
    expect(verify(ik, 'signedPrekey', fromB64(up.signedPrekey.publicKey), fromB64(up.signedPrekey.signature))).toBe(true);
    for (const k of up.kemOneTimePrekeys!) expect(verify(ik, 'kemPrekey', fromB64(k.publicKey), fromB64(k.signature))).toBe(true);
    expect(ids((await stored(store)).oneTimePrekeys)).toEqual(ids(up.oneTimePrekeys!));

    clock.now += MAINTAIN_EVERY_MS - 1;
    expect(await m.runIfDue()).toBeUndefined();
    expect(server.countCalls).toBe(1);
    clock.now += 1;
    expect(await m.runIfDue()).toEqual({ oneTimePrekeys: 0, kemOneTimePrekeys: 0, published: false });
    expect(server.countCalls).toBe(2);
    expect(server.uploads.length).toBe(1);
  });

  it('two runs at once share one: one GET, one upload', async () => {
    const { server, m } = await setup();
    const [a, b] = await Promise.all([m.run(), m.runIfDue()]);
    expect(a).toBe(b);
    expect(server.countCalls).toBe(1);
    expect(server.uploads.length).toBe(1);
  });

  it('private halves are in the encrypted store before the upload leaves, and match the uploaded public keys', async () => {
    const { store, server, m } = await setup();
    let checked = 0;
    server.beforeUpload = async (body) => {
      const saved = await stored(store);
      for (const k of body.oneTimePrekeys!) {
        const priv = saved.oneTimePrekeys.find((s) => s.keyId === k.keyId)!;
        expect(b64(x25519KeyPair(fromB64(priv.privateKey)).publicKey)).toBe(k.publicKey);
        checked++;
      }
      for (const k of body.kemOneTimePrekeys!) {
        const priv = saved.kemOneTimePrekeys.find((s) => s.keyId === k.keyId)!;
        expect(b64(kemKeyPair(fromB64(priv.seed)).publicKey)).toBe(k.publicKey);
        checked++;
      }
    };
    await m.run();
    expect(checked).toBe(200);
  });

  it('tops a kind up to 100 when fewer than 20 are left, marks the replaced local keys and deletes them 30 days later', async () => {
    const { clock, d, store, server, m } = await setup();
    await m.run();
    const first = ids(d.oneTimePrekeys);
    server.claim(80); // 20 left of each kind: not low yet
    clock.now += MAINTAIN_EVERY_MS;
    expect(await m.runIfDue()).toEqual({ oneTimePrekeys: 0, kemOneTimePrekeys: 0, published: false });

    server.claim(1, ['x']); // 19 X25519 left, 20 ML-KEM
    clock.now += MAINTAIN_EVERY_MS;
    const uploadedAt = clock.now;
    expect(await m.runIfDue()).toEqual({ oneTimePrekeys: 100, kemOneTimePrekeys: 0, published: true });
    const last = server.uploads.at(-1)!;
    expect(last.kemOneTimePrekeys).toBeUndefined(); // the other kind is left out, so it is not replaced
    expect(server.x.size).toBe(100);
    expect(server.kem.size).toBe(20);
    expect(ids(last.oneTimePrekeys!)).toEqual(Array.from({ length: 100 }, (_, i) => 101 + i)); // ids continue
    // Every earlier X25519 key (claimed without a message yet, or replaced unclaimed) is now stale.
    const saved = await stored(store);
    for (const k of saved.oneTimePrekeys) expect(k.replacedAt).toBe(first.includes(k.keyId) ? uploadedAt : undefined);
    for (const k of saved.kemOneTimePrekeys) expect(k.replacedAt).toBeUndefined();
    expect(JSON.stringify(saved.oneTimePrekeys.find((k) => k.keyId === 1))).toMatch(/^\{"keyId":1,"privateKey":"[^"]+","replacedAt":\d+\}$/);

    clock.now = uploadedAt + REPLACED_KEY_RETENTION_MS; // exactly 30 days: kept
    await m.runIfDue();
    expect(d.oneTimePrekeys.length).toBe(200);
    clock.now += 1; // more than 30 days: the stale ones are deleted, from the store too
    await m.run();
    expect(ids((await stored(store)).oneTimePrekeys)).toEqual(ids(last.oneTimePrekeys!));
    expect(d.kemOneTimePrekeys.length).toBe(100);
  });

  it('tops up when the server holds more keys than the device has private keys for (restored profile)', async () => {
    const { clock, d, server, m } = await setup();
    await m.run();
    d.kemOneTimePrekeys = d.kemOneTimePrekeys.slice(0, 50); // the lost later state had made the others
    clock.now += MAINTAIN_EVERY_MS;
    expect(await m.runIfDue()).toEqual({ oneTimePrekeys: 0, kemOneTimePrekeys: 100, published: true });
    expect([...server.kem]).toEqual(ids(d.kemOneTimePrekeys.filter((k) => k.replacedAt === undefined)));
  });

  it('rotates the signed and last-resort prekeys at 7 days, publishes them, keeps the old ones 30 days after their replacement', async () => {
    const { clock, d, store, server, m } = await setup();
    await m.run();
    clock.now = T0 + ROTATE_EVERY_MS - 1;
    await m.run(); // run(): no once-a-minute gate, so the boundary is exact
    expect(d.currentSignedPrekeyId).toBe(1);
    expect(server.uploads.length).toBe(1);

    clock.now = T0 + ROTATE_EVERY_MS;
    const r = await m.run();
    expect(r).toEqual({ oneTimePrekeys: 0, kemOneTimePrekeys: 0, published: true });
    expect([d.currentSignedPrekeyId, d.currentKemLastResortPrekeyId]).toEqual([2, 2]);
    expect([server.spk, server.kemLastResort]).toEqual([2, 2]);
    const up = server.uploads.at(-1)!;
    expect(up.oneTimePrekeys).toBeUndefined();
    const ik = identityFromSeed(fromB64(d.identitySeed)).publicKey;
    expect(verify(ik, 'signedPrekey', fromB64(up.signedPrekey.publicKey), fromB64(up.signedPrekey.signature))).toBe(true);
    expect(verify(ik, 'kemPrekey', fromB64(up.kemLastResortPrekey.publicKey), fromB64(up.kemLastResortPrekey.signature))).toBe(true);
    expect(ids((await stored(store)).signedPrekeys)).toEqual([1, 2]); // key 1 stays for setups in flight

    // 30 days after key 1 was REPLACED (not after it was made, 37 days ago): still kept.
    clock.now = T0 + ROTATE_EVERY_MS + REPLACED_KEY_RETENTION_MS;
    await m.runIfDue();
    expect(ids(d.signedPrekeys)).toEqual([1, 2, 3]);
    expect(ids(d.kemLastResortPrekeys)).toEqual([1, 2, 3]);
    clock.now += 1;
    await m.run();
    expect(ids(d.signedPrekeys)).toEqual([2, 3]);
    expect(ids(d.kemLastResortPrekeys)).toEqual([2, 3]);
    expect(ids((await stored(store)).signedPrekeys)).toEqual([2, 3]);
  });

  it('key ids wrap from 2^24-1 to 1', async () => {
    const { clock, d, server, m } = await setup();
    d.signedPrekeys[0].keyId = d.currentSignedPrekeyId = MAX_KEY_ID;
    d.kemLastResortPrekeys[0].keyId = d.currentKemLastResortPrekeyId = MAX_KEY_ID;
    d.nextOneTimePrekeyId = MAX_KEY_ID - 1;
    d.nextKemOneTimePrekeyId = MAX_KEY_ID;
    server.spk = server.kemLastResort = MAX_KEY_ID;
    await m.run();
    expect(ids(server.uploads[0].oneTimePrekeys!).slice(0, 3)).toEqual([MAX_KEY_ID - 1, MAX_KEY_ID, 1]);
    expect(ids(server.uploads[0].kemOneTimePrekeys!).slice(0, 2)).toEqual([MAX_KEY_ID, 1]);
    clock.now = T0 + ROTATE_EVERY_MS;
    await m.runIfDue();
    expect([d.currentSignedPrekeyId, d.currentKemLastResortPrekeyId, server.spk, server.kemLastResort]).toEqual([1, 1, 1, 1]);
  });

  it('an upload whose answer was lost keeps every private key; the next run finds the server full and uploads nothing', async () => {
    const { clock, store, server, m } = await setup();
    server.failNext = 'lost';
    await expect(m.run()).rejects.toThrow(/answer lost/);
    const saved = await stored(store);
    expect(ids(saved.oneTimePrekeys)).toEqual([...server.x]);
    expect(ids(saved.kemOneTimePrekeys)).toEqual([...server.kem]);
    clock.now += MAINTAIN_EVERY_MS;
    expect(await m.runIfDue()).toEqual({ oneTimePrekeys: 0, kemOneTimePrekeys: 0, published: false });
  });

  it('a refused upload is retried at the next run: one-time keys again, a rotated key published then', async () => {
    const { clock, d, store, server, m } = await setup();
    server.failNext = 'refused';
    await expect(m.run()).rejects.toThrow(/503/);
    expect(server.x.size).toBe(0);
    clock.now += MAINTAIN_EVERY_MS;
    expect(await m.runIfDue()).toEqual({ oneTimePrekeys: 100, kemOneTimePrekeys: 100, published: true });
    expect(server.x.size).toBe(100);
    expect(d.oneTimePrekeys.filter((k) => k.replacedAt !== undefined).length).toBe(100); // the first set never arrived

    clock.now = T0 + ROTATE_EVERY_MS;
    server.failNext = 'refused';
    await expect(m.runIfDue()).rejects.toThrow(/503/);
    expect((await stored(store)).currentSignedPrekeyId).toBe(2); // rotated and kept, not yet on the server
    expect(server.spk).toBe(1);
    clock.now += MAINTAIN_EVERY_MS;
    expect(await m.runIfDue()).toEqual({ oneTimePrekeys: 0, kemOneTimePrekeys: 0, published: true });
    expect([server.spk, server.kemLastResort, d.currentSignedPrekeyId]).toEqual([2, 2, 2]); // no second rotation
  });

  it('publishes the current keys when the server holds other ids (stale or none), without one-time keys', async () => {
    const { clock, server, m } = await setup();
    await m.run();
    server.spk = 7;
    clock.now += MAINTAIN_EVERY_MS;
    expect(await m.runIfDue()).toEqual({ oneTimePrekeys: 0, kemOneTimePrekeys: 0, published: true });
    expect(server.spk).toBe(1);
    server.kemLastResort = null;
    clock.now += MAINTAIN_EVERY_MS;
    expect((await m.runIfDue())!.published).toBe(true);
    expect(server.kemLastResort).toBe(1);
    expect(server.uploads.slice(1).every((u) => !u.oneTimePrekeys && !u.kemOneTimePrekeys)).toBe(true);
  });

  it('hostile: a garbage answer to GET …/keys is refused; nothing uploaded, nothing in the device or the store changes', async () => {
    const { clock, d, store, server, m } = await setup();
    await m.run();
    const before = JSON.stringify(d);
    const storedBefore = JSON.stringify(await stored(store));
    const garbage: unknown[] = [
      null, 'oops', 42, [], {}, [{ oneTimePrekeys: 1 }],
      { oneTimePrekeys: -1, kemOneTimePrekeys: 100, signedPrekeyId: 1 },
      { oneTimePrekeys: 1.5, kemOneTimePrekeys: 100, signedPrekeyId: 1 },
      { oneTimePrekeys: '5', kemOneTimePrekeys: 100, signedPrekeyId: 1 },
      { oneTimePrekeys: 5, kemOneTimePrekeys: 1e300, signedPrekeyId: 1 },
      { oneTimePrekeys: 5, kemOneTimePrekeys: 5, signedPrekeyId: MAX_KEY_ID + 1 },
      { oneTimePrekeys: 5, kemOneTimePrekeys: 5, signedPrekeyId: 1, kemLastResortPrekeyId: 'x' },
      { oneTimePrekeys: null, kemOneTimePrekeys: 5, signedPrekeyId: 1 },
    ];
    for (const answer of garbage) {
      server.answer = answer;
      clock.now += MAINTAIN_EVERY_MS;
      await expect(m.runIfDue()).rejects.toBeInstanceOf(KeyCountsError);
    }
    expect(server.uploads.length).toBe(1);
    expect(JSON.stringify(d)).toBe(before);
    expect(JSON.stringify(await stored(store))).toBe(storedBefore);
  });

  it('hostile: counts of another device (or a lying server) delete no private key; a replaced key lives its 30 days', async () => {
    const { clock, d, server, m } = await setup();
    await m.run();
    const allX = ids(d.oneTimePrekeys), allKem = ids(d.kemOneTimePrekeys);
    // Another device's answer: other key ids, few keys left, and then more keys than this device ever made.
    for (const answer of [
      { oneTimePrekeys: 3, kemOneTimePrekeys: 2, signedPrekeyId: 9, kemLastResortPrekeyId: 11 },
      { oneTimePrekeys: 5000, kemOneTimePrekeys: 5000, signedPrekeyId: 1, kemLastResortPrekeyId: 1 },
    ]) {
      server.answer = answer;
      clock.now += MAINTAIN_EVERY_MS;
      await m.runIfDue(); // uploads this device's own keys: the worst it can cause
    }
    // Every private key made so far is still here, the current signed and last-resort keys unchanged.
    for (const id of allX) expect(d.oneTimePrekeys.some((k) => k.keyId === id)).toBe(true);
    for (const id of allKem) expect(d.kemOneTimePrekeys.some((k) => k.keyId === id)).toBe(true);
    expect([d.currentSignedPrekeyId, d.currentKemLastResortPrekeyId, ids(d.signedPrekeys)]).toEqual([1, 1, [1]]);
    server.answer = undefined;
    clock.now += REPLACED_KEY_RETENTION_MS - 3 * MAINTAIN_EVERY_MS; // still inside the 30 days of the first replacement
    await m.runIfDue();
    for (const id of allX) expect(d.oneTimePrekeys.some((k) => k.keyId === id)).toBe(true);
  });
});
