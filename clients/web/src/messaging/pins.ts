/**
 * Identity keys pinned per (account, device) — docs/protocol-crypto.md §10, the same rules as the Java SDK's
 * TrustStore: the first key seen for an account is pinned (trust on first use); a device added to a known
 * account is pinned and reported, unless the contact is verified (then refused); a different key for a pinned
 * device is always refused. A refused key is kept as the device's `pendingKey` until the user decides: accept
 * it (`accept`, like `sc trust`: pins become unverified), or verify again. Kept in the encrypted local state
 * as `pins.bin`, in the SDK's JSON; safety numbers are computed from these pins only, never from a server answer.
 */
import { b64, equal, fromB64 } from '../crypto/bytes';
import { sodium } from '../crypto/sodium';

export type PinState = 'unverified' | 'verified';

/** One pin in the SDK's `pins.bin` JSON. A refused new device of a verified contact has only `pendingKey`. */
export interface PinJson {
  accountId: string;
  deviceId: number;
  identityKey?: string;
  state: PinState;
  pinnedAt: number;
  pendingKey?: string;
}

export type RefusalReason = 'IDENTITY_CHANGED' | 'NEW_DEVICE_OF_VERIFIED_CONTACT';

export class UntrustedIdentityError extends Error {
  constructor(readonly accountId: string, readonly deviceId: number, readonly reason: RefusalReason,
              readonly verified: boolean, readonly offered: Uint8Array, readonly pinned?: Uint8Array, message?: string) {
    super(message ?? `${reason} for device ${deviceId}`);
  }
}

/** What a check that passed means: whether the device is first seen, and whether it joined a known account. */
export interface Decision {
  accountId: string;
  deviceId: number;
  identityKey: Uint8Array;
  newPin: boolean;
  addedToKnownAccount: boolean;
}

/** A device whose offered key waits for the user's decision. */
export interface PendingChange {
  deviceId: number;
  pinned?: Uint8Array;
  offered: Uint8Array;
}

/** Fingerprint of one identity key (§10): first 20 bytes of SHA-256 as uppercase hex, 10 groups of 4. */
export function fingerprint(key: Uint8Array): string {
  return sodium.to_hex(sodium.crypto_hash_sha256(key).slice(0, 20)).toUpperCase().match(/.{4}/g)!.join(' ');
}

/** The first two groups of the fingerprint, for notices ("1A2B 3C4D …"). */
export function shortFingerprint(key: Uint8Array): string {
  return `${fingerprint(key).slice(0, 9)} …`;
}

export class Pins {
  private readonly pins = new Map<string, PinJson>();

  /** Reads `pins.bin`: the SDK's `{"pins": [...]}`, or the browser's first format `{"<account>/<device>": b64}`. */
  constructor(json?: unknown, private readonly now: () => number = Date.now) {
    if (json && Array.isArray((json as { pins?: unknown }).pins)) {
      for (const p of (json as { pins: PinJson[] }).pins) this.pins.set(Pins.key(p.accountId, p.deviceId), { ...p });
    } else if (json && typeof json === 'object') {
      for (const [k, v] of Object.entries(json as Record<string, string>)) {
        const slash = k.lastIndexOf('/');
        const deviceId = Number(k.slice(slash + 1));
        if (slash > 0 && Number.isInteger(deviceId) && typeof v === 'string') {
          this.pins.set(k, { accountId: k.slice(0, slash), deviceId, identityKey: v, state: 'unverified', pinnedAt: 0 });
        }
      }
    }
  }

  static key(account: string, device: number): string {
    return `${account}/${device}`;
  }

  private of(account: string): PinJson[] {
    return [...this.pins.values()].filter((p) => p.accountId === account);
  }

