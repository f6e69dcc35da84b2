import { useEffect, useState } from 'react';
import type { Session } from '../api/session';
import type { Account } from '../api/types';
import { hasProfile, register, setUp, unlock, type UnlockedDevice } from '../device/local';
import { WrongPassphraseError } from '../store/state';

/**
 * The unlock screen: this browser's keys live encrypted under a passphrase (Argon2id). First visit on this
 * browser: choose the passphrase, the keys are made and the device registered. Later: unlock.
 */
export function DevicePanel({ session, account, onUnlocked }: {
  session: Session; account?: Account; onUnlocked: (d: UnlockedDevice) => void;
}) {
  const [mode, setMode] = useState<'checking' | 'setup' | 'unlock'>('checking');
  const [pass, setPass] = useState('');
  const [pass2, setPass2] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!account) return;
    hasProfile(account.accountId).then((exists) => setMode(exists ? 'unlock' : 'setup')).catch((e) => setError(e.message));
  }, [account]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!account) return;
    setError(undefined);
    if (mode === 'setup' && pass !== pass2) { setError('The two passphrases differ.'); return; }
    if (mode === 'setup' && pass.length < 10) { setError('Use at least 10 characters.'); return; }
    setBusy(true);
    try {
      let d = mode === 'setup' ? await setUp(session, account.accountId, pass) : await unlock(account.accountId, pass);
      if (d.device.deviceId === undefined || d.device.oneTimePrekeys.length === 0) d = await register(session, d);
      setPass(''); setPass2('');
      onUnlocked(d);
    } catch (err) {
      setError(err instanceof WrongPassphraseError ? 'Wrong passphrase.' : `Could not ${mode === 'setup' ? 'set up' : 'unlock'} this browser: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  if (mode === 'checking') return <p className="muted">Checking this browser…</p>;
  return (
    <form className="card unlock" onSubmit={submit} aria-labelledby="unlock-h">
      <h3 id="unlock-h">{mode === 'setup' ? 'Set up this browser' : 'Unlock'}</h3>
      <p className="muted">
        {mode === 'setup'
          ? 'Your keys are made here and never leave this browser unencrypted. Choose a passphrase to encrypt them; it is not sent anywhere and cannot be recovered.'
          : 'Your keys and history on this browser are encrypted. Enter your passphrase.'}
      </p>
      <label htmlFor="passphrase">Passphrase</label>
      <input id="passphrase" type="password" value={pass} onChange={(e) => setPass(e.target.value)} autoComplete={mode === 'setup' ? 'new-password' : 'current-password'} required />
      {mode === 'setup' && <>
        <label htmlFor="passphrase2">Passphrase again</label>
        <input id="passphrase2" type="password" value={pass2} onChange={(e) => setPass2(e.target.value)} autoComplete="new-password" required />
      </>}
      {error && <p role="alert" className="error">{error}</p>}
      <button className="primary" disabled={busy}>{busy ? (mode === 'setup' ? 'Making keys…' : 'Unlocking…') : mode === 'setup' ? 'Set up' : 'Unlock'}</button>
    </form>
  );
}
