/**
 * X3DH / PQXDH session setup (docs/protocol-crypto.md §2, §3): key types, the signatures of a bundle, the
 * shared secret of both sides and the associated data.
 */
import { sodium } from './sodium';
import { concat, utf8 } from './bytes';
import { hkdf } from './kdf';

export interface KeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/** Where new X25519 private keys come from (random; the test vectors inject a fixed sequence). */
export type KeySource = () => KeyPair;

export function x25519KeyPair(privateKey: Uint8Array): KeyPair {
  return { privateKey, publicKey: sodium.crypto_scalarmult_base(privateKey) };
}

export const randomKeys: KeySource = () => x25519KeyPair(sodium.randombytes_buf(32));

/** X25519; libsodium refuses (throws on) an all-zero result, which the protocol requires. */
export function dh(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return sodium.crypto_scalarmult(privateKey, publicKey);
}

const SIG_LABEL = {
  agreement: 'SecureConnect agreement key v1',
  signedPrekey: 'SecureConnect signed prekey v1',
  kemPrekey: 'SecureConnect kem prekey v1',
} as const;
export type SignedKind = keyof typeof SIG_LABEL;

function signedMessage(kind: SignedKind, key: Uint8Array): Uint8Array {
  return concat(utf8(SIG_LABEL[kind]), Uint8Array.of(0), key);
}

export interface IdentityKey {
  seed: Uint8Array;
  publicKey: Uint8Array;
  privateKey: Uint8Array; // libsodium's 64-byte secret key (seed ‖ public)
}

export function identityFromSeed(seed: Uint8Array): IdentityKey {
  const kp = sodium.crypto_sign_seed_keypair(seed);
  return { seed, publicKey: kp.publicKey, privateKey: kp.privateKey };
}

export function sign(identity: IdentityKey, kind: SignedKind, key: Uint8Array): Uint8Array {
  return sodium.crypto_sign_detached(signedMessage(kind, key), identity.privateKey);
}

export function verify(identityKey: Uint8Array, kind: SignedKind, key: Uint8Array, signature: Uint8Array): boolean {
  try {
    return sodium.crypto_sign_verify_detached(signature, signedMessage(kind, key), identityKey);
  } catch {
    return false;
  }
}

const F32 = new Uint8Array(32).fill(0xff);
const ZERO32 = new Uint8Array(32);
export const X3DH_INFO = utf8('SecureConnect X3DH v1');
export const PQXDH_INFO = utf8('SecureConnect PQXDH v1');

/** SK from the DH outputs (and the KEM shared secret for PQXDH). */
export function sharedSecret(dhs: Uint8Array[], kemSharedSecret?: Uint8Array): Uint8Array {
  const ikm = concat(F32, ...dhs, ...(kemSharedSecret ? [kemSharedSecret] : []));
  return hkdf(ZERO32, ikm, kemSharedSecret ? PQXDH_INFO : X3DH_INFO, 32);
}

/** Alice's side: DH1..DH4 with her agreement key and ephemeral key against Bob's bundle. */
export function initiatorDhs(agreementPrivate: Uint8Array, ephemeralPrivate: Uint8Array, bob: {
  agreementKey: Uint8Array; signedPrekey: Uint8Array; oneTimePrekey?: Uint8Array;
}): Uint8Array[] {
  const out = [dh(agreementPrivate, bob.signedPrekey), dh(ephemeralPrivate, bob.agreementKey), dh(ephemeralPrivate, bob.signedPrekey)];
  if (bob.oneTimePrekey) out.push(dh(ephemeralPrivate, bob.oneTimePrekey));
  return out;
}

/** Bob's side of the same four DH outputs. */
export function responderDhs(own: { agreementPrivate: Uint8Array; signedPrekeyPrivate: Uint8Array; oneTimePrekeyPrivate?: Uint8Array },
                             alice: { agreementKey: Uint8Array; ephemeralKey: Uint8Array }): Uint8Array[] {
  const out = [dh(own.signedPrekeyPrivate, alice.agreementKey), dh(own.agreementPrivate, alice.ephemeralKey),
    dh(own.signedPrekeyPrivate, alice.ephemeralKey)];
  if (own.oneTimePrekeyPrivate) out.push(dh(own.oneTimePrekeyPrivate, alice.ephemeralKey));
  return out;
}

/** AD = IK_A ‖ AK_A ‖ IK_B ‖ AK_B (A is the initiator). */
export function associatedData(ikA: Uint8Array, akA: Uint8Array, ikB: Uint8Array, akB: Uint8Array): Uint8Array {
  return concat(ikA, akA, ikB, akB);
}

// ML-KEM-768 (FIPS 203) from libsodium's WebAssembly (1.0.21+, in libsodium-wrappers-sumo 0.8.4): byte-identical to
// Bouncy Castle and to @noble/post-quantum (the test vectors), 2-6 times faster than the latter's JavaScript.
// Private keys are kept as the 64-byte seed d ‖ z.
export const KEM_CIPHERTEXT_BYTES = 1088;

export function kemKeyPair(seed: Uint8Array): { seed: Uint8Array; publicKey: Uint8Array; secretKey: Uint8Array } {
  const { publicKey, privateKey } = sodium.crypto_kem_mlkem768_seed_keypair(seed);
  return { seed, publicKey, secretKey: privateKey };
}

/**
 * Encapsulation with 32 bytes of randomness m (random unless given). Throws on an invalid key (libsodium checks
 * the encapsulation key as FIPS 203 §7.2 asks: "invalid usage").
 */
export function kemEncapsulate(publicKey: Uint8Array, m: Uint8Array = sodium.randombytes_buf(32)): { cipherText: Uint8Array; sharedSecret: Uint8Array } {
  const { ciphertext, sharedSecret } = sodium.crypto_kem_mlkem768_enc_deterministic(publicKey, m);
  return { cipherText: ciphertext, sharedSecret };
}

export function kemDecapsulate(cipherText: Uint8Array, seed: Uint8Array): Uint8Array {
  return sodium.crypto_kem_mlkem768_dec(cipherText, sodium.crypto_kem_mlkem768_seed_keypair(seed).privateKey);
}
