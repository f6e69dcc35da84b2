import { useEffect, useReducer, useRef } from 'react';
import type { Pricing } from '../api/types';
import type { CallManager, CallView } from '../calls/calls';

/**
 * The call on screen, whatever tab is open: the incoming-call screen (answer / decline), and the call panel
 * (state, duration, running cost for the caller, hang-up), then why it ended until dismissed.
 */
export function CallPanel({ calls, pricing, onTopUp, onCharged }: {
  calls: CallManager; pricing?: Pricing; onTopUp: () => void; onCharged: () => void;
}) {
  const [, rerender] = useReducer((x: number) => x + 1, 0);
  useEffect(() => calls.onChange(rerender), [calls]);
  const call = calls.current;
  // The clock: duration and cost move every second while a call runs.
  useEffect(() => {
    if (!call || call.phase === 'ended') return;
    const t = setInterval(rerender, 1000);
    return () => clearInterval(t);
  }, [call, call?.phase]);
  // Each paid minute (and the end) changes the balance: re-read it.
  useEffect(() => { if (call?.outgoing) onCharged(); }, [call?.outgoing, call?.paidMinutes, call?.phase, onCharged]);
  const audio = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    if (audio.current && audio.current.srcObject !== (calls.remote ?? null)) {
      audio.current.srcObject = calls.remote ?? null;
      if (calls.remote) void audio.current.play().catch(() => undefined);
    }
  });
  if (!call) return null;
  const who = call.peerName ?? `account ${call.peer.slice(0, 8)}…`;
  const price = pricing?.prices.CALL_MINUTE;

  if (call.phase === 'ringing') {
    return (
      <div className="call-overlay" role="alertdialog" aria-modal="true" aria-labelledby="incoming-h" data-testid="incoming-call">
        <div className="call-card">
          <p className="muted small">Incoming voice call · end-to-end encrypted</p>
          <h2 id="incoming-h">{who}</h2>
          <p className="small">Free for you: the caller pays{price !== undefined ? ` ${price} credits per started minute` : ''}.</p>
          <div className="actions">
            <button className="primary" onClick={() => void calls.answer()} autoFocus>Answer</button>
            <button className="danger" onClick={() => calls.decline()}>Decline</button>
          </div>
        </div>
      </div>
    );
  }

  const ended = call.phase === 'ended';
  return (
    <section className={ended ? 'call-panel ended' : 'call-panel'} aria-label="Call" data-testid="call-panel" data-phase={call.phase}>
      <audio ref={audio} autoPlay />
      <div className="call-main">
        <b>{call.outgoing ? `Call with ${who}` : `Call from ${who}`}</b>
        <span data-testid="call-state" role="status">{describe(call)}</span>
        {call.answeredAt && <span className="mono" data-testid="call-duration">{clock((call.endedAt ?? Date.now()) - call.answeredAt)}</span>}
      </div>
      <div className="call-money small" data-testid="call-cost">
        {call.outgoing
          ? <>{call.paidMinutes} started minute{call.paidMinutes === 1 ? '' : 's'} · <b>{price !== undefined ? call.paidMinutes * price : '…'} credits</b> ({price ?? '…'} per started minute)</>
          : <>Free for you: the caller pays.</>}
      </div>
      {call.phase === 'connected' && (
        <div className="call-media small muted" data-testid="call-media" data-bytes={call.bytesReceived}>
          audio received: {Math.round(call.bytesReceived / 1024)} KiB{call.route ? ` · route: ${call.route}` : ''}
        </div>
      )}
      {ended ? (
        <div className="call-end">
          <p role="alert" data-testid="call-ended" data-reason={call.endReason}>{call.endText}</p>
          {call.endReason === 'INSUFFICIENT_CREDITS' && call.outgoing && <button className="primary" onClick={onTopUp}>Top up</button>}
          <button onClick={() => calls.dismiss()}>Close</button>
        </div>
      ) : (
        <button className="danger" onClick={() => calls.hangUp()}>{call.outgoing && !call.answeredAt ? 'Cancel' : 'Hang up'}</button>
      )}
    </section>
  );
}

function describe(c: CallView): string {
  switch (c.phase) {
    case 'calling': return 'Ringing…';
    case 'connecting': return 'Connecting…';
    case 'connected': return 'Connected';
    case 'ended': return 'Ended';
    default: return '';
  }
}

function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
