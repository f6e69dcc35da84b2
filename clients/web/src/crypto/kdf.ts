/** HKDF-SHA256 and the Double Ratchet's KDFs (docs/protocol-crypto.md §1, §4). */
import { sodium } from './sodium';
import { concat, utf8 } from './bytes';

const ZERO32 = new Uint8Array(32);

/**
 * HMAC-SHA256 with a key of any length. Every key of the protocol is 32 bytes: those take libsodium's one-shot
 * function (one call into WebAssembly instead of three: this is most of a message's cost in the browser).
 */
export function hmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  if (key.length === sodium.crypto_auth_hmacsha256_KEYBYTES) return sodium.crypto_auth_hmacsha256(message, key);
  const state = sodium.crypto_auth_hmacsha256_init(key);
  sodium.crypto_auth_hmacsha256_update(state, message);
  return sodium.crypto_auth_hmacsha256_final(state);
}

/** HKDF(salt, IKM, info, L); an empty salt is 32 zero bytes. */
export function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (length > 255 * 32) throw new Error('HKDF length too large');
  const prk = hmac(salt.length ? salt : ZERO32, ikm);
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1, o = 0; o < length; i++) {
    t = hmac(prk, concat(t, info, Uint8Array.of(i)));
    out.set(t.subarray(0, Math.min(32, length - o)), o);
    o += 32;
  }
  return out;
}

export const RATCHET_INFO = utf8('SecureConnect Ratchet v1');
export const MESSAGE_KEYS_INFO = utf8('SecureConnect MessageKeys v2');

/** KDF_RK(rk, dh_out) → [new root key, chain key]. */
export function kdfRoot(rootKey: Uint8Array, dhOutput: Uint8Array): [Uint8Array, Uint8Array] {
  const out = hkdf(rootKey, dhOutput, RATCHET_INFO, 64);
  return [out.slice(0, 32), out.slice(32, 64)];
}

/** KDF_CK(ck) → [message key, next chain key]. */
export function kdfChain(chainKey: Uint8Array): [Uint8Array, Uint8Array] {
  return [hmac(chainKey, Uint8Array.of(0x01)), hmac(chainKey, Uint8Array.of(0x02))];
}

/** A message key → XChaCha20-Poly1305 key (info v2, key only: the nonce is random and travels in the header, §4). */
export function messageKey(mk: Uint8Array): Uint8Array {
  return hkdf(ZERO32, mk, MESSAGE_KEYS_INFO, 32);
}
