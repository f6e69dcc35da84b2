import { useEffect, useReducer, useRef, useState } from 'react';
import type { Pricing, Wallet } from '../api/types';
import type { Messenger } from '../messaging/messenger';
import { TrustPanel } from './TrustPanel';
import { NotificationsSetting } from './Notifications';
import { FileCard, formatSize } from './FileCard';
import { FileIcon, PhoneIcon } from './icons';
import { displayName } from '../messaging/names';

/**
 * Conversations: find a person by username, send and read end-to-end-encrypted text. The price of a message
 * is shown before sending; when the balance cannot pay one, sending is disabled with the way to top up.
 */
export function ChatsPage({ wallet, pricing, messenger, onTopUp, onSent }: {
  wallet?: Wallet; pricing?: Pricing; messenger: Messenger; onTopUp: () => void; onSent: () => void;
}) {
  const [, rerender] = useReducer((x: number) => x + 1, 0);
  useEffect(() => messenger.onChange(rerender), [messenger]);
  useEffect(() => messenger.calls.onChange(rerender), [messenger]);
  const [open, setOpen] = useState<string>();
  const [find, setFind] = useState('');
  const [findError, setFindError] = useState<string>();
  const [text, setText] = useState('');
  const [picked, setPicked] = useState<File>();
  const [dropping, setDropping] = useState(false);
  const listEnd = useRef<HTMLLIElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const price = pricing?.prices.MESSAGE;
  const cannotPay = wallet !== undefined && wallet.unaffordableKinds.includes('MESSAGE');
  // A file costs FILE_TRANSFER (media-service, once per upload) plus the message that carries its pointer.
  const filePrice = pricing?.prices.FILE_TRANSFER;
  const fileTotal = filePrice !== undefined && price !== undefined ? filePrice + price : undefined;
  const cannotPayFile = wallet !== undefined && (wallet.unaffordableKinds.includes('FILE_TRANSFER') || cannotPay
    || (fileTotal !== undefined && wallet.balance < fileTotal));
  const conversation = open ? messenger.conversation(open) : undefined;
  // A call costs its caller CALL_MINUTE per started minute; minute 1 is paid when it rings. Calls start only with
  // credits for two minutes, so that a call is not cut as soon as it connects (the relay itself carries an
  // answered call's setup within a paid minute: docs/relay.md, Calls).
  const minutePrice = pricing?.prices.CALL_MINUTE;
  const callNeeds = minutePrice !== undefined ? 2 * minutePrice : undefined;
  const cannotCall = wallet !== undefined && (wallet.unaffordableKinds.includes('CALL_MINUTE') || (callNeeds !== undefined && wallet.balance < callNeeds));
  const [callError, setCallError] = useState<string>();
  const startCall = async () => {
    if (!open) return;
    setCallError(undefined);
    try {
      await messenger.calls.start(open);
    } catch (e) {
      setCallError((e as Error).message);
    }
    onSent();
  };
  const keyBlocked = open ? messenger.sendBlocked(open) : undefined; // a key change waits for the user (TrustPanel)
  // Files (and the drop target) are held like the compose box: the upload alone would be charged for nothing.
  const fileDisabled = cannotPayFile || !!keyBlocked;
  useEffect(() => { listEnd.current?.scrollIntoView({ block: 'end' }); }, [conversation?.messages.length]);

  const startChat = async (e: React.FormEvent) => {
    e.preventDefault();
    setFindError(undefined);
    try {
      const r = await messenger.findUser(find.trim().replace(/^@/, ''));
      setOpen(r.accountId);
      setFind('');
    } catch (err) {
      setFindError((err as { code?: string }).code === 'USERNAME_NOT_FOUND' ? `Nobody is called @${find.trim()}.` : (err as Error).message);
    }
  };

  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!open || !text.trim()) return;
    const t = text;
    setText('');
    await messenger.sendText(open, t);
    onSent();
  };

  const sendFile = async () => {
    if (!open || !picked) return;
    const f = picked;
    setPicked(undefined);
    if (fileInput.current) fileInput.current.value = '';
    await messenger.sendFile(open, f, onSent);
    onSent();
  };

  const onDrop = (e: React.DragEvent) => {
    e.preventDefault();
    setDropping(false);
    const f = e.dataTransfer.files[0];
    if (f && open && !fileDisabled) setPicked(f);
  };

  const name = displayName; // the username only once a forward lookup confirmed it (messaging/names.ts)
  const list = messenger.conversations();
  return (
    <section aria-labelledby="chats-h" className="chats">
      <div className="chat-list">
        <h2 id="chats-h">Chats</h2>
        <p className="muted small" data-testid="device">This browser is your device #{messenger.deviceId} · relay <span data-testid="relay-status">{messenger.status}</span></p>
        <NotificationsSetting />
        <form onSubmit={startChat} className="row">
          <label htmlFor="find" className="sr-only">Username</label>
          <input id="find" value={find} onChange={(e) => setFind(e.target.value)} placeholder="Find by @username" autoComplete="off" />
          <button>Chat</button>
        </form>
        {findError && <p role="alert" className="error">{findError}</p>}
        {messenger.ownNotices.map((n, i) => <p key={i} className="notice warn small" role="status">{n}</p>)}
        {list.length === 0 ? (
          <div className="empty"><p>No conversations yet.</p><p className="muted">Find someone by their username to start.</p></div>
        ) : (
          <ul className="conversations">
            {list.map((c) => (
              <li key={c.accountId}>
                <button className={c.accountId === open ? 'conv active' : 'conv'} onClick={() => setOpen(c.accountId)}
                        aria-current={c.accountId === open ? 'true' : undefined}>
                  <b>{name(c)}</b>
                  <span className="muted small">{preview(c.messages.at(-1))}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>

      <div className={dropping ? 'chat-view dropping' : 'chat-view'} data-testid="chat-view"
           onDragOver={(e) => { if (conversation && !fileDisabled) { e.preventDefault(); setDropping(true); } }}
           onDragLeave={() => setDropping(false)} onDrop={onDrop}>
        {cannotPay ? (
          <div className="notice warn" role="status" data-testid="cannot-send">
            <p><b>Sending is paused:</b> your balance is {wallet!.balance} credits and a message costs {price ?? '…'} credit
              {price === 1 ? '' : 's'}.</p>
            <button className="primary" onClick={onTopUp}>Top up</button>
          </div>
        ) : (
          <p className="muted small" data-testid="can-send">A message costs {price ?? '…'} credit{price === 1 ? '' : 's'}, whatever the number of devices.</p>
        )}
        {!conversation ? (
          <div className="empty"><p className="muted">Choose a conversation.</p></div>
        ) : (
          <>
            <div className="conv-head">
              <h3 data-testid="conversation-title">{name(conversation)}</h3>
              <button type="button" onClick={startCall} disabled={cannotCall || !!keyBlocked || messenger.calls.active()} data-testid="call-button"
                      aria-describedby="call-price"><PhoneIcon />Call</button>
              <span id="call-price" className="muted small" data-testid="call-price">
                {minutePrice ?? '…'} credits per started minute, paid by you
              </span>
            </div>
            {cannotCall && (
              <p className="warn-text small" role="status" data-testid="cannot-call">
                A call needs credits for its first two minutes ({callNeeds ?? '…'}); your balance is {wallet?.balance}.{' '}
                <button type="button" className="link" onClick={onTopUp}>Top up</button>
              </p>
            )}
            {callError && <p role="alert" className="error small">{callError}</p>}
            <TrustPanel messenger={messenger} account={conversation.accountId} name={name(conversation)} />
            {conversation.notices.map((n, i) => <p key={i} className="notice warn" role="status">{n}</p>)}
            <ol className="messages" data-testid="messages" aria-live="polite">
              {conversation.messages.map((m) => (
                <li key={m.id} className={m.outgoing ? 'msg out' : 'msg in'} data-status={m.status}>
                  {m.text && <span className="text">{m.text}</span>}
                  {m.attachments?.map((a, i) => m.outgoing
                    ? <span key={i} className="file" data-testid="file-sent"><span className="file-name"><FileIcon />{a.fileName}</span> <span className="small">{formatSize(a.size)}</span></span>
                    : <FileCard key={i} messenger={messenger} file={a} />)}
                  {!m.attachments && m.file && <span className="file" data-testid="file-sent"><span className="file-name"><FileIcon />{m.file.name}</span> <span className="small">{formatSize(m.file.size)}</span></span>}
                  {m.transfer && (
                    <span className="sending small" role="status" data-testid="upload-progress">
                      <progress value={m.transfer.done} max={Math.max(1, m.transfer.total)} aria-label={`${m.transfer.phase} ${m.file?.name ?? 'file'}`} />
                      {' '}{m.transfer.phase} {Math.floor((100 * m.transfer.done) / Math.max(1, m.transfer.total))}%
                    </span>
                  )}
                  <span className="meta">
                    {new Date(m.sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
                    {m.outgoing && ` · ${m.status}`}
                  </span>
                  {m.error && <span className="error small" role="alert">{m.error} {m.status === 'refused' && <button className="link" onClick={onTopUp}>Top up</button>}</span>}
                </li>
              ))}
              <li ref={listEnd} aria-hidden="true" />
            </ol>
          </>
        )}
        {conversation && (
          <div className="attach" data-testid="attach">
            <label htmlFor="file-input" className="sr-only">Choose a file to send</label>
            <input id="file-input" ref={fileInput} type="file" className="sr-only" onChange={(e) => setPicked(e.target.files?.[0])}
                   disabled={fileDisabled} />
            {!picked && (
              <button type="button" onClick={() => fileInput.current?.click()} disabled={fileDisabled} data-testid="attach-file"
                      aria-describedby={keyBlocked ? 'file-blocked' : undefined}>
                Attach a file
              </button>
            )}
            {!picked && !keyBlocked && <span className="muted small" data-testid="file-price">
              or drop one here · a file costs {filePrice ?? '…'} credits{price !== undefined ? ` + ${price} for its message` : ''}
            </span>}
            {picked && (
              <>
                <span data-testid="picked-file"><b>{picked.name}</b> · {formatSize(picked.size)}</span>
                <span className="small" data-testid="file-cost">Sending it costs {fileTotal ?? '…'} credits ({filePrice ?? '…'} file transfer + {price ?? '…'} message).</span>
                <button type="button" className="primary" onClick={sendFile} disabled={fileDisabled} data-testid="send-file">Send file</button>
                <button type="button" onClick={() => { setPicked(undefined); if (fileInput.current) fileInput.current.value = ''; }}>Cancel</button>
              </>
            )}
            {keyBlocked && (
              <span id="file-blocked" className="muted small" data-testid="file-blocked">Blocked until the key change is resolved</span>
            )}
            {cannotPayFile && !keyBlocked && (
              <span className="warn-text small" role="status" data-testid="cannot-send-file">
                Your balance ({wallet?.balance}) cannot pay for a file ({fileTotal ?? '…'} credits).{' '}
                <button type="button" className="link" onClick={onTopUp}>Top up</button>
              </span>
            )}
          </div>
        )}
        {conversation && <form className="compose" onSubmit={send}>
          <label htmlFor="compose" className="sr-only">Message</label>
          <input id="compose" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off"
                 placeholder={cannotPay ? 'Top up to send messages' : keyBlocked ? 'Blocked until the key change is resolved' : 'Message'}
                 disabled={!conversation || cannotPay || !!keyBlocked} />
          <button className="primary" disabled={!conversation || cannotPay || !!keyBlocked || !text.trim()}>Send</button>
        </form>}
      </div>
    </section>
  );
}

function preview(m?: { text: string; attachments?: { fileName?: string }[]; file?: { name: string } }): React.ReactNode {
  if (!m) return '';
  const f = m.attachments?.[0]?.fileName ?? m.file?.name;
  return m.text || (f ? <><FileIcon />{f}</> : '');
}
