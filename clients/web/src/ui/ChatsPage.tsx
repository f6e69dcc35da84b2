import type { Pricing, Wallet } from '../api/types';

/**
 * Conversations (issue 16 item 3) are not built yet: this page shows what a message costs and, at a balance
 * that cannot pay one, refuses with the way to top up — the same rule the relay enforces.
 */
export function ChatsPage({ wallet, pricing, deviceId, onTopUp }: { wallet?: Wallet; pricing?: Pricing; deviceId?: number; onTopUp: () => void }) {
  const price = pricing?.prices.MESSAGE;
  const cannotPay = wallet !== undefined && wallet.unaffordableKinds.includes('MESSAGE');
  return (
    <section aria-labelledby="chats-h">
      <h2 id="chats-h">Chats</h2>
      <p className="muted" data-testid="device">This browser is your device #{deviceId}.</p>
      {cannotPay ? (
        <div className="notice warn" role="status" data-testid="cannot-send">
          <p><b>Sending is paused:</b> your balance is {wallet!.balance} credits and a message costs {price ?? '…'} credit
            {price === 1 ? '' : 's'} per recipient device.</p>
          <button className="primary" onClick={onTopUp}>Top up</button>
        </div>
      ) : (
        <p className="muted" data-testid="can-send">A message costs {price ?? '…'} credit{price === 1 ? '' : 's'} per recipient device.</p>
      )}
      <div className="empty">
        <p>No conversations yet.</p>
        <p className="muted">Messaging from the browser is being built; use the terminal client meanwhile.</p>
      </div>
      <form className="compose" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="compose" className="sr-only">Message</label>
        <input id="compose" placeholder={cannotPay ? 'Top up to send messages' : 'Message'} disabled />
        <button disabled>Send</button>
      </form>
    </section>
  );
}
