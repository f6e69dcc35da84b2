/**
 * Sessions and wire messages (docs/protocol-crypto.md §3, §5): the initiator's PQXDH from a verified bundle,
 * PQXDH prekey messages (0x03) until the first reply, ratchet messages (0x01), and the responder's acceptance
 * of a prekey message. Post-quantum is mandatory (issue 15): a bundle without a KEM prekey and a 0x02 (X3DH)
 * setup message are refused, as the Java SDK does.
 */
import { concat, equal, readU32, u32 } from './bytes';
import {
  associatedData, initiatorDhs, kemDecapsulate, kemEncapsulate, KEM_CIPHERTEXT_BYTES, responderDhs, sharedSecret,
  verify, x25519KeyPair, type IdentityKey, type KeyPair, type KeySource,
} from './x3dh';
import { HEADER_BYTES, initAlice, initBob, InvalidMessageError, ratchetDecrypt, ratchetEncrypt, type RatchetState } from './ratchet';

export const TYPE_RATCHET = 0x01;
/** X3DH setup without the KEM: refused on receipt, never sent (downgrade). */
export const TYPE_PREKEY = 0x02;
export const TYPE_PQXDH = 0x03;
const NO_ONE_TIME = 0xffffffff;

/** What the initiator repeats in every message until the first reply. */
export interface PendingPrekey {
  identityKey: Uint8Array;
  agreementKey: Uint8Array;
  agreementKeySignature: Uint8Array;
  baseKey: Uint8Array;
  signedPrekeyId: number;
  oneTimePrekeyId?: number;
  kem: { lastResort: boolean; keyId: number; cipherText: Uint8Array };
}

export interface Session {
  ratchet: RatchetState;
  remoteIdentityKey: Uint8Array;
  baseKey: Uint8Array;
  pendingPrekey?: PendingPrekey;
  /** Set up by PQXDH. A session without it (X3DH, from state written before issue 15) is never used again (§5.2). */
  pq: boolean;
}

/** This device's long-term keys as the session code needs them. */
export interface OwnIdentity {
  identity: IdentityKey;
  agreement: KeyPair;
  agreementKeySignature: Uint8Array;
}

/** A device bundle as identity-service serves it, decoded to bytes. */
export interface Bundle {
  identityKey: Uint8Array;
  agreementKey: Uint8Array;
  agreementKeySignature: Uint8Array;
  signedPrekey: { keyId: number; publicKey: Uint8Array; signature: Uint8Array };
  oneTimePrekey?: { keyId: number; publicKey: Uint8Array };
  kemPrekey?: { keyId: number; publicKey: Uint8Array; signature: Uint8Array; lastResort: boolean };
}

export class UntrustedBundleError extends Error {}
/** The bundle has no post-quantum prekey: no session, nothing encrypted to that device (SDK: MissingPostQuantumKeyException). */
export class MissingPostQuantumKeyError extends Error {}
/** A 0x02 setup message (X3DH without the KEM): refused before any key is looked up (SDK: DowngradeException). */
export class DowngradeError extends Error {}

