import { useCallback, useEffect, useState } from 'react';
import type { Session } from '../api/session';
import type { LedgerPage, Pack, Payment, Pricing, Wallet } from '../api/types';

const PENDING_KEY = 'sc.pendingPayment';

function money(minor: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 100);
}

const KIND_LABEL: Record<string, string> = {
  MESSAGE: 'Message (once, whatever the number of devices)',
  CALL_MINUTE: 'Call (per started minute)',
  FILE_TRANSFER: 'File transfer',
};

export function WalletPage({ session, wallet, pricing, reload }: {
  session: Session; wallet?: Wallet; pricing?: Pricing; reload: () => Promise<void>;
}) {
  const [packs, setPacks] = useState<Pack[]>([]);
  const [ledger, setLedger] = useState<LedgerPage>();
  const [pending, setPending] = useState<Payment | undefined>(() => JSON.parse(sessionStorage.getItem(PENDING_KEY) || 'null') ?? undefined);
  const [error, setError] = useState<string>();

  const loadLedger = useCallback(() => {
    session.call<LedgerPage>('wallet', '/wallet/ledger?limit=50').then(setLedger).catch((e) => setError(e.message));
  }, [session]);

  useEffect(() => {
    session.call<Pack[]>('payment', '/topups/packs').then(setPacks).catch((e) => setError(e.message));
  }, [session]);
  useEffect(loadLedger, [loadLedger, wallet?.version]);

  // While a checkout is open (in another tab), follow its payment until it settles.
  useEffect(() => {
    if (!pending || pending.status !== 'PENDING') return;
    const t = setInterval(async () => {
      try {
        const p = await session.call<Payment>('payment', `/payments/${encodeURIComponent(pending.paymentId)}`);
        if (p.status !== 'PENDING') {
          setPending(p);
          sessionStorage.setItem(PENDING_KEY, JSON.stringify(p));
          await reload();
        }
      } catch (e) {
        setError((e as Error).message);
      }
    }, 2_000);
    return () => clearInterval(t);
  }, [pending, session, reload]);

  const buy = async (pack: Pack) => {
    setError(undefined);
    // Opened now, inside the click, so that no popup blocker stops it; pointed at the checkout below.
    const tab = window.open('', '_blank');
    try {
      const p = await session.call<Payment>('payment', '/topups', {
        method: 'POST',
        headers: { 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify({ packId: pack.packId }),
      });
      setPending(p);
      sessionStorage.setItem(PENDING_KEY, JSON.stringify(p));
      if (tab) {
        tab.opener = null;
        tab.location.href = p.checkoutUrl!;
      } else {
        location.assign(p.checkoutUrl!);
      }
    } catch (e) {
      tab?.close();
      setError((e as Error).message);
    }
  };

  return (
    <section aria-labelledby="wallet-h" className="wallet">
      <h2 id="wallet-h">Wallet</h2>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="card balance-card">
        <div className="big"><span data-testid="wallet-balance">{wallet ? wallet.balance : '…'}</span> credits</div>
        {wallet && wallet.status !== 'ACTIVE' && <p className="warn-text">Some actions are paused until you top up.</p>}
      </div>

      {pending && (
        <p role="status" className={`notice ${pending.status === 'SUCCEEDED' ? 'ok' : pending.status === 'PENDING' ? '' : 'warn'}`}
           data-testid="payment-status">
          {pending.status === 'PENDING' && <>Waiting for your payment of {pending.credits} credits in the checkout tab…</>}
          {pending.status === 'SUCCEEDED' && <>Payment received: {pending.credits} credits added.</>}
          {pending.status !== 'PENDING' && pending.status !== 'SUCCEEDED' && <>The payment did not go through ({pending.status.toLowerCase()}).</>}
          {pending.status !== 'PENDING' && (
            <button className="link" onClick={() => { setPending(undefined); sessionStorage.removeItem(PENDING_KEY); }}>Dismiss</button>
          )}
        </p>
      )}

      <h3>Top up</h3>
      <ul className="packs">
        {packs.map((p) => (
          <li key={p.packId} className="card">
            <div className="big">{p.credits} credits</div>
            <div>{money(p.priceMinor, p.currency)}</div>
            <button className="primary" onClick={() => buy(p)} data-testid={`buy-${p.packId}`}
                    aria-label={`Buy ${p.credits} credits for ${money(p.priceMinor, p.currency)}`}>Buy</button>
          </li>
        ))}
      </ul>

      <h3>Prices</h3>
      <table className="prices" data-testid="prices">
        <tbody>
          {pricing && Object.entries(pricing.prices).map(([k, v]) => (
            <tr key={k}><th scope="row">{KIND_LABEL[k] ?? k}</th><td>{v} credit{v === 1 ? '' : 's'}</td></tr>
          ))}
        </tbody>
      </table>

      <h3>Ledger</h3>
      {ledger && ledger.entries.length === 0 && <p className="muted">No entries yet.</p>}
      {ledger && ledger.entries.length > 0 && (
        <table className="ledger" data-testid="ledger">
          <thead><tr><th>When</th><th>What</th><th className="num">Credits</th><th className="num">Balance</th></tr></thead>
          <tbody>
            {ledger.entries.map((e) => (
              <tr key={e.entryId}>
                <td>{new Date(e.at).toLocaleString()}</td>
                <td>{describe(e.kind, e.cause, e.usage?.kind)}</td>
                <td className="num">{e.amount > 0 ? `+${e.amount}` : e.amount}</td>
                <td className="num">{e.balanceAfter}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function describe(kind: string, cause: string, usage?: string): string {
  switch (kind) {
    case 'PURCHASE': return 'Top-up';
    case 'USAGE': return `Usage (${(usage ?? cause.split(':')[0]).toLowerCase().replace('_', ' ')})`;
    case 'RELEASE': return 'Hold released (upload not completed)';
    case 'REVOCATION': return 'Refund or chargeback';
    case 'ADJUSTMENT': return 'Adjustment';
    default: return kind.charAt(0) + kind.slice(1).toLowerCase();
  }
}
