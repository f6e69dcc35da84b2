/**
 * Voice calls (issue 16 item 6; docs/web-client.md "Calls"): one call at a time per browser, WebRTC audio
 * relayed only through TURN (iceTransportPolicy 'relay': the peer never learns this browser's addresses, and
 * media needs the paid TURN credentials the relay hands out per minute).
 *
 * Sequence (docs/protocol.md, "Call signalling content"): the caller sends `call-offer` {media} to every
 * device of the callee (the relay holds minute 1 first); a callee device rings and answers with `call-answer`;
 * the relay then pushes `call-turn` to both and the caller — only now able to gather a relay candidate — sends
 * its WebRTC offer SDP in a `call-ice`, the callee its answer SDP, and both trickle their candidates in
 * `call-ice`. Each later `call-turn` (one per paid minute) replaces the credentials with setConfiguration.
 * `call-ended` from the relay, or the peer's `call-hangup`, ends the call on this side.
 */
import type { Answer, CallEndedFrame, CallTurnFrame } from '../messaging/relay';
import type { HangupReason, IceCandidate, SignalBody } from './signal';
import { MAX_CANDIDATES } from './signal';

/** What the call manager needs from the messenger: encrypted signalling to every device of an account. */
export interface CallPort {
  readonly accountId: string;
  sendSignal(to: string, callId: string, body: SignalBody): Promise<Answer>;
  nameOf(account: string): string | undefined;
}

export type CallPhase = 'calling' | 'ringing' | 'connecting' | 'connected' | 'ended';

export interface CallView {
  callId: string;
  /** The paying party: call ids are scoped to their caller. */
  caller: string;
  peer: string;
  peerName?: string;
  outgoing: boolean;
  phase: CallPhase;
  /** When the first TURN credentials arrived (= the relay accepted the answer). */
  answeredAt?: number;
  /** Minutes the caller has paid for so far (one `call-turn` per paid minute). */
  paidMinutes: number;
  endedAt?: number;
  /** Why it ended, for people ("Call ended: not enough credits — top up."). */
  endText?: string;
  /** The relay's reason or this client's ('INSUFFICIENT_CREDITS', 'HANGUP', 'NO_ANSWER', 'declined', …). */
  endReason?: string;
  /** Audio bytes received from the peer (RTCPeerConnection stats). */
  bytesReceived: number;
  /** The selected candidate pair, e.g. "relay 127.0.0.1 → relay 127.0.0.1". */
  route?: string;
}

/** An offer older than this was queued while this device was away: the call rang out already (45 s at the relay). */
const STALE_OFFER_MS = 60_000;
const CANDIDATE_BATCH_MS = 150;
const STATS_MS = 1_000;

type IceBody = Extract<SignalBody, { kind: 'call-ice' }>;

export class CallManager {
  current?: CallView;
  /** The peer's audio, for an <audio> element. */
  remote?: MediaStream;
  private pc?: RTCPeerConnection;
  private local?: MediaStream;
  /** Caller side: the callee device that answered; callee side: the caller's offering device. */
  private peerDevice?: number;
  private pendingIce: IceBody[] = [];
  private remoteCandidates: IceCandidate[] = [];
  private outCandidates: IceCandidate[] = [];
  private flushTimer?: ReturnType<typeof setTimeout>;
  private statsTimer?: ReturnType<typeof setInterval>;
  /** Everything that touches the RTCPeerConnection runs one step after another. */
  private work: Promise<void> = Promise.resolve();
  private listeners = new Set<() => void>();

  constructor(private readonly port: CallPort) {}

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed() {
    this.listeners.forEach((fn) => fn());
  }

  /** A call is ringing or running (an ended one is only still shown). */
  active(): boolean {
    return !!this.current && this.current.phase !== 'ended';
  }

  // ---- actions of this person ----

  /** Calls every device of `peer`. The relay charges minute 1 before the offer rings anywhere. */
  async start(peer: string): Promise<void> {
    if (this.active()) throw new Error('You are in a call already.');
    this.reset();
    const call: CallView = { callId: crypto.randomUUID(), caller: this.port.accountId, peer, peerName: this.port.nameOf(peer),
      outgoing: true, phase: 'calling', paidMinutes: 0, bytesReceived: 0 };
    this.current = call;
    this.changed();
    try {
      this.local = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      return this.finish(call, `Call not started: no microphone (${(e as Error).message}).`, 'failed');
    }
    if (isOver(call)) return this.stopMedia(); // hung up while the browser asked for the microphone
    const a = await this.port.sendSignal(peer, call.callId, { kind: 'call-offer', media: 'audio' }).catch((e) => refusedBy(e));
    if (a.type !== 'accepted' && !isOver(call)) {
      this.finish(call, a.code === 'INSUFFICIENT_CREDITS'
        ? 'Call not started: not enough credits for a minute — top up.'
        : `Call not started (${a.code}${a.detail ? `: ${a.detail}` : ''}).`, a.code);
    }
  }

