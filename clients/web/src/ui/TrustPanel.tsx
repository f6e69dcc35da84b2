import { useMemo, useState } from 'react';
import type { Messenger } from '../messaging/messenger';
import { fingerprint } from '../messaging/pins';
import { groups } from '../crypto/safety';
import { qrMatrix, qrPath } from './qr';
import { CheckIcon, WarningIcon } from './icons';

/**
 * Trust in one contact (docs/protocol-crypto.md §6, §10; the CLI's `sc safety-number`, `sc verify`, `sc trust`):
 * the verified state, a key change waiting for a decision (sending is held until the user decides; for a
 * verified contact until they verify again), and the safety number — 60 digits and a QR code, both from pinned
 * keys only — with "Verify" (the number the contact reads out, or the scanned QR text) and "Mark as verified".
 */
export function TrustPanel({ messenger, account, name }: { messenger: Messenger; account: string; name: string }) {
  const [open, setOpen] = useState(false);
  const [entered, setEntered] = useState('');
  const trust = messenger.trustOf(account);
  const blocked = messenger.sendBlocked(account);
  // The result of the last comparison belongs to the trust state it produced: once a key changes (or the user
  // accepts one) it is stale and no longer shown, so "the numbers match" never sits next to a pending change.
  const [result, setResult] = useState<{ ok: boolean; text: string; state: string }>();
  const state = trustState(messenger, account);
  const shown = result?.state === state ? result : undefined;
  const sn = messenger.safetyNumberWith(account);
  const snNew = trust.pending.length ? messenger.safetyNumberWith(account, true) : undefined;

  const verify = async (e: React.FormEvent) => {
    e.preventDefault();
    const r = await messenger.verifyContact(account, entered);
    setEntered('');
    setResult({ ...{
      'verified': { ok: true, text: `The numbers match: ${name} is verified.` },
      'change-rejected': { ok: true, text: `The numbers match your pinned keys: the changed key is not ${name}'s and was rejected. ${name} stays verified.` },
      'change-accepted': { ok: true, text: `The numbers match with the new key: it is accepted and ${name} is verified.` },
      'mismatch': { ok: false, text: 'The numbers do not match. Nothing changed: do not trust this conversation until they do.' },
    }[r], state: trustState(messenger, account) });
  };
  const badge = trust.pending.length
    ? <span className="badge stop" data-testid="trust-state"><WarningIcon /> Key changed</span>
    : trust.verified
      ? <span className="badge ok" data-testid="trust-state"><CheckIcon /> Verified</span>
      : <span className="badge" data-testid="trust-state">Not verified</span>;

  return (
    <section className="trust" aria-label={`Verification of ${name}`}>
      {blocked && (
        <div className={trust.verified ? 'notice stop' : 'notice warn'} role="alert" data-testid="key-changed">
          <p><b>{trust.verified ? 'STOP — sending blocked.' : 'Key changed — sending paused.'}</b> {blocked}</p>
          <ul className="small">
            {trust.pending.map((p) => (
              <li key={p.deviceId}>Device {p.deviceId}: {p.pinned ? <>pinned <code>{fingerprint(p.pinned)}</code>, </> : 'new device, '}
                offered <code>{fingerprint(p.offered)}</code></li>
            ))}
          </ul>
          <div className="actions-left">
            <button type="button" className="primary" onClick={() => setOpen(true)}>Compare safety numbers</button>
            <button type="button" onClick={() => void messenger.acceptChange(account)} data-testid="accept-key">
              {trust.verified ? 'Accept without verifying' : 'Accept the new key'}
            </button>
          </div>
        </div>
      )}
      <div className="trust-row">
        {badge}
        <button type="button" className="link" aria-expanded={open} aria-controls="safety-view" onClick={() => setOpen(!open)}
                data-testid="show-safety-number">
          {open ? 'Hide safety number' : 'Safety number'}
        </button>
      </div>
      {open && (
        <div id="safety-view" className="card safety" data-testid="safety-number">
          {!sn ? <p className="muted">No key of {name} is pinned yet: the safety number exists after the first message.</p> : <>
            <p className="small">Compare with {name}, in person or on a call you trust: the same 60 digits (or scan each other's code) mean
              nobody sits between you. The number changes when either of you adds a device or gets a new key.</p>
            <div className="safety-body">
              <QrCode text={sn.qr} label={`Safety number QR code with ${name}`} />
              <Digits digits={sn.digits} testId="safety-digits" />
            </div>
            {snNew && <p className="small">With the offered key it would be: <Digits digits={snNew.digits} testId="safety-digits-new" inline /></p>}
            <form className="row" onSubmit={verify}>
              <label htmlFor="verify-input">Number {name} reads out, or the text of their scanned code</label>
              <input id="verify-input" value={entered} onChange={(e) => setEntered(e.target.value)} autoComplete="off" inputMode="numeric" />
              <button disabled={!entered.trim()}>Verify</button>
              {!trust.verified && !trust.pending.length && (
                <button type="button" onClick={() => void messenger.markVerified(account)
                  .then(() => setResult({ ok: true, text: `${name} is verified.`, state: trustState(messenger, account) }))}
                        data-testid="mark-verified">Mark as verified</button>
              )}
            </form>
            {shown && <p role="status" className={shown.ok ? 'ok-text' : 'error'} data-testid="verify-result">{shown.text}</p>}
          </>}
        </div>
      )}
    </section>
  );
}

/** The contact's trust as one comparable string: verified or not, and the offered keys waiting for a decision. */
function trustState(messenger: Messenger, account: string): string {
  const t = messenger.trustOf(account);
  return `${t.verified}|${t.pending.map((p) => `${p.deviceId}:${fingerprint(p.offered)}`).join(',')}`;
}

function Digits({ digits, testId, inline }: { digits: string; testId: string; inline?: boolean }) {
  const g = groups(digits);
  if (inline) return <code data-testid={testId}>{g.join(' ')}</code>;
  // 3 rows of 4 groups, as the CLI prints them; the text content is the 60 digits with spaces.
  return (
    <code className="digits" data-testid={testId}>
      {[0, 4, 8].map((i) => <span key={i}>{g.slice(i, i + 4).join(' ')}{i < 8 ? ' ' : ''}</span>)}
    </code>
  );
}

function QrCode({ text, label }: { text: string; label: string }) {
  const { size, d } = useMemo(() => {
    const m = qrMatrix(text);
    return { size: m.size + 8, d: qrPath(m) };
  }, [text]);
  return (
    <svg className="qr" role="img" aria-label={label} viewBox={`0 0 ${size} ${size}`} width={size * 4} height={size * 4}
         shapeRendering="crispEdges" data-testid="safety-qr" data-text={text}>
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
