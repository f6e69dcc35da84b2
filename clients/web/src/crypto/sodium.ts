/**
 * libsodium (libsodium-wrappers-sumo 0.8.4, WebAssembly) — the same C library the Java SDK reaches through
 * lazysodium, so every primitive gives the same bytes. Call `await sodiumReady()` once before any other
 * function of src/crypto.
 */
import sodiumModule from 'libsodium-wrappers-sumo';

export const sodium = sodiumModule;

export async function sodiumReady(): Promise<typeof sodiumModule> {
  await sodiumModule.ready;
  return sodiumModule;
}