  /** Takes the ringing call on this device. */
  async answer(): Promise<void> {
    const call = this.current;
    if (!call || call.outgoing || call.phase !== 'ringing') return;
    call.phase = 'connecting'; // from now on a call-turn is ours, not "answered elsewhere"
    this.changed();
    try {
      this.local = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      void this.port.sendSignal(call.peer, call.callId, { kind: 'call-hangup', reason: 'failed' }).catch(() => undefined);
      return this.finish(call, `Could not answer: no microphone (${(e as Error).message}).`, 'failed');
    }
    const a = await this.port.sendSignal(call.peer, call.callId, { kind: 'call-answer' }).catch((e) => refusedBy(e));
    if (a.type !== 'accepted' && !isOver(call)) {
      this.finish(call, a.code === 'CALL_ANSWERED' ? 'Answered on another device.'
        : a.code === 'CALL_ENDED' ? 'The call ended before you answered.' : `Could not answer (${a.code}).`, a.code);
    }
  }

  decline(): void {
    const call = this.current;
    if (!call || call.outgoing || call.phase !== 'ringing') return;
    void this.port.sendSignal(call.peer, call.callId, { kind: 'call-hangup', reason: 'declined' }).catch(() => undefined);
    this.finish(call, 'You declined the call.', 'declined');
  }

  hangUp(): void {
    const call = this.current;
    if (!call || call.phase === 'ended') return;
    void this.port.sendSignal(call.peer, call.callId, { kind: 'call-hangup', reason: 'hangup' }).catch(() => undefined);
    this.finish(call, call.outgoing && !call.answeredAt ? 'You cancelled the call.' : 'You hung up.', 'hangup');
  }

  /** Clears an ended call from the screen. */
  dismiss(): void {
    if (this.current?.phase === 'ended') {
      this.current = undefined;
      this.remote = undefined;
      this.changed();
    }
  }

  // ---- from the relay ----

  /**
   * A decrypted, checked signal (signal.ts). Only the peer of the current call is listened to — on the callee's
   * side only its offering device, on the caller's side only the callee device that answered — whatever the
   * relay delivers: a third party's signal, or one for another call, is dropped.
   */
  signal(from: string, fromDevice: number, callId: string, body: SignalBody, sentAt: number): void {
    if (from === this.port.accountId) return; // own devices take no part in a call of this one
    const call = this.current;
    if (body.kind === 'call-offer') {
      if (Date.now() - sentAt > STALE_OFFER_MS) return;
      if (call?.callId === callId && call.caller === from) return; // delivered again
      if (this.active()) {
        void this.port.sendSignal(from, callId, { kind: 'call-hangup', reason: 'busy' }).catch(() => undefined);
        return;
      }
      this.reset();
      this.peerDevice = fromDevice;
      this.current = { callId, caller: from, peer: from, peerName: this.port.nameOf(from), outgoing: false, phase: 'ringing',
        paidMinutes: 0, bytesReceived: 0 };
      this.changed();
      return;
    }
    if (!call || call.callId !== callId || call.peer !== from || call.caller !== (call.outgoing ? this.port.accountId : from)) return;
    if (body.kind === 'call-hangup') {
      // The relay's call-ended (HANGUP) may have come first: then only say better why.
      if (call.phase === 'ended' && call.endReason !== 'HANGUP') return;
      const who = call.peerName ?? 'the other side';
      const text = body.reason === 'declined' ? `${cap(who)} declined the call.`
        : body.reason === 'busy' ? `${cap(who)} is in another call.`
          : body.reason === 'failed' ? `${cap(who)} could not take the call.` : `Call ended: ${who} hung up.`;
      if (call.phase === 'ended') { call.endText = text; call.endReason = body.reason; this.changed(); return; }
      return this.finish(call, text, body.reason);
    }
    if (call.phase === 'ended') return;
    if (body.kind === 'call-answer') {
      if (!call.outgoing || this.peerDevice !== undefined) return;
      this.peerDevice = fromDevice;
      if (call.phase === 'calling') call.phase = 'connecting';
      this.changed();
      return;
    }
    if (body.kind === 'call-ice') {
      if (fromDevice !== this.peerDevice) return;
      this.enqueue(() => this.applyIce(body));
    }
  }

