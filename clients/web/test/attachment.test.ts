/**
 * Attachment format (docs/protocol-crypto.md §7): padded length P(n), the streaming sealer and opener, and the
 * blobs a hostile sender or object store can hand a receiver.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sodium, sodiumReady } from '../src/crypto/sodium';
import { concat } from '../src/crypto/bytes';
import {
  AttachmentError, AttachmentOpener, AttachmentSealer, blobLength, CHUNK, decryptAttachment, encryptAttachment, paddedLength,
  type Pointer,
} from '../src/crypto/attachment';

/** Random bytes (Node's CSPRNG: libsodium's randombytes_buf is slow under Node). */
const rnd = (n: number) => new Uint8Array(randomBytes(n));

beforeAll(async () => { await sodiumReady(); });

/** A secretstream blob built by hand: each piece with its tag (what a modified client could upload). */
function rawBlob(pieces: Uint8Array[], tags: number[], key = sodium.crypto_secretstream_xchacha20poly1305_keygen()) {
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const blob = concat(header, ...pieces.map((p, i) => sodium.crypto_secretstream_xchacha20poly1305_push(state, p, null, tags[i])));
  return { blob, key, digest: sodium.crypto_hash_sha256(blob) };
}
const M = () => sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
const F = () => sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 1) % 251 || 1); // no zero byte

describe('P(n)', () => {
  it('is 512 up to 512 bytes, then n rounded up to 2^(b-5)', () => {
    expect([0, 1, 511, 512].map(paddedLength)).toEqual([512, 512, 512, 512]);
    expect(paddedLength(513)).toBe(544);
    expect(paddedLength(544)).toBe(544);
    expect(paddedLength(545)).toBe(576);
    expect(paddedLength(1023)).toBe(1024);
    expect(paddedLength(1024)).toBe(1024);
    expect(paddedLength(1025)).toBe(1088);
    expect(paddedLength(65536)).toBe(65536);
    expect(paddedLength(65537)).toBe(69632);
    expect(paddedLength(70000)).toBe(73728);
    // 50 MiB = 25 · 2^21 is already a multiple of its unit (2^21; b = 26): P = n. (The brief gave
    // 54525952 = 26 · 2^21 for it, which contradicts its own formula; that is P(50 MiB + 1).)
    expect(paddedLength(52428800)).toBe(52428800);
    expect(paddedLength(52428801)).toBe(54525952);
    expect(paddedLength(2 ** 31)).toBe(2 ** 31);
    expect(paddedLength(2 ** 31 + 1)).toBe(2 ** 31 + 2 ** 27);
  });
  it('adds at most 1/16 above 512 bytes and is a multiple of its unit', () => {
    for (let n = 513; n < 300_000; n += 997) {
      const p = paddedLength(n);
      const unit = 2 ** (n.toString(2).length - 5);
      expect(p % unit).toBe(0);
      expect(p).toBeGreaterThanOrEqual(n);
      expect(p - n).toBeLessThan(unit);
      expect(p).toBeLessThanOrEqual(n + n / 16);
    }
  });
  it('refuses a negative or fractional size', () => {
    expect(() => paddedLength(-1)).toThrow(AttachmentError);
    expect(() => paddedLength(1.5)).toThrow(AttachmentError);
  });
  it('blob length = 24 + P + 17·k', () => {
    expect(blobLength(0)).toBe(24 + 512 + 17);
    expect(blobLength(52428800)).toBe(24 + 52428800 + 17 * 800);
    expect(blobLength(52428801)).toBe(24 + 54525952 + 17 * 832);
  });
});

describe('sealer and opener', () => {
  it('round-trips sizes around every boundary, fed in odd pieces', () => {
    for (const n of [0, 1, 512, 513, 65535, 65536, 65537, 3 * 65536 + 11, 300_001]) {
      const data = rnd(n);
      const sealer = new AttachmentSealer(n);
      const chunks: Uint8Array[] = [];
      for (let o = 0; o < n; o += 10_007) chunks.push(...sealer.write(data.subarray(o, o + 10_007)));
      const done = sealer.finish();
      chunks.push(...done.chunks);
      const blob = concat(...chunks);
      expect(blob.length).toBe(blobLength(n));
      expect(done.pointer.size).toBe(n);
      expect(done.pointer.digest).toEqual(sodium.crypto_hash_sha256(blob));
      // The opener, fed in pieces that cross chunk boundaries, gives back exactly the file.
      const opener = new AttachmentOpener(done.pointer);
      const out: Uint8Array[] = [];
      for (let o = 0; o < blob.length; o += 33_333) out.push(...opener.write(blob.subarray(o, o + 33_333)));
      out.push(...opener.finish());
      expect(Buffer.from(concat(...out)).equals(Buffer.from(data))).toBe(true);
    }
  });
  it('the padding is zeros: a 1-byte file decrypts to 512 bytes, the last 511 zero, only the first kept', () => {
    const { blob, pointer } = encryptAttachment(Uint8Array.of(0x5a));
    const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(blob.subarray(0, 24), pointer.key);
    const r = sodium.crypto_secretstream_xchacha20poly1305_pull(state, blob.subarray(24), null) as { message: Uint8Array; tag: number };
    expect(r.message.length).toBe(512);
    expect(r.message[0]).toBe(0x5a);
    expect(r.message.subarray(1).every((b) => b === 0)).toBe(true);
    expect(r.tag).toBe(F());
    expect(decryptAttachment(blob, pointer)).toEqual(Uint8Array.of(0x5a));
  });
  it('the sealer refuses more or fewer bytes than declared', () => {
    expect(() => new AttachmentSealer(3).write(new Uint8Array(4))).toThrow(/more bytes/);
    const s = new AttachmentSealer(3);
    s.write(new Uint8Array(2));
    expect(() => s.finish()).toThrow(/declared/);
  });
});

