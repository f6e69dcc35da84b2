/**
 * Attachments (docs/protocol-crypto.md §7): a libsodium secretstream of 65,536-byte pieces, FINAL on the last,
 * over the file padded with zero bytes to P(size) (so the blob shows the size only to within 1/16); the pointer
 * carries key, plaintext size and SHA-256 of the blob.
 *
 * Both directions stream: {@link AttachmentSealer} takes the file in pieces of any length and hands back
 * ciphertext chunks, {@link AttachmentOpener} takes the blob in pieces of any length (as fetch delivers it) and
 * hands back the file's bytes; neither holds more than one chunk besides what the caller keeps.
 */
import type { StateAddress } from 'libsodium-wrappers-sumo';
import { sodium } from './sodium';
import { concat, equal } from './bytes';

export const CHUNK = 65536;
const ABYTES = 17;
const HEADER = 24;
/** Files up to this size are all padded to it. */
export const MIN_PADDED = 512;

export interface Pointer {
  key: Uint8Array;
  size: number;
  digest: Uint8Array;
}

export class AttachmentError extends Error {}

/**
 * P(n): 512 for n ≤ 512; otherwise n rounded up to a multiple of 2^(b-5), b the bit length of n — at most 1/16
 * (6.25 %) added, and a blob's length tells only which of 16 steps per power of two the file falls in.
 */
export function paddedLength(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new AttachmentError(`invalid size ${n}`);
  if (n <= MIN_PADDED) return MIN_PADDED;
  let b = 0; // bit length: 2^(b-1) ≤ n < 2^b (a loop, not Math.log2, which rounds near powers of two)
  while (2 ** b <= n) b++;
  const unit = 2 ** (b - 5);
  return Math.ceil(n / unit) * unit;
}

/** Chunks of the secretstream for a file of `size` bytes: max(1, ceil(P/65536)). */
export function chunkCount(size: number): number {
  return Math.max(1, Math.ceil(paddedLength(size) / CHUNK));
}

/** Blob length for a file of `size` bytes: 24 + P + 17·k. */
export function blobLength(size: number): number {
  return HEADER + paddedLength(size) + ABYTES * chunkCount(size);
}

/**
 * Encrypts a file of a known `size` given in pieces: `write` each piece, then `finish`. Each call returns the
 * ciphertext chunks ready so far (the header first); their concatenation is the blob.
 */
export class AttachmentSealer {
  readonly key: Uint8Array;
  private readonly state: StateAddress;
  private readonly hash: StateAddress;
  private readonly padded: number;
  private readonly chunks: number;
  private buffer = new Uint8Array(CHUNK);
  private filled = 0;
  private pushed = 0;
  private received = 0;
  private header?: Uint8Array;

  constructor(readonly size: number, key: Uint8Array = sodium.crypto_secretstream_xchacha20poly1305_keygen()) {
    this.key = key;
    this.padded = paddedLength(size);
    this.chunks = chunkCount(size);
    const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
    this.state = state;
    this.header = header;
    this.hash = sodium.crypto_hash_sha256_init();
    sodium.crypto_hash_sha256_update(this.hash, header);
  }

  write(data: Uint8Array): Uint8Array[] {
    if (this.received + data.length > this.size) throw new AttachmentError('more bytes than the declared size');
    this.received += data.length;
    return this.take(data);
  }

  /** The rest of the blob (zero padding and the FINAL chunk) and the pointer. */
  finish(): { chunks: Uint8Array[]; pointer: Pointer } {
    if (this.received !== this.size) throw new AttachmentError(`${this.received} bytes given, ${this.size} declared`);
    const out: Uint8Array[] = this.header ? [this.header] : [];
    this.header = undefined;
    let zeros = this.padded - this.size;
    const block = new Uint8Array(Math.min(zeros, CHUNK));
    while (zeros > 0) {
      const n = Math.min(zeros, CHUNK);
      out.push(...this.take(block.subarray(0, n)));
      zeros -= n;
    }
    // What is left in the buffer is the last piece (1..65,536 bytes, since P ≥ 512).
    out.push(this.push(this.buffer.subarray(0, this.filled), true));
    this.filled = 0;
    return { chunks: out, pointer: { key: this.key, size: this.size, digest: sodium.crypto_hash_sha256_final(this.hash) } };
  }

  private take(data: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (this.header) { out.push(this.header); this.header = undefined; }
    let o = 0;
    while (o < data.length) {
      const n = Math.min(CHUNK - this.filled, data.length - o);
      this.buffer.set(data.subarray(o, o + n), this.filled);
      this.filled += n;
      o += n;
      // A full piece goes out unless it is the last one, which must wait for finish() to carry FINAL.
      if (this.filled === CHUNK && this.pushed < this.chunks - 1) {
        out.push(this.push(this.buffer, false));
        this.filled = 0;
      }
    }
    return out;
  }

  private push(piece: Uint8Array, final: boolean): Uint8Array {
    const tag = final ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    const c = sodium.crypto_secretstream_xchacha20poly1305_push(this.state, piece, null, tag);
    sodium.crypto_hash_sha256_update(this.hash, c);
    this.pushed++;
    return c;
  }
}

