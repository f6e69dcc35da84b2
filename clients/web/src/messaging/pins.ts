/**
 * Identity keys pinned per (account, device), trust on first use (docs/protocol-crypto.md §10, as the Java
 * SDK's TrustStore): the first key seen for a device is pinned; a different key later is refused (no session,
 * nothing encrypted to it, its messages not accepted) and shown in the conversation. Kept in the encrypted
 * local state ('pins.bin'); safety numbers are computed from these pins only (§6), never from a server answer.
 */
import { b64, equal, fromB64 } from '../crypto/bytes';
import { sodium } from '../crypto/sodium';

export type PinCheck = 'new' | 'same' | 'changed';

export class UntrustedIdentityError extends Error {}

/** Short fingerprint of an identity key for notices: first 8 bytes of SHA-256, hex in groups of 4. */
export function shortFingerprint(key: Uint8Array): string {
  const h = sodium.to_hex(sodium.crypto_hash_sha256(key).slice(0, 8));
  return h.match(/.{4}/g)!.join(' ');
}

export class Pins {
  constructor(private readonly pins: Record<string, string> = {}) {}

  static key(account: string, device: number): string {
    return `${account}/${device}`;
  }

  check(account: string, device: number, identityKey: Uint8Array): PinCheck {
    const pinned = this.pins[Pins.key(account, device)];
    if (pinned === undefined) return 'new';
    return equal(fromB64(pinned), identityKey) ? 'same' : 'changed';
  }

  /** Pins a key for a device that has none; never replaces a pin (a changed key stays refused). */
  pin(account: string, device: number, identityKey: Uint8Array): void {
    const k = Pins.key(account, device);
    if (this.pins[k] === undefined) this.pins[k] = b64(identityKey);
  }

  pinned(account: string, device: number): Uint8Array | undefined {
    const p = this.pins[Pins.key(account, device)];
    return p === undefined ? undefined : fromB64(p);
  }

  /** Devices of the account with a pin. */
  devicesOf(account: string): number[] {
    return Object.keys(this.pins).filter((k) => k.startsWith(`${account}/`) && /^\d+$/.test(k.slice(account.length + 1)))
      .map((k) => Number(k.slice(account.length + 1)));
  }

  toJson(): Record<string, string> {
    return { ...this.pins };
  }
}