  /** `call-turn` and `call-ended` frames (matched by call id and caller, as the relay scopes them). */
  relayFrame(f: CallTurnFrame | CallEndedFrame): void {
    const call = this.current;
    if (!call || call.callId !== f.callId || call.caller !== f.caller || call.phase === 'ended') return;
    if (f.type === 'call-ended') {
      const text = f.reason === 'INSUFFICIENT_CREDITS'
        ? (call.outgoing ? 'Call ended: not enough credits — top up.' : 'Call ended: the caller ran out of credits.')
        : f.reason === 'NO_ANSWER' ? (call.outgoing ? 'No answer.' : 'Missed call.')
          : f.reason === 'HANGUP' ? `Call ended: ${call.peerName ?? 'the other side'} hung up.` : `Call ended (${f.reason}).`;
      return this.finish(call, text, f.reason);
    }
    if (!call.outgoing && call.phase === 'ringing') {
      return this.finish(call, 'Answered on another device.', 'elsewhere'); // the relay sends credentials to every device
    }
    if (!Array.isArray(f.urls) || typeof f.username !== 'string' || typeof f.credential !== 'string') return;
    const servers: RTCIceServer[] = [{ urls: f.urls, username: f.username, credential: f.credential }];
    call.paidMinutes++;
    if (!call.answeredAt) {
      call.answeredAt = Date.now();
      if (call.phase === 'calling') call.phase = 'connecting';
      this.enqueue(() => this.startMedia(call, servers));
    } else {
      this.enqueue(() => this.renewTurn(call, servers));
    }
    this.changed();
  }

  // ---- WebRTC ----

  private enqueue(step: () => Promise<void>) {
    const call = this.current;
    this.work = this.work.then(step).catch((e) => {
      console.warn('call step failed:', (e as Error).message);
      if (call && call === this.current && call.phase !== 'ended') {
        void this.port.sendSignal(call.peer, call.callId, { kind: 'call-hangup', reason: 'failed' }).catch(() => undefined);
        this.finish(call, `Call failed: ${(e as Error).message}`, 'failed');
      }
    });
  }

  private async startMedia(call: CallView, iceServers: RTCIceServer[]) {
    if (call !== this.current || call.phase === 'ended' || !this.local) return;
    const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' });
    this.pc = pc;
    for (const track of this.local.getTracks()) pc.addTrack(track, this.local);
    pc.ontrack = (e) => {
      this.remote = e.streams[0] ?? new MediaStream([e.track]);
      this.changed();
    };
    pc.onicecandidate = (e) => {
      if (!e.candidate || !e.candidate.candidate) return;
      const c = e.candidate.toJSON();
      this.outCandidates.push({ candidate: c.candidate!, ...(c.sdpMid != null ? { sdpMid: c.sdpMid } : {}),
        ...(c.sdpMLineIndex != null ? { sdpMLineIndex: c.sdpMLineIndex } : {}) });
      this.flushTimer ??= setTimeout(() => this.flushCandidates(call), CANDIDATE_BATCH_MS);
    };
    pc.onconnectionstatechange = () => {
      if (call !== this.current || call.phase === 'ended') return;
      if (pc.connectionState === 'connected' && call.phase !== 'connected') {
        call.phase = 'connected';
        this.statsTimer ??= setInterval(() => void this.readStats(call, pc), STATS_MS);
        this.changed();
      } else if (pc.connectionState === 'failed') {
        void this.port.sendSignal(call.peer, call.callId, { kind: 'call-hangup', reason: 'failed' }).catch(() => undefined);
        this.finish(call, 'Call failed: no media path through the TURN relay.', 'failed');
      }
    };
    if (call.outgoing) {
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      await this.sendOrEnd(call, { kind: 'call-ice', sdp: { type: 'offer', sdp: offer.sdp! } });
    }
    const pending = this.pendingIce.splice(0);
    for (const b of pending) await this.applyIce(b);
  }

  /**
   * New credentials for the next paid minute, handed to the connection with setConfiguration: Chromium uses them
   * for allocations made from now on. The running allocations are refreshed under the credentials they were made
   * with, and coturn keeps refreshing them after those expired (measured: docs/web-client.md, "Calls"), so no
   * ICE restart is spent on it (it would cost four of the call's 200 signalling envelopes a minute).
   */
  private async renewTurn(call: CallView, iceServers: RTCIceServer[]) {
    if (!this.pc || call !== this.current || call.phase === 'ended') return;
    this.pc.setConfiguration({ iceServers, iceTransportPolicy: 'relay' });
  }