/**
 * Decrypts and checks a blob given in pieces: `write` each piece, then `finish`. `write` returns the file's
 * bytes authenticated so far (padding removed); the caller must discard them all unless `finish` succeeds —
 * only `finish` checks the digest and that the blob is complete.
 */
export class AttachmentOpener {
  private readonly padded: number;
  private readonly chunks: number;
  private readonly length: number;
  private readonly hash: StateAddress;
  private state?: StateAddress;
  private buffer: Uint8Array;
  private filled = 0;
  private received = 0;
  private pulled = 0;
  private plain = 0; // padded plaintext bytes authenticated so far

  constructor(private readonly pointer: Pointer) {
    this.padded = paddedLength(pointer.size);
    this.chunks = chunkCount(pointer.size);
    this.length = blobLength(pointer.size);
    this.hash = sodium.crypto_hash_sha256_init();
    this.buffer = new Uint8Array(CHUNK + ABYTES);
  }

  /** Blob bytes expected for the pointer's size. */
  get expectedLength(): number {
    return this.length;
  }

  write(data: Uint8Array): Uint8Array[] {
    if (this.received + data.length > this.length) {
      throw new AttachmentError(`the blob is longer than a file of ${this.pointer.size} bytes makes (bytes after the final chunk)`);
    }
    this.received += data.length;
    sodium.crypto_hash_sha256_update(this.hash, data);
    const out: Uint8Array[] = [];
    let o = 0;
    while (o < data.length) {
      const want = this.state ? CHUNK + ABYTES : HEADER;
      const n = Math.min(want - this.filled, data.length - o);
      this.buffer.set(data.subarray(o, o + n), this.filled);
      this.filled += n;
      o += n;
      if (this.filled < want) break;
      if (!this.state) {
        try {
          this.state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(this.buffer.slice(0, HEADER), this.pointer.key);
        } catch {
          throw new AttachmentError('invalid secretstream header');
        }
        this.filled = 0;
      } else if (this.pulled < this.chunks - 1) {
        // Full chunks before the last; the last one is opened by finish(), once no byte can follow it.
        const piece = this.pull(this.buffer, false);
        if (piece) out.push(piece);
        this.filled = 0;
      } else {
        break; // the last chunk is full-sized: it stays in the buffer for finish()
      }
    }
    return out;
  }

  /** Checks the last chunk, the length and the digest; returns the file's last bytes. */
  finish(): Uint8Array[] {
    const truncated = () => new AttachmentError(`the blob is truncated (${this.received} of ${this.length} bytes): no final chunk`);
    if (!this.state || this.pulled !== this.chunks - 1) throw truncated();
    let piece: Uint8Array | undefined;
    try {
      piece = this.pull(this.buffer.subarray(0, this.filled), true);
    } catch (e) {
      throw this.received < this.length ? truncated() : e;
    }
    // A complete stream of the wrong length (e.g. an unpadded one): the plaintext is not P(size) bytes.
    if (this.plain !== this.padded) throw new AttachmentError(`padded length ${this.plain} differs from ${this.padded} = P(${this.pointer.size})`);
    if (!equal(sodium.crypto_hash_sha256_final(this.hash), this.pointer.digest)) {
      throw new AttachmentError('the blob\'s SHA-256 differs from the digest in the message');
    }
    return piece ? [piece] : [];
  }

  /** Opens one chunk; returns the part of it that is file content (bytes before `size`), checks the rest is zero. */
  private pull(chunk: Uint8Array, last: boolean): Uint8Array | undefined {
    let r: { message: Uint8Array; tag: number } | false;
    try {
      r = sodium.crypto_secretstream_xchacha20poly1305_pull(this.state!, chunk, null);
    } catch {
      r = false;
    }
    if (!r) throw new AttachmentError(`chunk ${this.pulled + 1} does not authenticate: the file was altered`);
    const final = r.tag === sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    if (final !== last) throw new AttachmentError(last ? 'the last chunk is not FINAL' : 'bytes after the final chunk');
    if (r.tag !== sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE && !final) throw new AttachmentError('unexpected chunk tag');
    this.pulled++;
    const start = this.plain;
    this.plain += r.message.length;
    if (this.plain > this.padded) throw new AttachmentError(`padded length differs from ${this.padded} = P(${this.pointer.size})`);
    const keep = Math.max(0, Math.min(r.message.length, this.pointer.size - start));
    for (let i = keep; i < r.message.length; i++) {
      if (r.message[i] !== 0) throw new AttachmentError('the padding after the file is not all zero');
    }
    return keep > 0 ? r.message.subarray(0, keep) : undefined;
  }
}

/** The whole file in memory (tests, vectors); the app streams with {@link AttachmentSealer}. */
export function encryptAttachment(plaintext: Uint8Array, key?: Uint8Array): { blob: Uint8Array; pointer: Pointer } {
  const sealer = new AttachmentSealer(plaintext.length, key);
  const first = sealer.write(plaintext);
  const { chunks, pointer } = sealer.finish();
  return { blob: concat(...first, ...chunks), pointer };
}

/** Refuses a blob that fails any check of §7; returns the plaintext only when all pass. */
export function decryptAttachment(blob: Uint8Array, pointer: Pointer): Uint8Array {
  const opener = new AttachmentOpener(pointer);
  const parts = opener.write(blob);
  parts.push(...opener.finish());
  return concat(...parts);
}
