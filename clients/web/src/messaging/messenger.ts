/**
 * Conversations over the relay (issue 16 item 3), following docs/protocol-crypto.md §5 and the SDK's Messenger:
 * one `send` per message with a copy for every device of the recipient and of the sender's own other devices,
 * sessions from verified bundles, DEVICE_MISMATCH settled by fetching or dropping devices and resending with
 * the same id, deliveries decrypted, stored (encrypted) and only then acked, duplicates dropped by (from, id).
 */
import type { Session as ApiSession } from '../api/session';
import { b64, equal, fromB64 } from '../crypto/bytes';
import { identityFromSeed, randomKeys, x25519KeyPair } from '../crypto/x3dh';
import { DuplicateMessageError } from '../crypto/ratchet';
import {
  acceptPrekeyMessage, decryptMessage, DowngradeError, encryptMessage, parsePrekeyMessage, startSession, TYPE_RATCHET,
  type Bundle, type OwnIdentity, type PrekeyStore, type Session,
} from '../crypto/session';
import { keyMaintenance, type UnlockedDevice } from '../device/local';
import { decodeContent, encodeContent, sessionFromJson, sessionRecordName, sessionToJson, type AttachmentRef, type SessionJson } from './codec';
import { downloadAttachment, uploadAttachment, type Phase } from '../api/media';
import { ApiError } from '../api/session';
import { AttachmentError } from '../crypto/attachment';
import { Pins, shortFingerprint, UntrustedIdentityError, type Decision, type PendingChange } from './pins';
import { matchesScanned, safetyNumber, type SafetyNumber } from '../crypto/safety';
import { RelayConnection, type Answer, type DeliverFrame, type RelayStatus } from './relay';
import { CallManager } from '../calls/calls';
import { decodeSignal, encodeSignal, SIGNAL_KINDS, type SignalBody, type SignalKind } from '../calls/signal';
import { resolveClaim, type ClaimCache, type NameDirectory } from './names';

export type MessageStatus = 'sending' | 'sent' | 'delivered' | 'refused' | 'failed';

export interface ChatMessage {
  id: string;
  outgoing: boolean;
  text: string;
  sentAt: number;
  status?: MessageStatus;
  error?: string;
  /** Files (pointers with key, size, digest): kept only in the encrypted history. */
  attachments?: AttachmentRef[];
  /** The file being sent (shown before its pointer exists, and if the upload was refused). */
  file?: { name: string; size: number };
  /** A running upload of this message's file (not meaningful after a reload). */
  transfer?: { phase: Phase; done: number; total: number };
}

export interface Conversation {
  accountId: string;
  /** Only from a forward lookup: this user's search, or the contact's `from` claim once confirmed (names.ts). */
  username?: string;
  /** The contact's username claims checked so far (names.ts). */
  claims?: ClaimCache;
  messages: ChatMessage[];
  notices: string[];
}

interface History {
  conversations: Record<string, Conversation>;
  seen: string[];
}

interface SessionRecordJson {
  accountId: string;
  deviceId: number;
  record: { current: SessionJson; previous: SessionJson[] };
}

const MAX_PREVIOUS_SESSIONS = 5;
const MAX_BASE_KEYS = 10_000;
const MAX_SEEN = 5_000;
/** An incoming call rings at the latest this long after its offer arrived, whether or not the caller's name is checked. */
const NAME_CHECK_BEFORE_RING_MS = 2_500;

