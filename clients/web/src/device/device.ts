/**
 * This browser as a device (issue 16 item 2): its keys, generated here, in the JSON of the SDK's device.bin
 * (docs/protocol-crypto.md §8), and the bodies identity-service takes (docs/identity.md). Private keys never
 * leave the encrypted local state.
 */
import { sodium } from '../crypto/sodium';
import { b64, fromB64 } from '../crypto/bytes';
import { identityFromSeed, kemKeyPair, sign, x25519KeyPair } from '../crypto/x3dh';

export const ONE_TIME_PREKEYS_PER_UPLOAD = 100;
/** Signal's key ids are 24 bits; identity-service accepts 0..16777215. */
export const MAX_KEY_ID = 0xffffff;
/** The signed prekey and the last-resort KEM prekey are replaced this often (docs/protocol-crypto.md §2). */
export const ROTATE_EVERY_MS = 7 * 24 * 3600 * 1000;
/** A replaced signed / last-resort / one-time prekey is kept this long after its replacement, for setups in flight. */
export const REPLACED_KEY_RETENTION_MS = 30 * 24 * 3600 * 1000;

export interface DeviceJson {
  registrationId: number;
  identitySeed: string;
  agreementPrivateKey: string;
  agreementKeySignature: string;
  currentSignedPrekeyId: number;
  signedPrekeys: { keyId: number; privateKey: string; signature: string; createdAt: number }[];
  nextOneTimePrekeyId: number;
  /** `replacedAt`: ms when an upload replaced this key on the server (§2); deleted 30 days later. */
  oneTimePrekeys: { keyId: number; privateKey: string; replacedAt?: number }[];
  currentKemLastResortPrekeyId: number;
  kemLastResortPrekeys: { keyId: number; seed: string; signature: string; createdAt: number }[];
  nextKemOneTimePrekeyId: number;
  kemOneTimePrekeys: { keyId: number; seed: string; signature: string; createdAt: number; replacedAt?: number }[];
  accountId?: string;
  deviceId?: number;
}

function randomRegistrationId(): number {
  return 1 + (sodium.randombytes_uniform(16383));
}

export function generateDevice(now = Date.now()): DeviceJson {
  const identity = identityFromSeed(sodium.randombytes_buf(32));
  const agreement = x25519KeyPair(sodium.randombytes_buf(32));
  const spk = x25519KeyPair(sodium.randombytes_buf(32));
  const kem = kemKeyPair(sodium.randombytes_buf(64));
  return {
    registrationId: randomRegistrationId(),
    identitySeed: b64(identity.seed),
    agreementPrivateKey: b64(agreement.privateKey),
    agreementKeySignature: b64(sign(identity, 'agreement', agreement.publicKey)),
    currentSignedPrekeyId: 1,
    signedPrekeys: [{ keyId: 1, privateKey: b64(spk.privateKey), signature: b64(sign(identity, 'signedPrekey', spk.publicKey)), createdAt: now }],
    nextOneTimePrekeyId: 1,
    oneTimePrekeys: [],
    currentKemLastResortPrekeyId: 1,
    kemLastResortPrekeys: [{ keyId: 1, seed: b64(kem.seed), signature: b64(sign(identity, 'kemPrekey', kem.publicKey)), createdAt: now }],
    nextKemOneTimePrekeyId: 1,
    kemOneTimePrekeys: [],
  };
}

export function nextId(id: number): number {
  return id >= MAX_KEY_ID ? 1 : id + 1;
}

/** New one-time X25519 prekeys (kept in the device, returned as the upload body's list). */
export function generateX25519OneTimePrekeys(d: DeviceJson, count = ONE_TIME_PREKEYS_PER_UPLOAD) {
  const x: { keyId: number; publicKey: string }[] = [];
  for (let i = 0; i < count; i++) {
    const keyId = d.nextOneTimePrekeyId;
    d.nextOneTimePrekeyId = nextId(keyId);
    const pair = x25519KeyPair(sodium.randombytes_buf(32));
    d.oneTimePrekeys = d.oneTimePrekeys.filter((k) => k.keyId !== keyId); // an id reused after the wrap replaces
    d.oneTimePrekeys.push({ keyId, privateKey: b64(pair.privateKey) });
    x.push({ keyId, publicKey: b64(pair.publicKey) });
  }
  return x;
}

