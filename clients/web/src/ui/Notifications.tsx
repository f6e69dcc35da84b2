import { useState } from 'react';
import type { Messenger } from '../messaging/messenger';

/**
 * Desktop notifications (issue 16 item 7): a new message while the tab is hidden shows who wrote — never the
 * text, which stays end-to-end encrypted and out of the system's notification history. The permission is asked
 * only when the person presses the button (browsers refuse a request outside a click).
 */
export function notifyWhenHidden(messenger: Messenger): () => void {
  return messenger.onIncoming(({ from, name }) => {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !document.hidden) return;
    const n = new Notification('SecureConnect', { body: `New message from ${name}`, tag: `message-${from}`, icon: '/icon.svg' });
    n.onclick = () => { window.focus(); n.close(); };
  });
}

export function NotificationsSetting() {
  const supported = typeof Notification !== 'undefined';
  const [permission, setPermission] = useState(supported ? Notification.permission : 'denied');
  if (!supported || permission === 'granted') {
    return supported ? <p className="muted small" data-testid="notifications">Notifications on: a new message while this tab is in the background.</p> : null;
  }
  if (permission === 'denied') return <p className="muted small" data-testid="notifications">Notifications are blocked in this browser's site settings.</p>;
  return (
    <p className="small" data-testid="notifications">
      <button type="button" className="link" onClick={() => void Notification.requestPermission().then(setPermission)}>
        Notify me of new messages
      </button>
    </p>
  );
}
