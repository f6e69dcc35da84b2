/**
 * Attachments (docs/protocol-crypto.md §7): a libsodium secretstream of 65,536-byte pieces, FINAL on the
 * last; the pointer carries key, plaintext size and SHA-256 of the blob.
 */
import { sodium } from './sodium';
import { concat, equal } from './bytes';

export const CHUNK = 65536;
const ABYTES = 17;
const HEADER = 24;

export interface Pointer {
  key: Uint8Array;
  size: number;
  digest: Uint8Array;
}

export class AttachmentError extends Error {}

export function encryptAttachment(plaintext: Uint8Array, key: Uint8Array = sodium.crypto_secretstream_xchacha20poly1305_keygen()): { blob: Uint8Array; pointer: Pointer } {
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const parts: Uint8Array[] = [header];
  const k = Math.max(1, Math.ceil(plaintext.length / CHUNK));
  for (let i = 0; i < k; i++) {
    const piece = plaintext.subarray(i * CHUNK, Math.min(plaintext.length, (i + 1) * CHUNK));
    const tag = i === k - 1 ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    parts.push(sodium.crypto_secretstream_xchacha20poly1305_push(state, piece, null, tag));
  }
  const blob = concat(...parts);
  return { blob, pointer: { key, size: plaintext.length, digest: sodium.crypto_hash_sha256(blob) } };
}

/** Refuses a blob that fails any check of §7; returns the plaintext only when all pass. */
export function decryptAttachment(blob: Uint8Array, pointer: Pointer): Uint8Array {
  if (!equal(sodium.crypto_hash_sha256(blob), pointer.digest)) throw new AttachmentError('digest differs');
  if (blob.length < HEADER + ABYTES) throw new AttachmentError('too short');
  const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(blob.subarray(0, HEADER), pointer.key);
  const out = new Uint8Array(pointer.size);
  let o = HEADER, w = 0, final = false;
  while (o < blob.length) {
    if (final) throw new AttachmentError('bytes after the final chunk');
    const end = Math.min(blob.length, o + CHUNK + ABYTES);
    let r: { message: Uint8Array; tag: number } | false;
    try {
      r = sodium.crypto_secretstream_xchacha20poly1305_pull(state, blob.subarray(o, end), null);
    } catch {
      r = false;
    }
    if (!r) throw new AttachmentError('chunk does not authenticate');
    if (w + r.message.length > out.length) throw new AttachmentError('larger than its pointer says');
    out.set(r.message, w);
    w += r.message.length;
    final = r.tag === sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    o = end;
  }
  if (!final) throw new AttachmentError('no final chunk');
  if (w !== pointer.size) throw new AttachmentError('size differs');
  return out;
}