  private async applyIce(b: IceBody) {
    const call = this.current;
    const pc = this.pc;
    if (!call || call.phase === 'ended') return;
    if (!pc) { this.pendingIce.push(b); return; } // the callee's credentials are still on their way
    if (b.sdp) {
      // Only the callee takes an offer, only the caller an answer: a peer cannot make us renegotiate at will.
      if ((b.sdp.type === 'offer') === call.outgoing) throw new Error(`unexpected ${b.sdp.type} from the other side`);
      await pc.setRemoteDescription(b.sdp);
      if (b.sdp.type === 'offer') {
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        await this.sendOrEnd(call, { kind: 'call-ice', sdp: { type: 'answer', sdp: answer.sdp! } });
      }
      for (const c of this.remoteCandidates.splice(0)) await addCandidate(pc, c);
    }
    for (const c of b.candidates ?? []) {
      if (pc.remoteDescription) await addCandidate(pc, c);
      else this.remoteCandidates.push(c);
    }
  }

  private flushCandidates(call: CallView) {
    this.flushTimer = undefined;
    if (call !== this.current || call.phase === 'ended') return;
    while (this.outCandidates.length) {
      const candidates = this.outCandidates.splice(0, MAX_CANDIDATES);
      void this.sendOrEnd(call, { kind: 'call-ice', candidates });
    }
  }

  private async sendOrEnd(call: CallView, body: SignalBody) {
    const a = await this.port.sendSignal(call.peer, call.callId, body).catch((e) => refusedBy(e));
    if (a.type !== 'accepted' && call === this.current && call.phase !== 'ended') {
      // CALL_ENDED: the relay's call-ended is on its way and says why. Anything else breaks the call: end it
      // here and tell the other side. INSUFFICIENT_CREDITS: the caller can no longer pay the next minute.
      if (a.code === 'CALL_ENDED') return;
      void this.port.sendSignal(call.peer, call.callId, { kind: 'call-hangup', reason: 'failed' }).catch(() => undefined);
      this.finish(call, a.code === 'INSUFFICIENT_CREDITS' ? 'Call ended: not enough credits — top up.'
        : `Call failed: the relay refused signalling (${a.code}).`, a.code);
    }
  }

  private async readStats(call: CallView, pc: RTCPeerConnection) {
    if (call !== this.current || call.phase === 'ended') return;
    let bytes = 0;
    let pairId: string | undefined;
    const stats = await pc.getStats();
    stats.forEach((s: any) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') bytes += s.bytesReceived ?? 0;
      if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    const pair: any = pairId && stats.get(pairId);
    const local: any = pair && stats.get(pair.localCandidateId);
    const remote: any = pair && stats.get(pair.remoteCandidateId);
    call.bytesReceived = bytes;
    call.route = local && remote ? `${local.candidateType} ${local.address} → ${remote.candidateType} ${remote.address}` : undefined;
    this.changed();
  }

  // ---- ending ----

  private finish(call: CallView, text: string, reason: string) {
    if (call.phase === 'ended') return;
    call.phase = 'ended';
    call.endText = text;
    call.endReason = reason;
    call.endedAt = Date.now();
    if (call === this.current) this.stopMedia();
    this.changed();
  }

  private stopMedia() {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.flushTimer = this.statsTimer = undefined;
    this.local?.getTracks().forEach((t) => t.stop());
    this.pc?.close();
    this.pc = this.local = undefined;
  }

  private reset() {
    this.stopMedia();
    this.remote = undefined;
    this.peerDevice = undefined;
    this.pendingIce = [];
    this.remoteCandidates = [];
    this.outCandidates = [];
  }
}

/** A candidate of an earlier ICE generation (crossing an ICE restart) or one the browser cannot use is skipped. */
async function addCandidate(pc: RTCPeerConnection, c: IceCandidate) {
  try {
    await pc.addIceCandidate(c);
  } catch (e) {
    console.warn('ICE candidate skipped:', (e as Error).message);
  }
}

/** Read again after an await: another event may have ended the call meanwhile. */
function isOver(call: CallView): boolean {
  return call.phase === 'ended';
}

function refusedBy(e: unknown): Answer {
  return { type: 'refused', id: '', code: 'FAILED', detail: (e as Error).message };
}

function cap(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export type { HangupReason };
