/**
 * Key maintenance of this browser's device (docs/protocol-crypto.md §2 "Rotation"; the SDK's
 * IdentityClient.refillPrekeysIfLow and Messenger.replenishIfDue): run at registration and unlock, then at most
 * once a minute while receiving. It
 *  - rotates the signed prekey and the last-resort ML-KEM-768 prekey when 7 days old and deletes replaced keys
 *    and stale one-time keys 30 days after their replacement (device.ts rotateIfDue);
 *  - asks identity-service what it holds (`GET …/keys`) and publishes the current signed and last-resort keys when
 *    it holds other ids (a rotation, or an upload whose answer was lost);
 *  - tops each one-time kind up to 100 when fewer than 20 are left on the server or the server holds more than
 *    this device has private keys for (after a rollback), and marks the local keys of that kind not in the upload
 *    `replacedAt` (the upload replaced the server's unclaimed ones).
 * Private halves are written to the encrypted store BEFORE the upload: an upload whose answer is lost leaves keys
 * the server may hold, never public keys on the server without their private halves here.
 * The answer of `GET …/keys` is checked before anything is decided: garbage is refused (nothing changes), and a
 * wrong but well-formed answer (another device's counts, a lying server) can at worst cause an upload of keys of
 * this device; it never deletes a local private key at once (a replaced key is kept 30 days).
 */
import type { Session } from '../api/session';
import type { StateStore } from '../store/state';
import {
  MAX_KEY_ID, ONE_TIME_PREKEYS_PER_UPLOAD, generateKemOneTimePrekeys, generateX25519OneTimePrekeys,
  oneTimePrekeysReplaced, publicKeys, rotateIfDue, type DeviceJson,
} from './device';

/** A kind of one-time prekey is topped up when fewer than this many are left on the server (the SDK's REFILL_BELOW). */
export const REFILL_BELOW = 20;
/** Maintenance runs at most this often while receiving (the SDK's REPLENISH_EVERY_NANOS). */
export const MAINTAIN_EVERY_MS = 60_000;

/** What identity-service holds for this device (`GET …/keys`), checked. */
export interface KeyCounts {
  oneTimePrekeys: number;
  kemOneTimePrekeys: number;
  signedPrekeyId: number;
  kemLastResortPrekeyId: number | null;
}

export class KeyCountsError extends Error {}

/** The body of `PUT …/keys` (docs/identity.md): always the current signed and last-resort keys. */
export interface KeyUpload {
  signedPrekey: { keyId: number; publicKey: string; signature: string };
  kemLastResortPrekey: { keyId: number; publicKey: string; signature: string };
  oneTimePrekeys?: { keyId: number; publicKey: string }[];
  kemOneTimePrekeys?: { keyId: number; publicKey: string; signature: string }[];
}

/** The two identity-service calls of the maintenance (a fake in the unit tests). */
export interface KeyDirectory {
  counts(): Promise<unknown>;
  upload(body: KeyUpload): Promise<void>;
}

export function identityKeyDirectory(session: Pick<Session, 'call'>, accountId: string, deviceId: number): KeyDirectory {
  const path = `/v1/accounts/${encodeURIComponent(accountId)}/devices/${deviceId}/keys`;
  return {
    counts: () => session.call<unknown>('identity', path),
    upload: async (body) => { await session.call('identity', path, { method: 'PUT', body: JSON.stringify(body) }); },
  };
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isKeyId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= MAX_KEY_ID;

/** Checks the answer of `GET …/keys`; anything else than the documented shape is a KeyCountsError. */
export function parseKeyCounts(raw: unknown): KeyCounts {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new KeyCountsError('key counts: not a JSON object');
  const o = raw as Record<string, unknown>;
  if (!isCount(o.oneTimePrekeys) || !isCount(o.kemOneTimePrekeys)) throw new KeyCountsError('key counts: counts are not non-negative integers');
  if (!isKeyId(o.signedPrekeyId)) throw new KeyCountsError('key counts: signedPrekeyId is not a key id');
  const kem = o.kemLastResortPrekeyId;
  if (kem !== undefined && kem !== null && !isKeyId(kem)) throw new KeyCountsError('key counts: kemLastResortPrekeyId is not a key id');
  return { oneTimePrekeys: o.oneTimePrekeys, kemOneTimePrekeys: o.kemOneTimePrekeys, signedPrekeyId: o.signedPrekeyId, kemLastResortPrekeyId: kem ?? null };
}

/** What one run did: one-time keys uploaded per kind, whether the current signed / last-resort keys were published. */
export interface Refill {
  oneTimePrekeys: number;
  kemOneTimePrekeys: number;
  published: boolean;
}

export class KeyMaintenance {
  private lastRun?: number;
  private running?: Promise<Refill>;

  constructor(
    private readonly store: Pick<StateStore, 'write'>,
    private readonly device: DeviceJson,
    private readonly directory: KeyDirectory,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs unless a run started less than MAINTAIN_EVERY_MS ago (failed runs included: retried after the interval). */
  runIfDue(): Promise<Refill | undefined> {
    if (this.running) return this.running;
    const last = this.lastRun;
    if (last !== undefined && this.now() - last < MAINTAIN_EVERY_MS) return Promise.resolve(undefined);
    return this.run();
  }

  /** Runs now (registration, unlock); one run at a time, a second caller shares it. */
  run(): Promise<Refill> {
    if (this.running) return this.running;
    this.lastRun = this.now();
    this.running = this.maintain().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async maintain(): Promise<Refill> {
    const d = this.device;
    if (rotateIfDue(d, this.now())) await this.store.write('device.bin', d);
    const left = parseKeyCounts(await this.directory.counts());
    const serverStale = left.signedPrekeyId !== d.currentSignedPrekeyId || left.kemLastResortPrekeyId !== d.currentKemLastResortPrekeyId;
    // Low, or the server holds more keys of a kind than this device has private keys for (a restored profile
    // dropped them, §8): a new full set replaces the server's unclaimed ones.
    const x = left.oneTimePrekeys < REFILL_BELOW || left.oneTimePrekeys > d.oneTimePrekeys.length
      ? generateX25519OneTimePrekeys(d, ONE_TIME_PREKEYS_PER_UPLOAD) : [];
    const k = left.kemOneTimePrekeys < REFILL_BELOW || left.kemOneTimePrekeys > d.kemOneTimePrekeys.length
      ? generateKemOneTimePrekeys(d, ONE_TIME_PREKEYS_PER_UPLOAD, this.now()) : [];
    const refill = { oneTimePrekeys: x.length, kemOneTimePrekeys: k.length, published: serverStale || x.length + k.length > 0 };
    if (!refill.published) return refill;
    const p = publicKeys(d);
    const body: KeyUpload = { signedPrekey: p.signedPrekey, kemLastResortPrekey: p.kemLastResortPrekey };
    if (x.length) body.oneTimePrekeys = x;
    if (k.length) body.kemOneTimePrekeys = k;
    await this.store.write('device.bin', d); // private halves first: a lost answer must not lose them
    await this.directory.upload(body);
    // The upload replaced the server's unclaimed keys of the kinds it carried: the older local ones are stale.
    const at = this.now();
    if (x.length) oneTimePrekeysReplaced(d, 'x25519', x.map((e) => e.keyId), at);
    if (k.length) oneTimePrekeysReplaced(d, 'kem', k.map((e) => e.keyId), at);
    if (x.length + k.length) await this.store.write('device.bin', d);
    return refill;
  }
}