/** New one-time ML-KEM-768 prekeys, signed by the identity key. */
export function generateKemOneTimePrekeys(d: DeviceJson, count = ONE_TIME_PREKEYS_PER_UPLOAD, now = Date.now()) {
  const identity = identityFromSeed(fromB64(d.identitySeed));
  const k: { keyId: number; publicKey: string; signature: string }[] = [];
  for (let i = 0; i < count; i++) {
    const keyId = d.nextKemOneTimePrekeyId;
    d.nextKemOneTimePrekeyId = nextId(keyId);
    const kem = kemKeyPair(sodium.randombytes_buf(64));
    const signature = b64(sign(identity, 'kemPrekey', kem.publicKey));
    d.kemOneTimePrekeys = d.kemOneTimePrekeys.filter((e) => e.keyId !== keyId);
    d.kemOneTimePrekeys.push({ keyId, seed: b64(kem.seed), signature, createdAt: now });
    k.push({ keyId, publicKey: b64(kem.publicKey), signature });
  }
  return k;
}

/** New one-time prekeys of both kinds (kept in the device, returned as the upload body's lists). */
export function generateOneTimePrekeys(d: DeviceJson, count = ONE_TIME_PREKEYS_PER_UPLOAD, now = Date.now()) {
  return { oneTimePrekeys: generateX25519OneTimePrekeys(d, count), kemOneTimePrekeys: generateKemOneTimePrekeys(d, count, now) };
}

/**
 * Replaces the signed prekey and the last-resort KEM prekey when they are ROTATE_EVERY_MS old (new id = current + 1,
 * wrapping 2^24-1 -> 1), and deletes replaced ones and stale one-time prekeys whose 30-day retention ended
 * (the SDK's LocalDevice.rotateIfDue). Returns whether the device changed (persist it; upload if rotated).
 */
export function rotateIfDue(d: DeviceJson, now: number): boolean {
  let changed = false;
  const identity = identityFromSeed(fromB64(d.identitySeed));
  const spk = d.signedPrekeys.find((s) => s.keyId === d.currentSignedPrekeyId);
  if (!spk || now - spk.createdAt >= ROTATE_EVERY_MS) {
    const keyId = nextId(d.currentSignedPrekeyId);
    const pair = x25519KeyPair(sodium.randombytes_buf(32));
    d.signedPrekeys = d.signedPrekeys.filter((s) => s.keyId !== keyId);
    d.signedPrekeys.push({ keyId, privateKey: b64(pair.privateKey), signature: b64(sign(identity, 'signedPrekey', pair.publicKey)), createdAt: now });
    d.currentSignedPrekeyId = keyId;
    changed = true;
  }
  const kem = d.kemLastResortPrekeys.find((s) => s.keyId === d.currentKemLastResortPrekeyId);
  if (!kem || now - kem.createdAt >= ROTATE_EVERY_MS) {
    const keyId = nextId(d.currentKemLastResortPrekeyId);
    const pair = kemKeyPair(sodium.randombytes_buf(64));
    d.kemLastResortPrekeys = d.kemLastResortPrekeys.filter((s) => s.keyId !== keyId);
    d.kemLastResortPrekeys.push({ keyId, seed: b64(pair.seed), signature: b64(sign(identity, 'kemPrekey', pair.publicKey)), createdAt: now });
    d.currentKemLastResortPrekeyId = keyId;
    changed = true;
  }
  const before = d.signedPrekeys.length + d.kemLastResortPrekeys.length + d.oneTimePrekeys.length + d.kemOneTimePrekeys.length;
  d.signedPrekeys = pruneReplaced(d.signedPrekeys, d.currentSignedPrekeyId, now);
  d.kemLastResortPrekeys = pruneReplaced(d.kemLastResortPrekeys, d.currentKemLastResortPrekeyId, now);
  d.oneTimePrekeys = d.oneTimePrekeys.filter((k) => k.replacedAt === undefined || now - k.replacedAt <= REPLACED_KEY_RETENTION_MS);
  d.kemOneTimePrekeys = d.kemOneTimePrekeys.filter((k) => k.replacedAt === undefined || now - k.replacedAt <= REPLACED_KEY_RETENTION_MS);
  const after = d.signedPrekeys.length + d.kemLastResortPrekeys.length + d.oneTimePrekeys.length + d.kemOneTimePrekeys.length;
  return changed || after !== before;
}