/** Verifies the bundle's signatures (the server is not the root of trust), then PQXDH as Alice. */
export function startSession(own: OwnIdentity, bundle: Bundle, keys: KeySource, kemRandomness?: Uint8Array): Session {
  if (!bundle.kemPrekey) throw new MissingPostQuantumKeyError('the device has no post-quantum key: it must register again with a current client');
  if (!verify(bundle.identityKey, 'agreement', bundle.agreementKey, bundle.agreementKeySignature)) throw new UntrustedBundleError('agreement key signature');
  if (!verify(bundle.identityKey, 'signedPrekey', bundle.signedPrekey.publicKey, bundle.signedPrekey.signature)) throw new UntrustedBundleError('signed prekey signature');
  if (bundle.kemPrekey && !verify(bundle.identityKey, 'kemPrekey', bundle.kemPrekey.publicKey, bundle.kemPrekey.signature)) throw new UntrustedBundleError('kem prekey signature');
  const ek = keys();
  const dhs = initiatorDhs(own.agreement.privateKey, ek.privateKey, {
    agreementKey: bundle.agreementKey, signedPrekey: bundle.signedPrekey.publicKey, oneTimePrekey: bundle.oneTimePrekey?.publicKey,
  });
  const enc = kemEncapsulate(bundle.kemPrekey.publicKey, kemRandomness);
  const kem = { lastResort: bundle.kemPrekey.lastResort, keyId: bundle.kemPrekey.keyId, cipherText: enc.cipherText };
  const sk = sharedSecret(dhs, enc.sharedSecret);
  const ad = associatedData(own.identity.publicKey, own.agreement.publicKey, bundle.identityKey, bundle.agreementKey);
  return {
    ratchet: initAlice(sk, bundle.signedPrekey.publicKey, ad, keys),
    remoteIdentityKey: bundle.identityKey,
    baseKey: ek.publicKey,
    pq: true,
    pendingPrekey: {
      identityKey: own.identity.publicKey, agreementKey: own.agreement.publicKey, agreementKeySignature: own.agreementKeySignature,
      baseKey: ek.publicKey, signedPrekeyId: bundle.signedPrekey.keyId, oneTimePrekeyId: bundle.oneTimePrekey?.keyId, kem,
    },
  };
}

/** Encrypts one message of the session into its wire bytes (advances the session); nonce: tests only. */
export function encryptMessage(session: Session, plaintext: Uint8Array, nonce?: Uint8Array): Uint8Array {
  const { header, ciphertext } = ratchetEncrypt(session.ratchet, plaintext, nonce);
  const p = session.pendingPrekey;
  if (!p) return concat(Uint8Array.of(TYPE_RATCHET), header, ciphertext);
  const prefix = concat(p.identityKey, p.agreementKey, p.agreementKeySignature, p.baseKey, u32(p.signedPrekeyId),
    u32(p.oneTimePrekeyId ?? NO_ONE_TIME));
  return concat(Uint8Array.of(TYPE_PQXDH), prefix, Uint8Array.of(p.kem.lastResort ? 1 : 0), u32(p.kem.keyId), p.kem.cipherText, header, ciphertext);
}

export interface PrekeyMessage {
  type: number;
  identityKey: Uint8Array;
  agreementKey: Uint8Array;
  agreementKeySignature: Uint8Array;
  baseKey: Uint8Array;
  signedPrekeyId: number;
  oneTimePrekeyId?: number;
  kem: { lastResort: boolean; keyId: number; cipherText: Uint8Array };
  header: Uint8Array;
  ciphertext: Uint8Array;
}

export function parsePrekeyMessage(wire: Uint8Array): PrekeyMessage {
  const type = wire[0];
  if (type === TYPE_PREKEY) throw new DowngradeError('set up without post-quantum protection');
  if (type !== TYPE_PQXDH) throw new InvalidMessageError('not a prekey message');
  let o = 1;
  const take = (n: number) => {
    if (o + n > wire.length) throw new InvalidMessageError('truncated prekey message');
    const b = wire.slice(o, o + n);
    o += n;
    return b;
  };
  const identityKey = take(32), agreementKey = take(32), agreementKeySignature = take(64), baseKey = take(32);
  const signedPrekeyId = readU32(take(4), 0);
  const otp = readU32(take(4), 0);
  const kind = take(1)[0];
  if (kind > 1) throw new InvalidMessageError('bad kem kind');
  const kem = { lastResort: kind === 1, keyId: readU32(take(4), 0), cipherText: take(KEM_CIPHERTEXT_BYTES) };
  const header = take(HEADER_BYTES);
  if (wire.length - o < 16) throw new InvalidMessageError('truncated ciphertext');
  return { type, identityKey, agreementKey, agreementKeySignature, baseKey, signedPrekeyId,
    oneTimePrekeyId: otp === NO_ONE_TIME ? undefined : otp, kem, header, ciphertext: wire.slice(o) };
}

