/**
 * Sets up or unlocks this browser's device: the encrypted profile in IndexedDB (one database per account),
 * the device keys in it, the registration at identity-service, and the key maintenance (maintenance.ts: 100
 * one-time prekeys of each kind, topped up and rotated as in the SDK).
 */
import type { Session } from '../api/session';
import { sodiumReady } from '../crypto/sodium';
import { indexedDbBackend, StateStore, type RecordBackend } from '../store/state';
import { generateDevice, registrationBody, type DeviceJson } from './device';
import { identityKeyDirectory, KeyMaintenance } from './maintenance';

export interface UnlockedDevice {
  store: StateStore;
  device: DeviceJson;
}

export function backendFor(accountId: string): RecordBackend {
  return indexedDbBackend(accountId);
}

export async function hasProfile(accountId: string): Promise<boolean> {
  await sodiumReady();
  return StateStore.exists(backendFor(accountId));
}

export async function unlock(accountId: string, passphrase: string): Promise<UnlockedDevice> {
  await sodiumReady();
  const store = await StateStore.open(backendFor(accountId), passphrase);
  const device = await store.read<DeviceJson>('device.bin');
  if (!device) throw new Error('this browser\'s profile has no device keys');
  return { store, device };
}

/**
 * New profile and device. The keys are stored before the registration, so a registration answered but not
 * seen (network) leaves keys that a retry registers again rather than a device without keys.
 */
export async function setUp(session: Session, accountId: string, passphrase: string): Promise<UnlockedDevice> {
  await sodiumReady();
  const store = await StateStore.create(backendFor(accountId), passphrase);
  const device = generateDevice();
  device.accountId = accountId;
  await store.write('device.bin', device);
  return register(session, { store, device });
}

/** Registers a device that has keys but no device id yet (also the retry of a failed registration). */
export async function register(session: Session, u: UnlockedDevice): Promise<UnlockedDevice> {
  const { device, store } = u;
  if (device.deviceId === undefined) {
    const r = await session.call<{ deviceId: number }>('identity', `/v1/accounts/${encodeURIComponent(device.accountId!)}/devices`, {
      method: 'POST', body: JSON.stringify(registrationBody(device)),
    });
    device.deviceId = r.deviceId;
    await store.write('device.bin', device);
  }
  await keyMaintenance(session, u).run(); // uploads the first 100 one-time prekeys of each kind
  return { store, device };
}

const maintenances = new WeakMap<DeviceJson, KeyMaintenance>();

/**
 * The key maintenance of an unlocked, registered device: one per device object, so the registration's run and
 * the messenger's runs (unlock, then at most once a minute while receiving) share one once-a-minute gate.
 */
export function keyMaintenance(session: Pick<Session, 'call'>, u: UnlockedDevice): KeyMaintenance {
  let m = maintenances.get(u.device);
  if (!m) {
    m = new KeyMaintenance(u.store, u.device, identityKeyDirectory(session, u.device.accountId!, u.device.deviceId!));
    maintenances.set(u.device, m);
  }
  return m;
}
