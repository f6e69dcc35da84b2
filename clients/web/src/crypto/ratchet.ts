/**
 * Signal's Double Ratchet as docs/protocol-crypto.md §4 specifies it (no header encryption, a random 24-byte
 * nonce per message in the 64-byte header,
 * 2,000 skipped keys at most). Decryption is all-or-nothing: it works on a copy of the state and returns the
 * new state only when the AEAD tag verified.
 */
import { sodium } from './sodium';
import { concat, equal, hex, readU32, u32 } from './bytes';
import { kdfChain, kdfRoot, messageKey } from './kdf';
import { dh, type KeyPair, type KeySource } from './x3dh';

export const HEADER_BYTES = 64;
export const NONCE_BYTES = 24;
export const MAX_SKIP = 2000;
export const MAX_SKIPPED_KEPT = 2000;
const PREVIOUS_REMOTE_KEYS = 8;

export interface RatchetState {
  dhs: KeyPair;
  dhr?: Uint8Array;
  rk: Uint8Array;
  cks?: Uint8Array;
  ckr?: Uint8Array;
  ns: number;
  nr: number;
  pn: number;
  /** "<hex dh>/<n>" → message key, insertion order = age */
  skipped: Map<string, Uint8Array>;
  previousRemoteRatchetKeys: Uint8Array[];
  associatedData: Uint8Array;
}

export class DuplicateMessageError extends Error {}
export class InvalidMessageError extends Error {}

export interface Header {
  dh: Uint8Array;
  pn: number;
  n: number;
  nonce: Uint8Array;
}

export function encodeHeader(h: Header): Uint8Array {
  if (h.nonce.length !== NONCE_BYTES) throw new Error('nonce must be 24 bytes');
  return concat(h.dh, u32(h.pn), u32(h.n), h.nonce);
}

export function decodeHeader(b: Uint8Array): Header {
  if (b.length !== HEADER_BYTES) throw new InvalidMessageError('bad header length');
  return { dh: b.slice(0, 32), pn: readU32(b, 32), n: readU32(b, 36), nonce: b.slice(40, 64) };
}

/** Alice after X3DH: a new ratchet key against Bob's signed prekey. */
export function initAlice(sk: Uint8Array, bobSignedPrekey: Uint8Array, ad: Uint8Array, keys: KeySource): RatchetState {
  const dhs = keys();
  const [rk, cks] = kdfRoot(sk, dh(dhs.privateKey, bobSignedPrekey));
  return { dhs, dhr: bobSignedPrekey, rk, cks, ns: 0, nr: 0, pn: 0, skipped: new Map(), previousRemoteRatchetKeys: [], associatedData: ad };
}

/** Bob on the first message: his signed prekey pair is the first ratchet key. */
export function initBob(sk: Uint8Array, signedPrekey: KeyPair, ad: Uint8Array): RatchetState {
  return { dhs: signedPrekey, rk: sk, ns: 0, nr: 0, pn: 0, skipped: new Map(), previousRemoteRatchetKeys: [], associatedData: ad };
}

function clone(s: RatchetState): RatchetState {
  return { ...s, skipped: new Map(s.skipped), previousRemoteRatchetKeys: [...s.previousRemoteRatchetKeys] };
}

/**
 * Returns the 64-byte header and the ciphertext (plaintext + 16-byte tag); advances the sending chain. The
 * nonce is 24 fresh random bytes (only the test vectors pass a fixed one): a rolled-back state re-derives
 * keys it already used, but never with the same nonce.
 */
export function ratchetEncrypt(s: RatchetState, plaintext: Uint8Array, nonce: Uint8Array = sodium.randombytes_buf(NONCE_BYTES)): { header: Uint8Array; ciphertext: Uint8Array } {
  if (!s.cks) throw new Error('no sending chain yet');
  const [mk, next] = kdfChain(s.cks);
  const header = encodeHeader({ dh: s.dhs.publicKey, pn: s.pn, n: s.ns, nonce });
  s.cks = next;
  s.ns += 1;
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, concat(s.associatedData, header), null, nonce, messageKey(mk));
  return { header, ciphertext };
}

function open(mk: Uint8Array, ad: Uint8Array, header: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  try {
    // The header (and so its nonce) is part of the associated data.
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, concat(ad, header), header.slice(40, 64), messageKey(mk));
  } catch {
    throw new InvalidMessageError('message does not authenticate');
  }
}

function skipUntil(s: RatchetState, until: number): void {
  if (!s.ckr) return;
  if (until - s.nr > MAX_SKIP) throw new InvalidMessageError('too many skipped messages');
  while (s.nr < until) {
    const [mk, next] = kdfChain(s.ckr);
    s.skipped.set(`${hex(s.dhr!)}/${s.nr}`, mk);
    s.ckr = next;
    s.nr += 1;
    if (s.skipped.size > MAX_SKIPPED_KEPT) s.skipped.delete(s.skipped.keys().next().value!);
  }
}

/**
 * Decrypts a ratchet message; returns the plaintext and the session's next state (the given state is not
 * changed). Throws DuplicateMessageError for a copy already read, InvalidMessageError otherwise.
 */
export function ratchetDecrypt(state: RatchetState, headerBytes: Uint8Array, ciphertext: Uint8Array, keys: KeySource): { plaintext: Uint8Array; state: RatchetState } {
  const s = clone(state);
  const h = decodeHeader(headerBytes);
  const skippedId = `${hex(h.dh)}/${h.n}`;
  const skippedKey = s.skipped.get(skippedId);
  if (skippedKey) {
    const plaintext = open(skippedKey, s.associatedData, headerBytes, ciphertext);
    s.skipped.delete(skippedId);
    return { plaintext, state: s };
  }
  if (s.previousRemoteRatchetKeys.some((k) => equal(k, h.dh))) throw new DuplicateMessageError('old ratchet key');
  if (!s.dhr || !equal(h.dh, s.dhr)) {
    skipUntil(s, h.pn);
    if (s.dhr) {
      s.previousRemoteRatchetKeys.push(s.dhr);
      if (s.previousRemoteRatchetKeys.length > PREVIOUS_REMOTE_KEYS) s.previousRemoteRatchetKeys.shift();
    }
    s.pn = s.ns;
    s.ns = 0;
    s.nr = 0;
    s.dhr = h.dh;
    [s.rk, s.ckr] = kdfRoot(s.rk, dh(s.dhs.privateKey, s.dhr));
    s.dhs = keys();
    [s.rk, s.cks] = kdfRoot(s.rk, dh(s.dhs.privateKey, s.dhr));
  } else if (h.n < s.nr) {
    throw new DuplicateMessageError('message number already used');
  }
  skipUntil(s, h.n);
  const [mk, next] = kdfChain(s.ckr!);
  const plaintext = open(mk, s.associatedData, headerBytes, ciphertext);
  s.ckr = next;
  s.nr = h.n + 1;
  return { plaintext, state: s };
}