describe('hostile blobs are refused', () => {
  const n = 2 * CHUNK + 100; // P = 139264 (unit 8192): 3 chunks, the last with 8,192 bytes of which the tail is padding
  const data = pattern(n);
  // Built once libsodium is ready: a describe body runs at collection time, before any beforeAll.
  let good: ReturnType<typeof encryptAttachment>;
  beforeAll(async () => { await sodiumReady(); good = encryptAttachment(data); });
  const withDigest = (blob: Uint8Array, p: Pointer = good.pointer) => ({ ...p, digest: sodium.crypto_hash_sha256(blob) });

  it('the good blob opens', () => {
    expect(paddedLength(n)).toBe(139264);
    expect(decryptAttachment(good.blob, good.pointer)).toEqual(data);
  });
  it('wrong digest', () => {
    const p = { ...good.pointer, digest: good.pointer.digest.slice() };
    p.digest[0] ^= 1;
    expect(() => decryptAttachment(good.blob, p)).toThrow(/SHA-256 differs/);
  });
  it('a flipped bit (with and without a matching digest)', () => {
    const b = good.blob.slice();
    b[24 + CHUNK + 17 + 5] ^= 0x10;
    expect(() => decryptAttachment(b, good.pointer)).toThrow(/chunk 2 does not authenticate/);
    expect(() => decryptAttachment(b, withDigest(b))).toThrow(/chunk 2 does not authenticate/);
  });
  it('truncated: the last chunk dropped, or cut inside it', () => {
    const dropped = good.blob.subarray(0, 24 + 2 * (CHUNK + 17));
    expect(() => decryptAttachment(dropped, withDigest(dropped))).toThrow(/truncated/);
    const cut = good.blob.subarray(0, good.blob.length - 1);
    expect(() => decryptAttachment(cut, withDigest(cut))).toThrow(/truncated/);
    const headerOnly = good.blob.subarray(0, 10);
    expect(() => decryptAttachment(headerOnly, withDigest(headerOnly))).toThrow(/truncated/);
  });
  it('bytes after FINAL: appended bytes, or a FINAL chunk before the end', () => {
    const extra = concat(good.blob, new Uint8Array(17));
    expect(() => decryptAttachment(extra, withDigest(extra))).toThrow(/after the final chunk/);
    // A modified client: FINAL on the first chunk, then more chunks (the blob has the right length).
    const p = paddedLength(n);
    const padded = concat(data, new Uint8Array(p - n));
    const early = rawBlob([padded.subarray(0, CHUNK), padded.subarray(CHUNK, 2 * CHUNK), padded.subarray(2 * CHUNK)], [F(), M(), F()]);
    expect(early.blob.length).toBe(blobLength(n));
    expect(() => decryptAttachment(early.blob, { key: early.key, size: n, digest: early.digest })).toThrow(/after the final chunk/);
    // The last chunk without FINAL.
    const open = rawBlob([padded.subarray(0, CHUNK), padded.subarray(CHUNK, 2 * CHUNK), padded.subarray(2 * CHUNK)], [M(), M(), M()]);
    expect(() => decryptAttachment(open.blob, { key: open.key, size: n, digest: open.digest })).toThrow(/not FINAL/);
  });
  it('non-zero padding (a sender hiding bytes after the file)', () => {
    const p = paddedLength(n);
    const padded = concat(data, new Uint8Array(p - n));
    padded[p - 1] = 1;
    const hidden = rawBlob([padded.subarray(0, CHUNK), padded.subarray(CHUNK, 2 * CHUNK), padded.subarray(2 * CHUNK)], [M(), M(), F()]);
    expect(() => decryptAttachment(hidden.blob, { key: hidden.key, size: n, digest: hidden.digest })).toThrow(/padding after the file is not all zero/);
  });
  it('unpadded (the format before padding) and wrongly padded streams', () => {
    const unpadded = rawBlob([data.subarray(0, CHUNK), data.subarray(CHUNK, 2 * CHUNK), data.subarray(2 * CHUNK)], [M(), M(), F()]);
    expect(() => decryptAttachment(unpadded.blob, { key: unpadded.key, size: n, digest: unpadded.digest })).toThrow(/differs from 139264 = P\(131172\)/);
    // A 1-byte file in a 600-byte stream (P(1) = 512): longer than the pointer allows.
    const big = rawBlob([concat(Uint8Array.of(7), new Uint8Array(599))], [F()]);
    expect(() => decryptAttachment(big.blob, { key: big.key, size: 1, digest: big.digest })).toThrow(/longer/);
  });
  it('wrong size in the pointer: another padded length, or the same one over non-zero bytes', () => {
    expect(() => decryptAttachment(good.blob, { ...good.pointer, size: 5 * CHUNK })).toThrow(/truncated/);
    expect(() => decryptAttachment(good.blob, { ...good.pointer, size: CHUNK })).toThrow(AttachmentError);
    // Same P (139264), fewer bytes: the pointer claims the file ends before bytes that are not zero.
    expect(paddedLength(n - 50)).toBe(paddedLength(n));
    expect(() => decryptAttachment(good.blob, { ...good.pointer, size: n - 50 })).toThrow(/not all zero/);
  });
  it('the wrong key', () => {
    expect(() => decryptAttachment(good.blob, { ...good.pointer, key: sodium.crypto_secretstream_xchacha20poly1305_keygen() })).toThrow(/does not authenticate/);
  });
});
