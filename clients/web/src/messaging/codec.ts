/** Sessions to and from the SDK's session JSON (docs/protocol-crypto.md §8), and message content (§5.3). */
import { sodium } from '../crypto/sodium';
import { b64, fromB64, fromHex, hex } from '../crypto/bytes';
import { x25519KeyPair } from '../crypto/x3dh';
import type { Session } from '../crypto/session';
import { InvalidMessageError } from '../crypto/ratchet';

export interface SessionJson {
  dhsPrivate: string; dhr?: string; rk: string; cks?: string; ckr?: string; ns: number; nr: number; pn: number;
  skipped: Record<string, string>; previousRemoteRatchetKeys: string[]; associatedData: string;
  remoteIdentityKey: string; baseKey: string; pq?: boolean;
  pendingPrekey?: { signedPrekeyId: number; oneTimePrekeyId?: number; kemPrekeyId?: number; kemLastResort?: boolean; kemCiphertext?: string };
}

const opt = (b?: Uint8Array) => (b ? b64(b) : undefined);

export function sessionToJson(s: Session): SessionJson {
  const r = s.ratchet;
  const skipped: Record<string, string> = {};
  for (const [k, v] of r.skipped) skipped[k] = b64(v);
  const p = s.pendingPrekey;
  return {
    dhsPrivate: b64(r.dhs.privateKey), dhr: opt(r.dhr), rk: b64(r.rk), cks: opt(r.cks), ckr: opt(r.ckr), ns: r.ns, nr: r.nr, pn: r.pn,
    skipped, previousRemoteRatchetKeys: r.previousRemoteRatchetKeys.map(b64), associatedData: b64(r.associatedData),
    remoteIdentityKey: b64(s.remoteIdentityKey), baseKey: b64(s.baseKey), pq: s.pq,
    pendingPrekey: p && { signedPrekeyId: p.signedPrekeyId, oneTimePrekeyId: p.oneTimePrekeyId, kemPrekeyId: p.kem?.keyId,
      kemLastResort: p.kem?.lastResort, kemCiphertext: opt(p.kem?.cipherText) },
  };
}

/** The initiator's own keys in pendingPrekey come from this device (the SDK stores only the ids). */
export function sessionFromJson(j: SessionJson, own: { identityKey: Uint8Array; agreementKey: Uint8Array; agreementKeySignature: Uint8Array }): Session {
  const ad = fromB64(j.associatedData);
  const p = j.pendingPrekey;
  return {
    ratchet: {
      dhs: x25519KeyPair(fromB64(j.dhsPrivate)), dhr: j.dhr ? fromB64(j.dhr) : undefined, rk: fromB64(j.rk),
      cks: j.cks ? fromB64(j.cks) : undefined, ckr: j.ckr ? fromB64(j.ckr) : undefined, ns: j.ns, nr: j.nr, pn: j.pn,
      skipped: new Map(Object.entries(j.skipped).map(([k, v]) => [k, fromB64(v)])),
      previousRemoteRatchetKeys: j.previousRemoteRatchetKeys.map(fromB64), associatedData: ad,
    },
    remoteIdentityKey: fromB64(j.remoteIdentityKey),
    baseKey: fromB64(j.baseKey),
    pq: j.pq === true && (!p || p.kemPrekeyId !== undefined),
    pendingPrekey: p && p.kemPrekeyId !== undefined ? {
      identityKey: own.identityKey, agreementKey: own.agreementKey, agreementKeySignature: own.agreementKeySignature,
      baseKey: fromB64(j.baseKey), signedPrekeyId: p.signedPrekeyId, oneTimePrekeyId: p.oneTimePrekeyId,
      kem: { keyId: p.kemPrekeyId, lastResort: !!p.kemLastResort, cipherText: fromB64(p.kemCiphertext!) },
    } : undefined,
  };
}

export const PADDING_BLOCK = 160;

/**
 * An attachment pointer as it travels in the content (the SDK's MessageContent.Attachment): the secretstream key,
 * plaintext size and blob digest (§7), plus what the recipient shows before downloading.
 */
export interface AttachmentRef {
  blobId: string;
  contentType: string;
  fileName?: string;
  key: string; // base64, 32 bytes
  size: number;
  digest: string; // base64, 32 bytes
}

/**
 * A username as identity-service accepts it (Limits.USERNAME_PATTERN). A sender's `from` claim (§5.3) that is not
 * one is ignored, never looked up.
 */
export const USERNAME_RE = /^[A-Za-z][A-Za-z0-9_]{2,31}$/;

/** The sender's username claim of decoded content: only a well-formed one, else undefined (the message is kept). */
export function claimedUsername(v: unknown): string | undefined {
  return typeof v === 'string' && USERNAME_RE.test(v) ? v : undefined;
}

/**
 * `from`: the sender's own username, a claim the recipient checks by a forward lookup before showing it (§5.3);
 * omitted when the sender has none.
 */
export function encodeContent(text: string | undefined, sentAt = Date.now(), attachments: AttachmentRef[] = [], from?: string): Uint8Array {
  const json: Record<string, unknown> = { v: 1, sentAt };
  if (from !== undefined) json.from = from;
  if (text !== undefined) json.text = text;
  if (attachments.length) {
    json.attachments = attachments.map((a) => ({ key: a.key, size: a.size, digest: a.digest, blobId: a.blobId,
      contentType: a.contentType, ...(a.fileName !== undefined ? { fileName: a.fileName } : {}) }));
  }
  return sodium.pad(new TextEncoder().encode(JSON.stringify(json)), PADDING_BLOCK);
}

export function decodeContent(plaintext: Uint8Array): { sentAt: number; text?: string; attachments: AttachmentRef[]; from?: string } {
  let json: any;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(sodium.unpad(plaintext, PADDING_BLOCK)));
  } catch {
    throw new InvalidMessageError('message content is not padded JSON');
  }
  if (!json || json.v !== 1) throw new InvalidMessageError('unknown content version');
  const attachments: AttachmentRef[] = [];
  for (const a of Array.isArray(json.attachments) ? json.attachments : []) {
    // A pointer the app could not use safely is refused with the message (the sender's client is broken or hostile).
    const ok = a && typeof a.blobId === 'string' && a.blobId.length > 0 && typeof a.key === 'string' && typeof a.digest === 'string'
      && Number.isSafeInteger(a.size) && a.size >= 0 && safeB64Length(a.key) === 32 && safeB64Length(a.digest) === 32;
    if (!ok) throw new InvalidMessageError('message content has an invalid attachment pointer');
    attachments.push({ blobId: a.blobId, contentType: typeof a.contentType === 'string' ? a.contentType : 'application/octet-stream',
      fileName: typeof a.fileName === 'string' ? a.fileName : undefined, key: a.key, size: a.size, digest: a.digest });
  }
  const from = claimedUsername(json.from); // malformed: ignored, the message itself is kept
  return { sentAt: Number(json.sentAt), text: typeof json.text === 'string' ? json.text : undefined, attachments, ...(from ? { from } : {}) };
}

function safeB64Length(s: string): number {
  try {
    return fromB64(s).length;
  } catch {
    return -1;
  }
}

/** The record name before issue 15 (reveals the contact): only read to rename it (StateStore.sessionRecordName). */
export function sessionRecordName(accountId: string, deviceId: number): string {
  return `sessions/${hex(new TextEncoder().encode(accountId))}.${deviceId}.bin`;
}

export { fromHex };