  /**
   * Checks the key offered for a device. Throws UntrustedIdentityError (after keeping the key as pending) when it
   * must be refused; stores nothing for an accepted new device: `commit` once the session really exists.
   * `ownDeviceId`: this browser's device id, for devices of its own account (ids only grow, so a higher one was
   * added after this browser and is reported even when no other own device is pinned).
   */
  check(account: string, device: number, identityKey: Uint8Array, ownAccount = false, ownDeviceId = Number.MAX_SAFE_INTEGER): Decision {
    const pin = this.pins.get(Pins.key(account, device));
    if (pin?.identityKey !== undefined) {
      const pinned = fromB64(pin.identityKey);
      if (equal(pinned, identityKey)) return { accountId: account, deviceId: device, identityKey, newPin: false, addedToKnownAccount: false };
      pin.pendingKey = b64(identityKey);
      throw new UntrustedIdentityError(account, device, 'IDENTITY_CHANGED', pin.state === 'verified', identityKey, pinned);
    }
    const all = this.of(account);
    if (all.some((p) => p.state === 'verified')) {
      this.pins.set(Pins.key(account, device), { accountId: account, deviceId: device, state: 'unverified', pinnedAt: this.now(), pendingKey: b64(identityKey) });
      throw new UntrustedIdentityError(account, device, 'NEW_DEVICE_OF_VERIFIED_CONTACT', true, identityKey);
    }
    const known = all.some((p) => p.identityKey !== undefined) || (ownAccount && device > ownDeviceId);
    return { accountId: account, deviceId: device, identityKey, newPin: true, addedToKnownAccount: known };
  }

  /** Pins a device first seen in `decision`. */
  commit(d: Decision): void {
    if (!d.newPin) return;
    this.pins.set(Pins.key(d.accountId, d.deviceId), { accountId: d.accountId, deviceId: d.deviceId, identityKey: b64(d.identityKey), state: 'unverified', pinnedAt: this.now() });
  }

  /**
   * The user accepts the account's pending keys (`sc trust`): each becomes the pin, unverified; a verified
   * contact is unverified on every device. Returns the devices whose key changed (their sessions must go).
   */
  accept(account: string): number[] {
    const changed: number[] = [];
    for (const p of this.of(account)) {
      if (p.pendingKey !== undefined) {
        this.pins.set(Pins.key(account, p.deviceId), { accountId: account, deviceId: p.deviceId, identityKey: p.pendingKey, state: 'unverified', pinnedAt: this.now() });
        changed.push(p.deviceId);
      } else if (p.state === 'verified') {
        p.state = 'unverified';
      }
    }
    return changed;
  }

  /** Drops the pending keys (the pinned ones were confirmed): a refused new device is forgotten again. */
  rejectPending(account: string): void {
    for (const p of this.of(account)) {
      if (p.pendingKey === undefined) continue;
      if (p.identityKey === undefined) this.pins.delete(Pins.key(account, p.deviceId));
      else delete p.pendingKey;
    }
  }

  /** Marks every pinned device of the account verified (after the safety numbers matched). */
  verify(account: string): void {
    for (const p of this.of(account)) if (p.identityKey !== undefined) p.state = 'verified';
  }

  isVerified(account: string): boolean {
    return this.of(account).some((p) => p.state === 'verified');
  }

  pending(account: string): PendingChange[] {
    return this.of(account).filter((p) => p.pendingKey !== undefined).sort((a, b) => a.deviceId - b.deviceId)
      .map((p) => ({ deviceId: p.deviceId, offered: fromB64(p.pendingKey!), ...(p.identityKey !== undefined ? { pinned: fromB64(p.identityKey) } : {}) }));
  }

  pinned(account: string, device: number): Uint8Array | undefined {
    const k = this.pins.get(Pins.key(account, device))?.identityKey;
    return k === undefined ? undefined : fromB64(k);
  }

  /** Devices of the account with a pinned key (a refused new device with only a pending key is not one). */
  devicesOf(account: string): number[] {
    return this.of(account).filter((p) => p.identityKey !== undefined).map((p) => p.deviceId).sort((a, b) => a - b);
  }

  /** The keys a safety number is computed from: pinned keys, or with `withPending` the keys as they would be after `accept`. */
  keysOf(account: string, withPending = false): Uint8Array[] {
    return this.of(account).sort((a, b) => a.deviceId - b.deviceId)
      .map((p) => (withPending && p.pendingKey !== undefined ? p.pendingKey : p.identityKey))
      .filter((k): k is string => k !== undefined).map(fromB64);
  }

  toJson(): { pins: PinJson[] } {
    return { pins: [...this.pins.values()].map((p) => ({ ...p })) };
  }
}
