/**
 * Attachments through media-service (docs/media.md), as the Java SDK's MediaClient does: the file is encrypted
 * in the browser (src/crypto/attachment.ts, streaming), the ciphertext goes straight to the object store through
 * the presigned URL (one PUT, or one PUT per part above media-service's multipart threshold), and the pointer
 * (media id, key, size, digest) travels only inside an end-to-end-encrypted message. The slot costs the
 * FILE_TRANSFER price (402 INSUFFICIENT_CREDITS when the wallet cannot pay); downloading is free.
 */
import type { Session } from './session';
import { AttachmentOpener, AttachmentSealer } from '../crypto/attachment';
import { b64, fromB64 } from '../crypto/bytes';
import type { AttachmentRef } from '../messaging/codec';

export type Phase = 'encrypting' | 'uploading' | 'downloading' | 'decrypting';
export type Progress = (phase: Phase, done: number, total: number) => void;

interface Slot {
  mediaId: string;
  method: 'PUT' | 'MULTIPART';
  uploadUrl?: string;
  headers?: Record<string, string>;
  parts?: { partNumber: number; size: number; uploadUrl: string }[];
}

/** Read from the file at a time while encrypting: bounded memory besides the ciphertext being built. */
const READ_BYTES = 1 << 20;

export class TransferError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Encrypts `file` and uploads the ciphertext; the returned pointer goes into the message. */
export async function uploadAttachment(api: Session, file: File, progress: Progress, idempotencyKey = crypto.randomUUID()): Promise<AttachmentRef> {
  // 1. Encrypt, a slice of the file at a time; the ciphertext chunks become one Blob (the browser may keep it on disk).
  const sealer = new AttachmentSealer(file.size);
  const chunks: Uint8Array[] = [];
  for (let o = 0; o < file.size; o += READ_BYTES) {
    const piece = new Uint8Array(await file.slice(o, o + READ_BYTES).arrayBuffer());
    chunks.push(...sealer.write(piece));
    progress('encrypting', Math.min(file.size, o + READ_BYTES), file.size);
  }
  const done = sealer.finish();
  chunks.push(...done.chunks);
  // No type: the PUT then carries no Content-Type, as the SDK's (only Content-Length is signed).
  const blob = new Blob(chunks as BlobPart[]);
  chunks.length = 0;

  // 2. A paid slot (the 3 credits are held from here), then the bytes to the store, then complete (the capture).
  const slot = await api.call<Slot>('media', '/media/uploads', {
    method: 'POST', body: JSON.stringify({ size: blob.size }), headers: { 'Idempotency-Key': idempotencyKey },
  });
  const id = encodeURIComponent(slot.mediaId);
  if (slot.method === 'MULTIPART') {
    const parts: { partNumber: number; etag: string }[] = [];
    let offset = 0;
    for (const part of slot.parts ?? []) {
      const base = offset;
      const r = await put(part.uploadUrl, blob.slice(offset, offset + part.size), {}, (n) => progress('uploading', base + n, blob.size));
      const etag = r.getResponseHeader('ETag');
      if (!etag) throw new TransferError('UPLOAD_FAILED', `the object store gave no ETag for part ${part.partNumber}`);
      parts.push({ partNumber: part.partNumber, etag });
      offset += part.size;
    }
    if (offset !== blob.size) throw new TransferError('UPLOAD_FAILED', `the parts cover ${offset} of ${blob.size} bytes`);
    await api.call('media', `/media/uploads/${id}/complete`, { method: 'POST', body: JSON.stringify({ parts }) });
  } else {
    if (!slot.uploadUrl) throw new TransferError('UPLOAD_FAILED', 'media-service gave no upload URL');
    await put(slot.uploadUrl, blob, slot.headers ?? {}, (n) => progress('uploading', n, blob.size));
    await api.call('media', `/media/uploads/${id}/complete`, { method: 'POST' });
  }
  return {
    blobId: slot.mediaId, contentType: file.type || 'application/octet-stream', fileName: file.name,
    key: b64(done.pointer.key), size: file.size, digest: b64(done.pointer.digest),
  };
}

/**
 * Downloads and decrypts an attachment, streaming: every chunk is authenticated as it arrives; the file's bytes
 * are returned as a Blob only if the whole blob passed every check of §7 (else AttachmentError, nothing kept).
 */
export async function downloadAttachment(api: Session, ref: AttachmentRef, progress: Progress): Promise<Blob> {
  const { downloadUrl } = await api.call<{ downloadUrl: string }>('media', `/media/${encodeURIComponent(ref.blobId)}`);
  const res = await fetch(downloadUrl, { credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' });
  if (!res.ok || !res.body) throw new TransferError('DOWNLOAD_FAILED', `the object store answered ${res.status}`);
  const opener = new AttachmentOpener({ key: fromB64(ref.key), size: ref.size, digest: fromB64(ref.digest) });
  const total = opener.expectedLength;
  const plain: Uint8Array[] = [];
  const reader = res.body.getReader();
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.length;
    try {
      plain.push(...opener.write(value));
    } catch (e) {
      await reader.cancel().catch(() => undefined);
      throw e;
    }
    progress('downloading', Math.min(received, total), total);
  }
  plain.push(...opener.finish());
  return new Blob(plain as BlobPart[], { type: ref.contentType });
}

/** PUT to a presigned URL with upload progress (fetch cannot report it). The signed Content-Length is the body's. */
function put(url: string, body: Blob, headers: Record<string, string>, onProgress: (sent: number) => void): Promise<XMLHttpRequest> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [k, v] of Object.entries(headers)) {
      if (!/^(content-length|host)$/i.test(k)) xhr.setRequestHeader(k, v);
    }
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve(xhr)
      : reject(new TransferError('UPLOAD_FAILED', `the object store refused the upload: HTTP ${xhr.status}`)));
    xhr.onerror = () => reject(new TransferError('UPLOAD_FAILED', 'the upload to the object store failed (network)'));
    xhr.send(body);
  });
}
