/**
 * Local state encrypted at rest (docs/protocol-crypto.md §8 and "Browser profile"): the same files as the
 * Java SDK's profile folder, as records of one IndexedDB object store. K = Argon2id(passphrase, salt), each
 * record "SCS1" ‖ nonce(24) ‖ XChaCha20-Poly1305(K, nonce, UTF-8 JSON, ad = "SecureConnect state v1" ‖ 0x00 ‖
 * name), so a record is valid only under the name it was written as. profile.json is plain (KDF parameters
 * and the passphrase verifier).
 */
import { sodium } from '../crypto/sodium';
import { b64, concat, equal, fromB64, hex, u32, utf8 } from '../crypto/bytes';
import { hkdf, hmac } from '../crypto/kdf';

/** Where the records live: IndexedDB in the app, a Map in unit tests of the format. */
export interface RecordBackend {
  get(name: string): Promise<Uint8Array | string | undefined>;
  put(name: string, value: Uint8Array | string): Promise<void>;
  delete(name: string): Promise<void>;
}

export class WrongPassphraseError extends Error {}
export class StateStoreError extends Error {}

const MAGIC = utf8('SCS1');
const AD_PREFIX = utf8('SecureConnect state v1\u0000');
const VERIFIER_TEXT = utf8('SecureConnect passphrase check');
const VERIFIER_NAME = 'profile.json#verifier';

export interface KdfParams {
  algorithm: 'argon2id13';
  opsLimit: number;
  memLimit: number;
  salt: string; // b64 16
}

interface ProfileJson {
  format: 1;
  kdf: KdfParams;
  verifier: string;
}

function deriveKey(passphrase: string, kdf: KdfParams): Uint8Array {
  return sodium.crypto_pwhash(32, utf8(passphrase), fromB64(kdf.salt), kdf.opsLimit, kdf.memLimit, sodium.crypto_pwhash_ALG_ARGON2ID13);
}

function seal(key: Uint8Array, name: string, plaintext: Uint8Array): Uint8Array {
  const nonce = sodium.randombytes_buf(24);
  return concat(nonce, sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, concat(AD_PREFIX, utf8(name)), null, nonce, key));
}

function unseal(key: Uint8Array, name: string, sealed: Uint8Array): Uint8Array | null {
  if (sealed.length < 24 + 16) return null;
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed.subarray(24), concat(AD_PREFIX, utf8(name)), sealed.subarray(0, 24), key);
  } catch {
    return null;
  }
}

export class StateStore {
  private constructor(private readonly backend: RecordBackend, private readonly key: Uint8Array) {}

  static async exists(backend: RecordBackend): Promise<boolean> {
    return (await backend.get('profile.json')) !== undefined;
  }

  /** New profile; libsodium's INTERACTIVE limits by default, like the SDK. profile.json is written last. */
  static async create(backend: RecordBackend, passphrase: string,
                      limits = { opsLimit: sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE, memLimit: sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE }): Promise<StateStore> {
    if (await StateStore.exists(backend)) throw new StateStoreError('a profile exists already');
    const kdf: KdfParams = { algorithm: 'argon2id13', ...limits, salt: b64(sodium.randombytes_buf(16)) };
    const key = deriveKey(passphrase, kdf);
    const profile: ProfileJson = { format: 1, kdf, verifier: b64(seal(key, VERIFIER_NAME, VERIFIER_TEXT)) };
    const store = new StateStore(backend, key);
    await backend.put('profile.json', JSON.stringify(profile));
    return store;
  }

  /** Opens with the passphrase; a wrong one reads nothing (WrongPassphraseError). */
  static async open(backend: RecordBackend, passphrase: string): Promise<StateStore> {
    const raw = await backend.get('profile.json');
    if (typeof raw !== 'string') throw new StateStoreError('no profile');
    const profile = JSON.parse(raw) as ProfileJson;
    if (profile.format !== 1 || profile.kdf.algorithm !== 'argon2id13') throw new StateStoreError('unknown profile format');
    const key = deriveKey(passphrase, profile.kdf);
    const check = unseal(key, VERIFIER_NAME, fromB64(profile.verifier));
    if (!check || !equal(check, VERIFIER_TEXT)) throw new WrongPassphraseError('wrong passphrase');
    return new StateStore(backend, key);
  }

  /**
   * A session's record name does not reveal the contact (§8, as the SDK since issue 15):
   * sessions/<hex(HMAC-SHA256(N, UTF-8(accountId) ‖ 0x00 ‖ u32(deviceId)))[0..32)>.bin,
   * N = HKDF(salt = 0x00 × 32, K, "SecureConnect file names v1", 32).
   */
  sessionRecordName(accountId: string, deviceId: number): string {
    this.fileNameKey ??= hkdf(new Uint8Array(32), this.key, utf8('SecureConnect file names v1'), 32);
    return `sessions/${hex(hmac(this.fileNameKey, concat(utf8(accountId), Uint8Array.of(0), u32(deviceId)))).slice(0, 32)}.bin`;
  }

  private fileNameKey?: Uint8Array;

  async write(name: string, value: unknown): Promise<void> {
    await this.backend.put(name, concat(MAGIC, seal(this.key, name, utf8(JSON.stringify(value)))));
  }

  /** undefined when absent; StateStoreError when present but not valid under this name and key (tampered). */
  async read<T>(name: string): Promise<T | undefined> {
    const raw = await this.backend.get(name);
    if (raw === undefined) return undefined;
    if (typeof raw === 'string' || raw.length < 4 || !equal(raw.subarray(0, 4), MAGIC)) throw new StateStoreError(`${name}: not an encrypted record`);
    const plain = unseal(this.key, name, raw.subarray(4));
    if (!plain) throw new StateStoreError(`${name}: corrupted or tampered with`);
    return JSON.parse(new TextDecoder().decode(plain)) as T;
  }

  async remove(name: string): Promise<void> {
    await this.backend.delete(name);
  }
}

/** IndexedDB backend: database "secureconnect-<profile>", one object store "files" keyed by file name. */
export function indexedDbBackend(profile: string): RecordBackend {
  const dbPromise = new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(`secureconnect-${profile}`, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('files');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const run = <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>) => dbPromise.then((db) => new Promise<T>((resolve, reject) => {
    const tx = db.transaction('files', mode);
    const req = fn(tx.objectStore('files'));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  }));
  return {
    get: (name) => run('readonly', (s) => s.get(name)) as Promise<Uint8Array | string | undefined>,
    put: (name, value) => run('readwrite', (s) => s.put(value, name)).then(() => undefined),
    delete: (name) => run('readwrite', (s) => s.delete(name)).then(() => undefined),
  };
}

export function memoryBackend(): RecordBackend & { records: Map<string, Uint8Array | string> } {
  const records = new Map<string, Uint8Array | string>();
  return {
    records,
    get: async (n) => records.get(n),
    put: async (n, v) => { records.set(n, v); },
    delete: async (n) => { records.delete(n); },
  };
}
