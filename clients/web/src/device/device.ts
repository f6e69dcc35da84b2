/**
 * This browser as a device (issue 16 item 2): its keys, generated here, in the JSON of the SDK's device.bin
 * (docs/protocol-crypto.md §8), and the bodies identity-service takes (docs/identity.md). Private keys never
 * leave the encrypted local state.
 */
import { sodium } from '../crypto/sodium';
import { b64, fromB64 } from '../crypto/bytes';
import { identityFromSeed, kemKeyPair, sign, x25519KeyPair } from '../crypto/x3dh';

export const ONE_TIME_PREKEYS_PER_UPLOAD = 100;
const MAX_KEY_ID = 0xffffff;

export interface DeviceJson {
  registrationId: number;
  identitySeed: string;
  agreementPrivateKey: string;
  agreementKeySignature: string;
  currentSignedPrekeyId: number;
  signedPrekeys: { keyId: number; privateKey: string; signature: string; createdAt: number }[];
  nextOneTimePrekeyId: number;
  oneTimePrekeys: { keyId: number; privateKey: string }[];
  currentKemLastResortPrekeyId: number;
  kemLastResortPrekeys: { keyId: number; seed: string; signature: string; createdAt: number }[];
  nextKemOneTimePrekeyId: number;
  kemOneTimePrekeys: { keyId: number; seed: string; signature: string; createdAt: number }[];
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

function nextId(id: number): number {
  return id >= MAX_KEY_ID ? 1 : id + 1;
}

/** New one-time prekeys of both kinds (kept in the device, returned as the upload body's lists). */
export function generateOneTimePrekeys(d: DeviceJson, count = ONE_TIME_PREKEYS_PER_UPLOAD, now = Date.now()) {
  const identity = identityFromSeed(fromB64(d.identitySeed));
  const x: { keyId: number; publicKey: string }[] = [];
  const k: { keyId: number; publicKey: string; signature: string }[] = [];
  for (let i = 0; i < count; i++) {
    const keyId = d.nextOneTimePrekeyId;
    d.nextOneTimePrekeyId = nextId(keyId);
    const pair = x25519KeyPair(sodium.randombytes_buf(32));
    d.oneTimePrekeys.push({ keyId, privateKey: b64(pair.privateKey) });
    x.push({ keyId, publicKey: b64(pair.publicKey) });

    const kemId = d.nextKemOneTimePrekeyId;
    d.nextKemOneTimePrekeyId = nextId(kemId);
    const kem = kemKeyPair(sodium.randombytes_buf(64));
    const signature = b64(sign(identity, 'kemPrekey', kem.publicKey));
    d.kemOneTimePrekeys.push({ keyId: kemId, seed: b64(kem.seed), signature, createdAt: now });
    k.push({ keyId: kemId, publicKey: b64(kem.publicKey), signature });
  }
  return { oneTimePrekeys: x, kemOneTimePrekeys: k };
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