export class Messenger {
  private relay?: RelayConnection;
  private history: History = { conversations: {}, seen: [] };
  private sessions = new Map<string, { current: Session; previous: Session[] }>(); // "<account>/<device>"
  private devicesOf = new Map<string, Set<number>>();
  private baseKeys: string[] = [];
  private pins = new Pins();
  /** Accounts whose device list came from identity-service or the relay (not only from received messages). */
  private listed = new Set<string>();
  private own: OwnIdentity;
  private listeners = new Set<() => void>();
  private incoming = new Set<(m: { from: string; name: string }) => void>();
  /** Notices about this account's own devices (shown above the conversations). */
  readonly ownNotices: string[] = [];
  status: RelayStatus = 'connecting';
  /** Voice calls over this messenger's sessions and relay connection (src/calls). */
  readonly calls: CallManager;
  /** This account's username, sent as the `from` claim in every message and call offer (§5.3); none: no claim. */
  username?: string;
  /** Claim checks running, per "<account>/<lower-cased claim>" (two messages in a row ask once). */
  private claimChecks = new Map<string, Promise<void>>();
  private readonly directory: NameDirectory = {
    lookup: async (u) => {
      try {
        return await this.api.call<{ accountId: string; username: string }>('identity', `/v1/usernames/${encodeURIComponent(u)}`);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'USERNAME_NOT_FOUND') return undefined;
        throw e;
      }
    },
  };

  constructor(private readonly api: ApiSession, private readonly unlocked: UnlockedDevice, readonly accountId: string) {
    const d = unlocked.device;
    const identity = identityFromSeed(fromB64(d.identitySeed));
    this.own = { identity, agreement: x25519KeyPair(fromB64(d.agreementPrivateKey)), agreementKeySignature: fromB64(d.agreementKeySignature) };
    this.calls = new CallManager({
      accountId,
      sendSignal: (to, callId, body) => this.sendSignal(to, callId, body),
      nameOf: (account) => { const u = this.history.conversations[account]?.username; return u ? `@${u}` : undefined; },
    });
  }

  get deviceId(): number {
    return this.unlocked.device.deviceId!;
  }

  /** Called for each new message from a contact (e.g. a notification while the tab is hidden); never with its text. */
  onIncoming(fn: (m: { from: string; name: string }) => void): () => void {
    this.incoming.add(fn);
    return () => this.incoming.delete(fn);
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed() {
    this.listeners.forEach((fn) => fn());
  }

  conversations(): Conversation[] {
    return Object.values(this.history.conversations).sort((a, b) => last(b) - last(a));
  }

  conversation(accountId: string): Conversation | undefined {
    return this.history.conversations[accountId];
  }

  async start(): Promise<void> {
    const store = this.unlocked.store;
    this.history = (await store.read<History>('history.bin')) ?? { conversations: {}, seen: [] };
    this.baseKeys = (await store.read<{ baseKeys: string[] }>('basekeys.bin'))?.baseKeys ?? [];
    this.pins = new Pins((await store.read<unknown>('pins.bin')) ?? {});
    this.listed = new Set((await store.read<{ accounts: string[] }>('listed.bin'))?.accounts ?? []);
    const index = (await store.read<Record<string, number[]>>('devices.bin')) ?? {};
    for (const [account, devices] of Object.entries(index)) {
      this.devicesOf.set(account, new Set(devices));
      for (const device of devices) {
        const name = store.sessionRecordName(account, device);
        let rec = await store.read<SessionRecordJson>(name);
        const oldName = sessionRecordName(account, device); // before issue 15: hex of the account id
        if (!rec && (rec = await store.read<SessionRecordJson>(oldName))) {
          await store.write(name, rec);
          await store.remove(oldName);
        }
        if (rec) this.sessions.set(`${account}/${device}`, {
          current: sessionFromJson(rec.record.current, this.ownKeys()),
          previous: rec.record.previous.map((p) => sessionFromJson(p, this.ownKeys())),
        });
      }
    }
    this.relay = new RelayConnection(this.api, this.deviceId, {
      onDeliver: (f) => this.receive(f).finally(() => this.maintainKeys()),
      onReceipt: (r) => this.receipt(r),
      onStatus: (s) => { this.status = s; this.changed(); },
      onCall: (f) => this.calls.relayFrame(f),
    });
    this.maintainKeys();
  }

  /**
   * Key maintenance (src/device/maintenance.ts): at unlock (start), then at most once a minute while receiving,
   * when deliveries use up one-time prekeys. In the background; a failure is retried after the interval.
   */
  private maintainKeys(): void {
    keyMaintenance(this.api, this.unlocked).runIfDue()
      .catch((e) => console.warn('device keys not maintained:', (e as Error).message));
  }

  stop() {
    this.calls.hangUp();
    this.relay?.close();
  }

  private ownKeys() {
    return { identityKey: this.own.identity.publicKey, agreementKey: this.own.agreement.publicKey, agreementKeySignature: this.own.agreementKeySignature };
  }

  // ---- trust (pinned identity keys, §10) ----

  private whoIs(account: string): string {
    if (account === this.accountId) return 'your own account';
    const u = this.history.conversations[account]?.username;
    return u ? `@${u}` : 'this contact';
  }

  /**
   * The sender's `from` claim (§5.3) — checked by a forward lookup, never shown as it is (names.ts). Failures are
   * not the message's problem: it is already shown, by account id.
   */
  private noteClaim(account: string, claimed: string | undefined): Promise<void> {
    if (!claimed || account === this.accountId) return Promise.resolve();
    const key = `${account}/${claimed.toLowerCase()}`;
    let running = this.claimChecks.get(key);
    if (!running) {
      running = (async () => {
        const c = this.conv(account);
        if (!(await resolveClaim(this.directory, c, claimed))) return;
        await this.saveHistory();
        this.changed();
      })().catch(() => undefined).finally(() => this.claimChecks.delete(key));
      this.claimChecks.set(key, running);
    }
    return running;
  }

  /**
   * Checks a device's identity key against the pins (§10) before anything is encrypted to it or read from it.
   * A refusal is saved (the offered key kept as pending), shown in the conversation and thrown; an accepted new
   * device is returned undecided: `commitTrust` pins it once the session exists and reports a device added to a
   * known account.
   */
  private async checkTrust(account: string, device: number, identityKey: Uint8Array, incoming: boolean): Promise<Decision> {
    try {
      return this.pins.check(account, device, identityKey, account === this.accountId, this.deviceId);
    } catch (e) {
      if (!(e instanceof UntrustedIdentityError)) throw e;
      await this.unlocked.store.write('pins.bin', this.pins.toJson());
      const text = refusalText(e, this.whoIs(account), incoming);
      if (account !== this.accountId) this.conv(account).notices.push(text);
      await this.saveHistory();
      this.changed();
      throw new UntrustedIdentityError(e.accountId, e.deviceId, e.reason, e.verified, e.offered, e.pinned, text);
    }
  }

  private async commitTrust(d: Decision): Promise<void> {
    if (!d.newPin) return;
    this.pins.commit(d);
    await this.unlocked.store.write('pins.bin', this.pins.toJson());
    if (!d.addedToKnownAccount) return;
    if (d.accountId === this.accountId) {
      this.ownNotices.push(`A new device was added to your account: device ${d.deviceId} (key ${shortFingerprint(d.identityKey)}). If this was not you, remove it.`);
    } else {
      this.conv(d.accountId).notices.push(`${this.whoIs(d.accountId)} added device ${d.deviceId} (key ${shortFingerprint(d.identityKey)}): the safety number changed.`);
      await this.saveHistory();
    }
    this.changed();
  }

  /** The pinned trust of a contact: verified or not, and the key changes waiting for a decision. */
  trustOf(account: string): { verified: boolean; pending: PendingChange[] } {
    return { verified: this.pins.isVerified(account), pending: this.pins.pending(account) };
  }

  /** Why nothing can be sent to the account now (a key change waits for the user), or undefined. */
  sendBlocked(account: string): string | undefined {
    const pending = this.pins.pending(account);
    if (!pending.length) return undefined;
    const devices = pending.map((p) => p.deviceId).join(', ');
    const who = this.whoIs(account);
    // The one full explanation (the banner above the conversation); notices and failed messages only point to it.
    return this.pins.isVerified(account)
      ? `${who} is a VERIFIED contact and the key of device ${devices} changed. Nothing is sent until you compare the safety number with ${who} again, in person.`
      : `The key of ${who}'s device ${devices} changed. Nothing is sent until you compare safety numbers and accept the new key.`;
  }

  /**
   * The safety number with a contact, from pinned keys only (fetches nothing); with `withPending` as it would be
   * after accepting the pending keys. Undefined before any key of the contact is pinned.
   */
  safetyNumberWith(account: string, withPending = false): SafetyNumber | undefined {
    const theirs = this.pins.keysOf(account, withPending);
    if (!theirs.length) return undefined;
    const ours = [this.own.identity.publicKey, ...this.pins.devicesOf(this.accountId).filter((d) => d !== this.deviceId)
      .map((d) => this.pins.pinned(this.accountId, d)!)];
    return safetyNumber({ accountId: this.accountId, identityKeys: ours }, { accountId: account, identityKeys: theirs });
  }

  /**
   * The user compared safety numbers (the 60 digits the contact read out, spaces ignored, or the scanned QR text).
   * Equal to the number over the pinned keys: the contact is verified, and a pending key change is rejected (the
   * pinned keys are the contact's; the offered ones are not). Equal to the number with the pending keys: they
   * are accepted and verified at once. Otherwise nothing changes.
   */
  async verifyContact(account: string, entered: string): Promise<'verified' | 'change-rejected' | 'change-accepted' | 'mismatch'> {
    const input = /^SC1:/i.test(entered.trim()) ? entered.trim().toUpperCase() : entered.replace(/\s+/g, '');
    const matches = (sn?: SafetyNumber) => !!sn && (matchesScanned(sn.digits, input) || matchesScanned(sn.qr, input));
    const hadPending = this.pins.pending(account).length > 0;
    let result: 'verified' | 'change-rejected' | 'change-accepted';
    if (matches(this.safetyNumberWith(account))) {
      this.pins.rejectPending(account);
      result = hadPending ? 'change-rejected' : 'verified';
    } else if (hadPending && matches(this.safetyNumberWith(account, true))) {
      await this.dropSessions(account, this.pins.accept(account));
      result = 'change-accepted';
    } else {
      return 'mismatch';
    }
    this.pins.verify(account);
    await this.unlocked.store.write('pins.bin', this.pins.toJson());
    this.conv(account).notices.push(result === 'change-rejected'
      ? `You verified ${this.whoIs(account)} again with the pinned keys: the changed key was not theirs and was rejected. Messages go only to the verified keys.`
      : `You verified ${this.whoIs(account)}${result === 'change-accepted' ? ' with the new key' : ''}.`);
    await this.saveHistory();
    this.changed();
    return result;
  }

  /** "Mark as verified" after comparing the number shown (only when no key change is pending). */
  async markVerified(account: string): Promise<void> {
    if (this.pins.pending(account).length) throw new Error('A key change is pending: compare the new safety number first.');
    this.pins.verify(account);
    await this.unlocked.store.write('pins.bin', this.pins.toJson());
    this.conv(account).notices.push(`You marked ${this.whoIs(account)} as verified.`);
    await this.saveHistory();
    this.changed();
  }

  /** Accepts the pending keys without verifying (`sc trust`): the contact is unverified, its sessions start anew. */
  async acceptChange(account: string): Promise<void> {
    const changed = this.pins.accept(account);
    await this.dropSessions(account, changed);
    await this.unlocked.store.write('pins.bin', this.pins.toJson());
    this.conv(account).notices.push(`You accepted the new key of ${this.whoIs(account)} (device ${changed.join(', ')}). The contact is not verified.`);
    await this.saveHistory();
    this.changed();
  }

  /** Sessions with devices whose key was replaced are dropped; the next send fetches fresh bundles. */
  private async dropSessions(account: string, devices: number[]) {
    for (const d of devices) {
      this.dropDevice(account, d);
      await this.saveSession(account, d);
    }
    this.listed.delete(account);
    await this.saveListed();
  }

  // ---- persistence ----

  private async saveHistory() {
    if (this.history.seen.length > MAX_SEEN) this.history.seen.splice(0, this.history.seen.length - MAX_SEEN);
    await this.unlocked.store.write('history.bin', this.history);
  }

  private async saveSession(account: string, device: number) {
    const s = this.sessions.get(`${account}/${device}`);
    const store = this.unlocked.store;
    if (s) {
      await store.write(store.sessionRecordName(account, device), {
        accountId: account, deviceId: device, record: { current: sessionToJson(s.current), previous: s.previous.map(sessionToJson) },
      } satisfies SessionRecordJson);
    } else {
      await store.remove(store.sessionRecordName(account, device));
    }
    const index: Record<string, number[]> = {};
    for (const [a, set] of this.devicesOf) if (set.size) index[a] = [...set];
    await store.write('devices.bin', index);
  }

  private async saveListed() {
    await this.unlocked.store.write('listed.bin', { accounts: [...this.listed] });
  }

  private setSession(account: string, device: number, current: Session, previous: Session[]) {
    this.sessions.set(`${account}/${device}`, { current, previous: previous.slice(0, MAX_PREVIOUS_SESSIONS) });
    if (!this.devicesOf.has(account)) this.devicesOf.set(account, new Set());
    this.devicesOf.get(account)!.add(device);
  }

  private dropDevice(account: string, device: number) {
    this.sessions.delete(`${account}/${device}`);
    this.devicesOf.get(account)?.delete(device);
  }

  private conv(accountId: string, username?: string): Conversation {
    let c = this.history.conversations[accountId];
    if (!c) {
      c = { accountId, username, messages: [], notices: [] };
      this.history.conversations[accountId] = c;
    }
    if (username && !c.username) c.username = username;
    return c;
  }

  // ---- directory ----

  async findUser(username: string): Promise<{ accountId: string; username: string }> {
    const r = await this.api.call<{ accountId: string; username: string }>('identity', `/v1/usernames/${encodeURIComponent(username)}`);
    this.conv(r.accountId, r.username);
    await this.saveHistory();
    this.changed();
    return r;
  }

  private async fetchBundles(account: string, deviceIds?: number[]): Promise<void> {
    const path = `/v1/bundles/${encodeURIComponent(account)}`;
    const answers = deviceIds
      ? await Promise.all(deviceIds.map((d) => this.api.call<{ devices: any[] }>('identity', `${path}/${d}`)))
      : [await this.api.call<{ devices: any[] }>('identity', path)];
    for (const a of answers) {
      for (const d of a.devices) {
        if (account === this.accountId && d.deviceId === this.deviceId) continue;
        const bundle: Bundle = {
          identityKey: fromB64(d.identityKey), agreementKey: fromB64(d.agreementKey), agreementKeySignature: fromB64(d.agreementKeySignature),
          signedPrekey: { keyId: d.signedPrekey.keyId, publicKey: fromB64(d.signedPrekey.publicKey), signature: fromB64(d.signedPrekey.signature) },
          oneTimePrekey: d.oneTimePrekey && { keyId: d.oneTimePrekey.keyId, publicKey: fromB64(d.oneTimePrekey.publicKey) },
          kemPrekey: d.kemPrekey && { keyId: d.kemPrekey.keyId, publicKey: fromB64(d.kemPrekey.publicKey), signature: fromB64(d.kemPrekey.signature), lastResort: !!d.kemPrekey.lastResort },
        };
        const old = this.sessions.get(`${account}/${d.deviceId}`);
        // Signatures first (startSession), then the pin: a changed key gets no session at all.
        const session = startSession(this.own, bundle, randomKeys);
        const decision = await this.checkTrust(account, d.deviceId, bundle.identityKey, false);
        this.setSession(account, d.deviceId, session, old ? [old.current, ...old.previous] : []);
        await this.commitTrust(decision);
      }
    }
    if (!deviceIds && !this.listed.has(account)) {
      this.listed.add(account);
      await this.saveListed();
    }
  }

  // ---- sending ----

  private encryptFor(account: string, content: Uint8Array, exceptOwn = false) {
    const out: { deviceId: number; type: number; body: string }[] = [];
    for (const device of this.devicesOf.get(account) ?? []) {
      if (exceptOwn && device === this.deviceId) continue;
      const s = this.sessions.get(`${account}/${device}`)!;
      const wire = encryptMessage(s.current, content);
      out.push({ deviceId: device, type: wire[0], body: b64(wire) });
    }
    return out;
  }

  async sendText(to: string, text: string): Promise<ChatMessage> {
    const c = this.conv(to);
    const sentAt = Date.now();
    const msg: ChatMessage = { id: crypto.randomUUID(), outgoing: true, text, sentAt, status: 'sending' };
    c.messages.push(msg);
    this.changed();
    await this.deliver(to, msg, encodeContent(text, sentAt, [], this.username));
    return msg;
  }

  /**
   * Encrypts and uploads a file (charged FILE_TRANSFER once, when media-service hands out the slot), then sends
   * its pointer in a message (charged as a message). A refusal by the wallet stops before anything is sent.
   */
  async sendFile(to: string, file: File, onCharged?: () => void): Promise<ChatMessage> {
    const c = this.conv(to);
    const sentAt = Date.now();
    const msg: ChatMessage = { id: crypto.randomUUID(), outgoing: true, text: '', sentAt, status: 'sending',
      file: { name: file.name, size: file.size }, transfer: { phase: 'encrypting', done: 0, total: file.size } };
    c.messages.push(msg);
    this.changed();
    let ref: AttachmentRef;
    let shown = -1;
    let charged = false;
    try {
      ref = await uploadAttachment(this.api, file, (phase, done, total) => {
        if (phase === 'uploading' && !charged) { charged = true; onCharged?.(); } // the slot exists: the hold is on the balance
        const pct = Math.floor((100 * done) / Math.max(1, total));
        if (phase === msg.transfer?.phase && pct === shown) return;
        shown = pct;
        msg.transfer = { phase, done, total };
        this.changed();
      });
    } catch (e) {
      msg.transfer = undefined;
      msg.status = e instanceof ApiError && e.code === 'INSUFFICIENT_CREDITS' ? 'refused' : 'failed';
      msg.error = msg.status === 'refused'
        ? 'Not sent: your balance cannot pay for this file. Top up, then send it again.'
        : `Not sent: ${(e as Error).message}`;
      await this.saveHistory();
      this.changed();
      return msg;
    }
    msg.transfer = undefined;
    msg.attachments = [ref];
    this.changed();
    await this.deliver(to, msg, encodeContent(undefined, sentAt, [ref], this.username));
    return msg;
  }

  /**
   * Downloads and decrypts a file of a message (free); refuses it with AttachmentError if any check of §7 fails
   * (altered blob, wrong digest or size, bad padding).
   */
  async download(ref: AttachmentRef, onProgress: (done: number, total: number) => void): Promise<Blob> {
    try {
      return await downloadAttachment(this.api, ref, (_phase, done, total) => onProgress(done, total));
    } catch (e) {
      if (e instanceof AttachmentError) throw new AttachmentError(`Refused: the file is not what the message says (${e.message}). Nothing was saved.`);
      throw e;
    }
  }

  private async deliver(to: string, msg: ChatMessage, content: Uint8Array): Promise<void> {
    try {
      const blocked = this.sendBlocked(to);
      if (blocked) {
        msg.status = 'failed'; // not 'refused': that one offers a top-up
        msg.error = KEY_CHANGE_NOT_SENT;
        await this.saveHistory();
        this.changed();
        return;
      }
      // The devices to encrypt to come from identity-service, not from whom we happened to hear (as the SDK).
      if (!this.listed.has(to) || !this.devicesOf.get(to)?.size) await this.fetchBundles(to);
      // A device whose current session is not PQXDH (old state) gets a new session from a fresh bundle.
      for (const account of [to, this.accountId]) {
        const stale = [...(this.devicesOf.get(account) ?? [])].filter((d) => d !== this.deviceId && !this.sessions.get(`${account}/${d}`)?.current.pq);
        if (stale.length) await this.fetchBundles(account, stale);
      }
      let answer: Answer | undefined;
      for (let attempt = 0; attempt < 5; attempt++) {
        const messages = this.encryptFor(to, content);
        const self = this.encryptFor(this.accountId, content, true);
        await this.persistSessionsOf(to, this.accountId);
        answer = await this.relay!.send({ id: msg.id, to, messages, self });
        if (answer.type === 'accepted') break;
        if (answer.code === 'DEVICE_MISMATCH' && answer.account) {
          for (const d of answer.extraDevices ?? []) this.dropDevice(answer.account, d);
          this.listed.add(answer.account);
          if (answer.missingDevices?.length) await this.fetchBundles(answer.account, answer.missingDevices);
          await this.persistSessionsOf(answer.account);
          continue;
        }
        if (answer.code === 'UNAVAILABLE' || answer.code === 'RATE_LIMITED') {
          if (answer.retryWithNewId) msg.id = crypto.randomUUID();
          await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
          continue;
        }
        break;
      }
      if (answer?.type === 'accepted') {
        msg.status = 'sent';
      } else {
        msg.status = answer?.code === 'INSUFFICIENT_CREDITS' ? 'refused' : 'failed';
        msg.error = answer?.code === 'INSUFFICIENT_CREDITS'
          ? 'Not sent: your balance cannot pay for this message. Top up, then send it again.'
          : `Not sent (${answer?.type === 'refused' ? answer.code : 'no answer'}).`;
      }
    } catch (e) {
      msg.status = 'failed';
      // A refused key is explained once, in the banner (sendBlocked) and the conversation's notice.
      msg.error = e instanceof UntrustedIdentityError ? KEY_CHANGE_NOT_SENT : `Not sent: ${(e as Error).message}`;
    }
    await this.saveHistory();
    this.changed();
  }

  /**
   * Call signalling (docs/protocol.md, Calls): one `send` with `kind` and `callId` to every device of `to`
   * (the relay checks the fan-out like a message's; no `self` copies), content from calls/signal.ts. Not
   * charged per envelope; the caller pays per minute.
   */
  async sendSignal(to: string, callId: string, body: SignalBody): Promise<Answer> {
    if (!this.devicesOf.get(to)?.size) await this.fetchBundles(to);
    const stale = [...(this.devicesOf.get(to) ?? [])].filter((d) => !this.sessions.get(`${to}/${d}`)?.current.pq);
    if (stale.length) await this.fetchBundles(to, stale);
    // The offer names the caller (§5.3 `from`: a claim the callee checks); later signals need not.
    const content = encodeSignal(callId, body.kind === 'call-offer' && this.username ? { ...body, from: this.username } : body);
    let id: string = crypto.randomUUID();
    let answer: Answer = { type: 'refused', id, code: 'UNAVAILABLE', detail: 'not sent' };
    for (let attempt = 0; attempt < 5; attempt++) {
      const messages = this.encryptFor(to, content);
      await this.persistSessionsOf(to);
      answer = await this.relay!.send({ id, to, kind: body.kind, callId, messages });
      if (answer.type === 'accepted') break;
      if (answer.code === 'DEVICE_MISMATCH' && answer.account === to) {
        for (const d of answer.extraDevices ?? []) this.dropDevice(to, d);
        if (answer.missingDevices?.length) await this.fetchBundles(to, answer.missingDevices);
        await this.persistSessionsOf(to);
        continue;
      }
      if (answer.code === 'UNAVAILABLE' || answer.code === 'RATE_LIMITED') {
        if (answer.retryWithNewId) id = crypto.randomUUID();
        await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
        continue;
      }
      break;
    }
    return answer;
  }

  private async persistSessionsOf(...accounts: string[]) {
    for (const a of accounts) for (const d of this.devicesOf.get(a) ?? []) await this.saveSession(a, d);
  }

  private receipt(r: { id: string; to: string }) {
    const m = this.history.conversations[r.to]?.messages.find((x) => x.id === r.id);
    if (m && m.status === 'sent') {
      m.status = 'delivered';
      void this.saveHistory();
      this.changed();
    }
  }

  // ---- receiving ----

  private prekeys(): PrekeyStore {
    const d = this.unlocked.device;
    return {
      signedPrekey: (id) => {
        const k = d.signedPrekeys.find((s) => s.keyId === id);
        return k && x25519KeyPair(fromB64(k.privateKey));
      },
      oneTimePrekey: (id) => {
        const k = d.oneTimePrekeys.find((s) => s.keyId === id);
        return k && fromB64(k.privateKey);
      },
      kemPrekey: (id, lastResort) => {
        const k = (lastResort ? d.kemLastResortPrekeys : d.kemOneTimePrekeys).find((s) => s.keyId === id);
        return k && fromB64(k.seed);
      },
    };
  }

  private async receive(f: DeliverFrame): Promise<void> {
    const seenKey = `${f.from}/${f.id}`;
    const signal = !!f.kind && f.kind !== 'message';
    if (signal && (!SIGNAL_KINDS.includes(f.kind as SignalKind) || typeof f.callId !== 'string')) return; // unknown kind: acked, dropped
    if (this.history.seen.includes(seenKey)) return;
    const wire = fromB64(f.body);
    const key = `${f.from}/${f.fromDevice}`;
    const rec = this.sessions.get(key);
    let plaintext: Uint8Array | undefined;
    try {
      if (wire[0] === TYPE_RATCHET) {
        // Sessions set up without post-quantum protection are never tried (§5.2).
        const candidates = rec ? [rec.current, ...rec.previous].filter((x) => x.pq) : [];
        let lastError: unknown = new Error('no session with this device');
        for (const s of candidates) {
          try {
            const r = decryptMessage(s, wire, randomKeys);
            this.setSession(f.from, f.fromDevice, r.session, [rec!.current, ...rec!.previous].filter((x) => x !== s));
            plaintext = r.plaintext;
            break;
          } catch (e) {
            lastError = e;
            if (e instanceof DuplicateMessageError) throw e;
          }
        }
        if (!plaintext) throw lastError;
      } else {
        const m = parsePrekeyMessage(wire);
        const existing = rec && [rec.current, ...rec.previous].find((s) => s.pq && equal(s.baseKey, m.baseKey));
        if (existing) {
          const r = decryptMessage(existing, wire, randomKeys);
          this.setSession(f.from, f.fromDevice, r.session, [rec!.current, ...rec!.previous].filter((x) => x !== existing));
          plaintext = r.plaintext;
        } else {
          if (this.baseKeys.includes(b64(m.baseKey))) throw new DuplicateMessageError('replayed prekey message');
          // A refused key is refused before any prekey is looked up (§10 order); a new one is pinned only
          // after the message authenticated.
          const decision = await this.checkTrust(f.from, f.fromDevice, m.identityKey, true);
          const r = acceptPrekeyMessage(this.own, this.prekeys(), m, randomKeys);
          await this.commitTrust(decision);
          const d = this.unlocked.device;
          if (m.oneTimePrekeyId !== undefined) d.oneTimePrekeys = d.oneTimePrekeys.filter((k) => k.keyId !== m.oneTimePrekeyId);
          if (m.kem && !m.kem.lastResort) d.kemOneTimePrekeys = d.kemOneTimePrekeys.filter((k) => k.keyId !== m.kem!.keyId);
          await this.unlocked.store.write('device.bin', d);
          this.baseKeys.push(b64(m.baseKey));
          if (this.baseKeys.length > MAX_BASE_KEYS) this.baseKeys.shift();
          await this.unlocked.store.write('basekeys.bin', { baseKeys: this.baseKeys });
          this.setSession(f.from, f.fromDevice, r.session, rec ? [rec.current, ...rec.previous] : []);
          plaintext = r.plaintext;
        }
      }
    } catch (e) {
      if (e instanceof DuplicateMessageError) return; // already read: ack it again, show nothing
      if (f.from !== this.accountId && !(e instanceof UntrustedIdentityError)) {
        this.conv(f.from).notices.push(e instanceof DowngradeError
          ? `Refused a message from device ${f.fromDevice}: set up without post-quantum protection.`
          : signal ? `A call signal from device ${f.fromDevice} could not be decrypted; it was dropped.` : 'A message could not be decrypted.');
      }
      this.history.seen.push(seenKey);
      await this.saveHistory();
      this.changed();
      return;
    }
    await this.saveSession(f.from, f.fromDevice);
    this.history.seen.push(seenKey);
    if (signal) {
      let body: SignalBody;
      try {
        body = decodeSignal(plaintext, f.kind!, f.callId!);
      } catch (e) {
        // Authenticated by the ratchet, but not a signal of this envelope's call and kind: dropped and shown.
        if (f.from !== this.accountId) this.conv(f.from).notices.push(`Refused a call signal from device ${f.fromDevice}: ${(e as Error).message}.`);
        await this.saveHistory();
        this.changed();
        return;
      }
      await this.saveHistory();
      // A caller never seen by name: its claim is checked before it rings (bounded), so the screen names it.
      if (body.kind === 'call-offer' && body.from) {
        await Promise.race([this.noteClaim(f.from, body.from), new Promise((r) => setTimeout(r, NAME_CHECK_BEFORE_RING_MS))]);
      }
      this.calls.signal(f.from, f.fromDevice, f.callId!, body, Date.parse(f.sentAt) || Date.now());
      return;
    }
    let content: ReturnType<typeof decodeContent>;
    try {
      content = decodeContent(plaintext);
    } catch {
      // Authenticated but unusable content (e.g. a malformed file pointer): shown, not kept, acked.
      if (f.from !== this.accountId) this.conv(f.from).notices.push(`A message from device ${f.fromDevice} had content this app cannot read; it was dropped.`);
      await this.saveHistory();
      this.changed();
      return;
    }
    if (f.from !== this.accountId) {
      this.conv(f.from).messages.push({ id: f.id, outgoing: false, text: content.text ?? '', sentAt: content.sentAt,
        ...(content.attachments.length ? { attachments: content.attachments } : {}) });
      for (const fn of this.incoming) {
        try { fn({ from: f.from, name: this.whoIs(f.from) }); } catch { /* a notification must never stop a delivery */ }
      }
    }
    // A copy of what this account's other device sent carries no recipient in its content (§5.3): it is kept
    // decrypted (the ratchet advanced) but not shown yet.
    await this.saveHistory();
    this.changed();
    if (f.from !== this.accountId) void this.noteClaim(f.from, content.from); // shown by account id until confirmed
  }
}

/** A message held back by a key change: what to do is said once, in the banner above the conversation. */
const KEY_CHANGE_NOT_SENT = 'Not sent: key change not resolved.';

/**
 * The conversation's record of a refused key (the SDK's facts, §10): what changed and what happened to the message,
 * short — what to do about it is in the banner while the change is pending (sendBlocked).
 */
function refusalText(e: UntrustedIdentityError, who: string, incoming: boolean): string {
  const was = e.pinned ? `was ${shortFingerprint(e.pinned)}, now ` : '';
  const what = e.reason === 'NEW_DEVICE_OF_VERIFIED_CONTACT'
    ? `Verified contact ${who} has a new device ${e.deviceId} (key ${shortFingerprint(e.offered)})`
    : `The identity key of ${e.verified ? 'verified contact ' : ''}${who}'s device ${e.deviceId} changed (${was}${shortFingerprint(e.offered)})`;
  return `${what}. ${incoming ? 'Its message was refused.' : 'Nothing was sent.'}`;
}

function last(c: Conversation): number {
  return c.messages.length ? c.messages[c.messages.length - 1].sentAt : 0;
}
