/**
 * The web client's own protocol code (clients/web/src/crypto), timed in the browser the same way bench/sdk's
 * SdkBenchmark times the Java SDK: PQXDH initiator setup (with the pin check), PQXDH setup on both sides with
 * the first 1 KiB message, and encrypt+decrypt of 1 KiB in an established chain. Each figure is the median of
 * `rounds` batches, each batch timed as a whole (performance.now() is coarse in a page that is not
 * cross-origin isolated, so single operations are never timed alone).
 */
import { sodiumReady } from '../../clients/web/src/crypto/sodium';
import { fromB64 } from '../../clients/web/src/crypto/bytes';
import { identityFromSeed, randomKeys, x25519KeyPair } from '../../clients/web/src/crypto/x3dh';
import {
  acceptPrekeyMessage, decryptMessage, encryptMessage, parsePrekeyMessage, startSession,
  type Bundle, type OwnIdentity, type PrekeyStore, type Session,
} from '../../clients/web/src/crypto/session';
import { generateDevice, publicKeys, type DeviceJson } from '../../clients/web/src/device/device';
import { Pins } from '../../clients/web/src/messaging/pins';

function own(d: DeviceJson): OwnIdentity {
  return { identity: identityFromSeed(fromB64(d.identitySeed)), agreement: x25519KeyPair(fromB64(d.agreementPrivateKey)), agreementKeySignature: fromB64(d.agreementKeySignature) };
}

function bundleOf(d: DeviceJson): Bundle {
  const p = publicKeys(d);
  return {
    identityKey: p.identityKey, agreementKey: p.agreementKey, agreementKeySignature: fromB64(d.agreementKeySignature),
    signedPrekey: { keyId: p.signedPrekey.keyId, publicKey: fromB64(p.signedPrekey.publicKey), signature: fromB64(p.signedPrekey.signature) },
    kemPrekey: { keyId: p.kemLastResortPrekey.keyId, publicKey: fromB64(p.kemLastResortPrekey.publicKey), signature: fromB64(p.kemLastResortPrekey.signature), lastResort: true },
  };
}

function prekeys(d: DeviceJson): PrekeyStore {
  return {
    signedPrekey: (id) => { const k = d.signedPrekeys.find((s) => s.keyId === id); return k && x25519KeyPair(fromB64(k.privateKey)); },
    oneTimePrekey: () => undefined,
    kemPrekey: (id, lastResort) => { const k = (lastResort ? d.kemLastResortPrekeys : d.kemOneTimePrekeys).find((s) => s.keyId === id); return k && fromB64(k.seed); },
  };
}

interface Figure { name: string; usPerOp: number; minUsPerOp: number; batch: number; rounds: number }

function time(name: string, batch: number, rounds: number, op: () => void): Figure {
  for (let i = 0; i < batch; i++) op(); // warm-up: one batch, not counted
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) op();
    per.push(((performance.now() - t0) * 1000) / batch);
  }
  per.sort((a, b) => a - b);
  return { name, usPerOp: per[Math.floor(per.length / 2)], minUsPerOp: per[0], batch, rounds };
}

async function run() {
  await sodiumReady();
  const alice = generateDevice(), bob = generateDevice();
  const aliceOwn = own(alice), bobOwn = own(bob), bobBundle = bundleOf(bob), bobPrekeys = prekeys(bob);
  const message = new Uint8Array(1024);
  const pins = new Pins();
  pins.commit(pins.check('bob', 1, bobBundle.identityKey));

  // An established session: first message and a reply, so both sides have sending chains (as SdkBenchmark).
  let a: Session = startSession(aliceOwn, bobBundle, randomKeys);
  const first = acceptPrekeyMessage(bobOwn, bobPrekeys, parsePrekeyMessage(encryptMessage(a, message)), randomKeys);
  let b = first.session;
  a = decryptMessage(a, encryptMessage(b, message), randomKeys).session;

  const figures = [
    time('pqxdhInitiate', 20, 15, () => {
      startSession(aliceOwn, bobBundle, randomKeys);
      pins.check('bob', 1, bobBundle.identityKey);
    }),
    time('pqxdhSetupBothSidesWithFirstMessage', 10, 15, () => {
      const s = startSession(aliceOwn, bobBundle, randomKeys);
      pins.check('bob', 1, bobBundle.identityKey);
      const m = parsePrekeyMessage(encryptMessage(s, message));
      acceptPrekeyMessage(bobOwn, bobPrekeys, m, randomKeys);
    }),
    time('encryptDecrypt1KiB', 500, 15, () => {
      b = decryptMessage(b, encryptMessage(a, message), randomKeys).session;
    }),
  ];
  return { userAgent: navigator.userAgent, figures };
}

run().then((r) => {
  (window as unknown as { benchResult: unknown }).benchResult = r;
  document.getElementById('out')!.textContent = JSON.stringify(r, null, 2);
}, (e) => {
  (window as unknown as { benchResult: unknown }).benchResult = { error: String(e?.stack ?? e) };
  document.getElementById('out')!.textContent = String(e?.stack ?? e);
});
