import { useEffect, useState } from 'react';
import type { Session } from '../api/session';
import type { Account } from '../api/types';
import { claims } from '../auth/oidc';

export function AccountPage({ session, account, onAccount, onSignOut }: {
  session: Session; account?: Account; onAccount: (a: Account) => void; onSignOut: () => void;
}) {
  const [username, setUsername] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [expiresAt, setExpiresAt] = useState(session.tokens.expiresAt);
  const [build, setBuild] = useState<{ sha256: string; files: number }>();
  useEffect(() => {
    fetch('/build-manifest.json', { cache: 'no-store' }).then((r) => (r.ok ? r.json() : undefined)).then(setBuild).catch(() => undefined);
  }, []);
  useEffect(() => session.onRenew((t) => setExpiresAt(t.expiresAt)), [session]);

  const claim = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!account) return;
    setBusy(true);
    setMessage(undefined);
    try {
      const r = await session.call<{ username: string }>('identity', `/v1/accounts/${encodeURIComponent(account.accountId)}/username`, {
        method: 'PUT', body: JSON.stringify({ username: username.trim() }),
      });
      onAccount({ ...account, username: r.username });
      setMessage({ ok: true, text: `You are now @${r.username}.` });
      setUsername('');
    } catch (err) {
      const code = (err as { code?: string }).code;
      setMessage({ ok: false, text: code === 'USERNAME_TAKEN' ? 'That username is taken: try another.' : (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const signInName = String(claims(session.tokens.accessToken).preferred_username ?? '');
  return (
    <section aria-labelledby="account-h">
      <h2 id="account-h">Account</h2>
      <dl className="facts">
        <dt>Sign-in name</dt><dd>{signInName}</dd>
        <dt>Username</dt><dd data-testid="username">{account?.username ? `@${account.username}` : 'none yet'}</dd>
        <dt>Account id</dt><dd className="mono">{account?.accountId ?? '…'}</dd>
        <dt>Access token valid until</dt><dd data-testid="session-expiry">{new Date(expiresAt).toLocaleTimeString()}</dd>
      </dl>

      <form onSubmit={claim} className="row">
        <label htmlFor="username">{account?.username ? 'Change username' : 'Claim a username'}</label>
        <input id="username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off"
               placeholder="e.g. ada_lovelace" required minLength={3} maxLength={32} />
        <button className="primary" disabled={busy || !account}>Save</button>
      </form>
      {message && <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok-text' : 'error'}>{message.text}</p>}
      <p className="muted">Others find you by your username. Nobody sees a phone number or e-mail: there is none.</p>

      <button onClick={onSignOut} data-testid="sign-out">Sign out</button>

      <h3>About this app</h3>
      <p className="muted">
        What your browser runs is pinned by this build's manifest: compare its SHA-256 with the one published for
        the release (the build prints it). index.html pins every script and stylesheet by Subresource Integrity,
        so a changed file is refused by the browser.
      </p>
      <dl className="facts">
        <dt>Build manifest SHA-256</dt><dd className="mono" data-testid="build-sha256">{build?.sha256 ?? 'not available'}</dd>
        <dt>Files</dt><dd>{build ? <a href="/build-manifest.txt">{build.files} files</a> : '…'}</dd>
      </dl>
    </section>
  );
}
