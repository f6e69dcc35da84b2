import { useCallback, useEffect, useState } from 'react';
import type { Session } from '../api/session';
import type { Account, Pricing, Wallet } from '../api/types';
import { publicJson } from '../api/session';
import { logout } from '../auth/oidc';
import { WalletPage } from './WalletPage';
import { AccountPage } from './AccountPage';
import { ChatsPage } from './ChatsPage';
import { DevicePanel } from './DevicePanel';
import { CallPanel } from './CallPanel';
import { Messenger } from '../messaging/messenger';
import { notifyWhenHidden } from './Notifications';

export type Tab = 'chats' | 'wallet' | 'account';

/** How often the balance is re-read while the app is open (the wallet has no push channel to browsers yet). */
const BALANCE_POLL_MS = 4_000;

export function Shell({ session }: { session: Session }) {
  const [tab, setTab] = useState<Tab>('chats');
  const [account, setAccount] = useState<Account>();
  const [wallet, setWallet] = useState<Wallet>();
  const [pricing, setPricing] = useState<Pricing>();
  const [error, setError] = useState<string>();
  const [messenger, setMessenger] = useState<Messenger>();
  useEffect(() => () => messenger?.stop(), [messenger]);
  useEffect(() => (messenger ? notifyWhenHidden(messenger) : undefined), [messenger]);
  // The username this account sends as its `from` claim (checked by each recipient): follows a claim or rename.
  useEffect(() => { if (messenger) messenger.username = account?.username; }, [messenger, account?.username]);

  const reloadWallet = useCallback(async () => {
    try {
      setWallet(await session.call<Wallet>('wallet', '/wallet'));
      setError(undefined);
    } catch (e) {
      // A brand-new account's wallet opens a moment after identity-service announced it: 404 until then.
      if ((e as { status?: number }).status !== 404) setError((e as Error).message);
    }
  }, [session]);

  const reloadAccount = useCallback(async () => {
    try {
      setAccount(await session.call<Account>('identity', '/v1/accounts/me'));
    } catch (e) {
      setError(`Your account could not be loaded: ${(e as Error).message}`);
    }
  }, [session]);

  useEffect(() => {
    // The first identity call provisions the account (and so opens the wallet); the wallet comes after it.
    reloadAccount().then(reloadWallet);
    publicJson<Pricing>('wallet', '/pricing').then(setPricing).catch(() => undefined);
    const poll = setInterval(reloadWallet, BALANCE_POLL_MS);
    const onFocus = () => { reloadWallet(); };
    window.addEventListener('focus', onFocus);
    return () => { clearInterval(poll); window.removeEventListener('focus', onFocus); session.close(); };
  }, [session, reloadAccount, reloadWallet]);

  const name = account?.username ?? 'no username yet';
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand"><img src="/icon.svg" alt="" width={28} height={28} /> SecureConnect</span>
        <button className="balance" onClick={() => setTab('wallet')}>
          {/* The accessible name contains the visible text (WCAG 2.5.3), so no aria-label. */}
          <span className="sr-only">Balance: </span><span data-testid="balance" aria-live="polite">{wallet ? wallet.balance : '…'}</span> credits<span className="sr-only">, open wallet</span>
        </button>
      </header>
      <nav className="tabs" aria-label="Main">
        {(['chats', 'wallet', 'account'] as Tab[]).map((t) => (
          <button key={t} className={t === tab ? 'tab active' : 'tab'} aria-current={t === tab ? 'page' : undefined}
                  onClick={() => setTab(t)}>
            {t === 'chats' ? 'Chats' : t === 'wallet' ? 'Wallet' : 'Account'}
          </button>
        ))}
      </nav>
      <main className="content">
        {error && <p role="alert" className="error">{error}</p>}
        {messenger && <CallPanel calls={messenger.calls} pricing={pricing} onTopUp={() => setTab('wallet')} onCharged={reloadWallet} />}
        {tab === 'chats' && !messenger && (
          <DevicePanel session={session} account={account} onUnlocked={async (d) => {
            const m = new Messenger(session, d, account!.accountId);
            await m.start();
            setMessenger(m);
          }} />
        )}
        {tab === 'chats' && messenger && (
          <ChatsPage wallet={wallet} pricing={pricing} messenger={messenger} onTopUp={() => setTab('wallet')} onSent={reloadWallet} />
        )}
        {tab === 'wallet' && <WalletPage session={session} wallet={wallet} pricing={pricing} reload={reloadWallet} />}
        {tab === 'account' && (
          <AccountPage session={session} account={account} onAccount={setAccount}
                       onSignOut={() => logout(session.config, session.tokens)} />
        )}
      </main>
      <footer className="who">Signed in as <b data-testid="who">{name}</b></footer>
    </div>
  );
}