/** The private prekeys a responder looks up by id (undefined = unknown, e.g. a used one-time key). */
export interface PrekeyStore {
  signedPrekey(id: number): KeyPair | undefined;
  oneTimePrekey(id: number): Uint8Array | undefined;
  kemPrekey(id: number, lastResort: boolean): Uint8Array | undefined; // the 64-byte seed
}

/**
 * Bob: a prekey message of a session not seen yet (§5.1 steps 3-5). Returns the new session and plaintext;
 * the caller deletes the used one-time prekeys and remembers the base key only after this returned.
 */
export function acceptPrekeyMessage(own: OwnIdentity, prekeys: PrekeyStore, m: PrekeyMessage, keys: KeySource): { session: Session; plaintext: Uint8Array } {
  if (!verify(m.identityKey, 'agreement', m.agreementKey, m.agreementKeySignature)) throw new InvalidMessageError('agreement key signature');
  const spk = prekeys.signedPrekey(m.signedPrekeyId);
  if (!spk) throw new InvalidMessageError('unknown signed prekey');
  let opk: Uint8Array | undefined;
  if (m.oneTimePrekeyId !== undefined) {
    opk = prekeys.oneTimePrekey(m.oneTimePrekeyId);
    if (!opk) throw new InvalidMessageError('unknown one-time prekey');
  }
  const seed = prekeys.kemPrekey(m.kem.keyId, m.kem.lastResort);
  if (!seed) throw new InvalidMessageError('unknown kem prekey');
  const ss = kemDecapsulate(m.kem.cipherText, seed);
  const dhs = responderDhs({ agreementPrivate: own.agreement.privateKey, signedPrekeyPrivate: spk.privateKey, oneTimePrekeyPrivate: opk },
    { agreementKey: m.agreementKey, ephemeralKey: m.baseKey });
  const sk = sharedSecret(dhs, ss);
  const ad = associatedData(m.identityKey, m.agreementKey, own.identity.publicKey, own.agreement.publicKey);
  const r = ratchetDecrypt(initBob(sk, spk, ad), m.header, m.ciphertext, keys);
  return { session: { ratchet: r.state, remoteIdentityKey: m.identityKey, baseKey: m.baseKey, pq: true }, plaintext: r.plaintext };
}

/**
 * A message for an existing session: a ratchet message, or a repeated prekey message of this session (same
 * base key). Returns the session's next state; the first decrypted reply ends the initiator's prekey phase.
 */
export function decryptMessage(session: Session, wire: Uint8Array, keys: KeySource): { session: Session; plaintext: Uint8Array } {
  if (wire[0] === TYPE_PREKEY) throw new DowngradeError('set up without post-quantum protection');
  if (!session.pq) throw new InvalidMessageError('session set up without post-quantum protection');
  let header: Uint8Array, ciphertext: Uint8Array;
  if (wire[0] === TYPE_RATCHET) {
    if (wire.length < 1 + HEADER_BYTES + 16) throw new InvalidMessageError('truncated message');
    header = wire.slice(1, 1 + HEADER_BYTES);
    ciphertext = wire.slice(1 + HEADER_BYTES);
  } else {
    const m = parsePrekeyMessage(wire);
    if (!equal(m.baseKey, session.baseKey)) throw new InvalidMessageError('prekey message of another session');
    header = m.header;
    ciphertext = m.ciphertext;
  }
  const r = ratchetDecrypt(session.ratchet, header, ciphertext, keys);
  const isReply = wire[0] === TYPE_RATCHET;
  return { session: { ...session, ratchet: r.state, pendingPrekey: isReply ? undefined : session.pendingPrekey }, plaintext: r.plaintext };
}

export { x25519KeyPair };