/**
 * Keeps the current key and every key whose successor (the next newer key) was made at most the retention ago:
 * the retention counts from the replacement, not from the key's own creation, so a key is never dropped the
 * moment it is replaced (setups in flight still name it).
 */
function pruneReplaced<K extends { keyId: number; createdAt: number }>(keys: K[], currentId: number, now: number): K[] {
  const byAge = [...keys].sort((a, b) => a.createdAt - b.createdAt);
  const gone = new Set<number>();
  for (let i = 0; i < byAge.length - 1; i++) {
    if (byAge[i].keyId !== currentId && now - byAge[i + 1].createdAt > REPLACED_KEY_RETENTION_MS) gone.add(byAge[i].keyId);
  }
  return keys.filter((k) => !gone.has(k.keyId));
}

/**
 * An upload of one kind of one-time prekeys (`uploaded` ids) succeeded: it replaced the server's unclaimed keys of
 * that kind, so every other local key of that kind is only reachable by setups already in flight; it is marked
 * `replacedAt` (kept if already set) and deleted REPLACED_KEY_RETENTION_MS later by rotateIfDue.
 */
export function oneTimePrekeysReplaced(d: DeviceJson, kind: 'x25519' | 'kem', uploaded: number[], now: number): void {
  const kept = new Set(uploaded);
  for (const k of kind === 'x25519' ? d.oneTimePrekeys : d.kemOneTimePrekeys) {
    if (!kept.has(k.keyId) && k.replacedAt === undefined) k.replacedAt = now;
  }
}

export function publicKeys(d: DeviceJson) {
  const identity = identityFromSeed(fromB64(d.identitySeed));
  const agreement = x25519KeyPair(fromB64(d.agreementPrivateKey));
  const spkJson = d.signedPrekeys.find((s) => s.keyId === d.currentSignedPrekeyId)!;
  const spk = x25519KeyPair(fromB64(spkJson.privateKey));
  const kemJson = d.kemLastResortPrekeys.find((s) => s.keyId === d.currentKemLastResortPrekeyId)!;
  const kem = kemKeyPair(fromB64(kemJson.seed));
  return {
    identityKey: identity.publicKey,
    signedPrekey: { keyId: spkJson.keyId, publicKey: b64(spk.publicKey), signature: spkJson.signature },
    kemLastResortPrekey: { keyId: kemJson.keyId, publicKey: b64(kem.publicKey), signature: kemJson.signature },
    agreementKey: agreement.publicKey,
  };
}

/** Body of POST /v1/accounts/{accountId}/devices. */
export function registrationBody(d: DeviceJson) {
  const p = publicKeys(d);
  return {
    registrationId: d.registrationId,
    identityKey: b64(p.identityKey),
    agreementKey: b64(p.agreementKey),
    agreementKeySignature: d.agreementKeySignature,
    signedPrekey: p.signedPrekey,
    kemLastResortPrekey: p.kemLastResortPrekey,
  };
}

/** Body of PUT …/devices/{deviceId}/keys with fresh one-time prekeys of both kinds. */
export function keyUploadBody(d: DeviceJson, count = ONE_TIME_PREKEYS_PER_UPLOAD) {
  const p = publicKeys(d);
  return { signedPrekey: p.signedPrekey, kemLastResortPrekey: p.kemLastResortPrekey, ...generateOneTimePrekeys(d, count) };
}
