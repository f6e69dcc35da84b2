/**
 * The relay WebSocket (docs/protocol.md) through the app's origin (/api/relay). Browsers cannot set headers on
 * an upgrade, so the bearer token rides in the subprotocol Quarkus turns into the Authorization header
 * (URL-encoded: a subprotocol cannot contain a space). Reconnects with jittered exponential back-off (1 s … 30 s;
 * at once when the browser reports the network back), renews
 * the token on 1008, and stops on 4001 (another tab took over) and 4003 (device unknown).
 */
import type { Session } from '../api/session';
import { API } from '../config';

export interface DeliverFrame {
  type: 'deliver';
  ackId: string;
  id: string;
  from: string;
  fromDevice: number;
  messageType: number | string;
  body: string;
  sentAt: string;
  kind?: string;
  callId?: string;
}

/** Pushed by the relay to both parties of a call (docs/protocol.md, Calls). */
export interface CallTurnFrame { type: 'call-turn'; callId: string; caller: string; username: string; credential: string; ttl: number; urls: string[] }
export interface CallEndedFrame { type: 'call-ended'; callId: string; caller: string; reason: 'INSUFFICIENT_CREDITS' | 'HANGUP' | 'NO_ANSWER' | string }

export type Answer =
  | { type: 'accepted'; id: string; duplicate?: boolean }
  | { type: 'refused'; id: string; code: string; detail?: string; account?: string; devices?: number[]; missingDevices?: number[]; extraDevices?: number[]; retryWithNewId?: boolean };

export type RelayStatus = 'connecting' | 'online' | 'offline' | 'replaced' | 'unknown-device';

const ANSWER_TIMEOUT_MS = 20_000;

export class RelayConnection {
  private ws?: WebSocket;
  private closed = false;
  private backoff = 1000;
  private retryTimer?: ReturnType<typeof setTimeout>;
  /** The network is back (the browser says so): reconnect now instead of waiting out the back-off. */
  private readonly onOnline = () => {
    if (this.closed || this.status !== 'offline') return; // connecting or online already
    clearTimeout(this.retryTimer);
    this.backoff = 1000;
    void this.open();
  };
  private waiting = new Map<string, { resolve: (a: Answer) => void; timer: ReturnType<typeof setTimeout> }>();
  status: RelayStatus = 'connecting';

  constructor(private readonly session: Session, private readonly deviceId: number, private readonly handlers: {
    onDeliver: (f: DeliverFrame) => Promise<void>;
    onReceipt?: (f: { id: string; to: string; deviceId: number }) => void;
    onStatus?: (s: RelayStatus) => void;
    onCall?: (f: CallTurnFrame | CallEndedFrame) => void;
  }) {
    addEventListener('online', this.onOnline);
    void this.open();
  }

  private setStatus(s: RelayStatus) {
    this.status = s;
    this.handlers.onStatus?.(s);
  }

  private async open(): Promise<void> {
    if (this.closed) return;
    this.setStatus('connecting');
    let token: string;
    try {
      token = await this.session.accessToken();
    } catch {
      return this.retry();
    }
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${API.relay}/v1/relay?device=${this.deviceId}`;
    const ws = new WebSocket(url, ['secureconnect.v1', encodeURIComponent(`quarkus-http-upgrade#Authorization#Bearer ${token}`)]);
    this.ws = ws;
    // Deliveries are handled one after another, in order: store, then ack.
    let chain = Promise.resolve();
    ws.onopen = () => { this.backoff = 1000; this.setStatus('online'); };
    ws.onmessage = (ev) => {
      let f: any;
      try { f = JSON.parse(String(ev.data)); } catch { return; }
      if (f.type === 'deliver') {
        chain = chain.then(() => this.handlers.onDeliver(f)).then(() => this.raw({ type: 'ack', ackId: f.ackId }))
          .catch((e) => console.warn('delivery not processed:', (e as Error).message));
      } else if (f.type === 'accepted' || f.type === 'refused') {
        const w = this.waiting.get(f.id);
        if (w) { clearTimeout(w.timer); this.waiting.delete(f.id); w.resolve(f); }
      } else if (f.type === 'receipt') {
        this.handlers.onReceipt?.(f);
      } else if ((f.type === 'call-turn' || f.type === 'call-ended') && typeof f.callId === 'string' && typeof f.caller === 'string') {
        this.handlers.onCall?.(f);
      }
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      for (const [id, w] of this.waiting) { clearTimeout(w.timer); w.resolve({ type: 'refused', id, code: 'UNAVAILABLE', detail: 'connection lost' }); }
      this.waiting.clear();
      if (this.closed) return;
      if (ev.code === 4001) return this.setStatus('replaced');
      if (ev.code === 4003) return this.setStatus('unknown-device');
      if (ev.code === 1008) this.session.renew().catch(() => undefined);
      this.retry();
    };
  }

  private retry() {
    this.setStatus('offline');
    // Jittered (50–100 % of the step) so the browsers a relay restart dropped do not all come back at once.
    const wait = this.backoff * (0.5 + Math.random() / 2);
    this.backoff = Math.min(30_000, this.backoff * 2);
    this.retryTimer = setTimeout(() => void this.open(), wait);
  }

  private raw(frame: object) {
    this.ws?.send(JSON.stringify(frame));
  }

  /** Sends a `send` frame; resolves with the relay's answer (UNAVAILABLE when none within 20 s). */
  send(frame: { id: string } & Record<string, unknown>): Promise<Answer> {
    return new Promise((resolve) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        resolve({ type: 'refused', id: frame.id, code: 'UNAVAILABLE', detail: 'not connected' });
        return;
      }
      const timer = setTimeout(() => {
        this.waiting.delete(frame.id);
        resolve({ type: 'refused', id: frame.id, code: 'UNAVAILABLE', detail: 'no answer' });
      }, ANSWER_TIMEOUT_MS);
      this.waiting.set(frame.id, { resolve, timer });
      this.raw({ type: 'send', ...frame });
    });
  }

  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    removeEventListener('online', this.onOnline);
    this.ws?.close(1000);
  }
}
