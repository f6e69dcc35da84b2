/**
 * libsodium (libsodium-wrappers-sumo 0.8.4, WebAssembly) — the same C library the Java SDK reaches through
 * lazysodium, so every primitive gives the same bytes. Call `await sodiumReady()` once before any other
 * function of src/crypto.
 */
import sodiumModule from 'libsodium-wrappers-sumo';

/** ML-KEM-768 of libsodium 1.0.21 (in the 0.8.4 wrappers; @types/libsodium-wrappers-sumo 0.8.2 lacks it). */
interface MlKem768 {
  crypto_kem_mlkem768_seed_keypair(seed: Uint8Array): { publicKey: Uint8Array; privateKey: Uint8Array };
  crypto_kem_mlkem768_enc_deterministic(publicKey: Uint8Array, seed: Uint8Array): { ciphertext: Uint8Array; sharedSecret: Uint8Array };
  crypto_kem_mlkem768_dec(ciphertext: Uint8Array, privateKey: Uint8Array): Uint8Array;
}

export const sodium = sodiumModule as typeof sodiumModule & MlKem768;

export async function sodiumReady(): Promise<typeof sodiumModule> {
  await sodiumModule.ready;
  return sodiumModule;
}
