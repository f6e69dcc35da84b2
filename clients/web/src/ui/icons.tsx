/**
 * Small inline icons instead of emoji: Debian's Chromium has no emoji font, so "📞" and "📎" drew as empty boxes.
 * Decorative only (aria-hidden): the text next to each icon carries the meaning and the accessible name.
 * Stroked with currentColor, so they follow the text colour (dark mode, disabled buttons).
 */
type Props = { className?: string };

function Icon({ className, children }: Props & { children: React.ReactNode }) {
  return (
    <svg className={className ? `icon ${className}` : 'icon'} viewBox="0 0 24 24" aria-hidden="true" focusable="false"
         fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round">
      {children}
    </svg>
  );
}

/** A telephone handset (the Call button). */
export function PhoneIcon(p: Props) {
  return <Icon {...p}><path d="M22 16.9v3a2 2 0 0 1-2.2 2 19.8 19.8 0 0 1-8.6-3.1 19.5 19.5 0 0 1-6-6A19.8 19.8 0 0 1 2.1 4.2 2 2 0 0 1 4.1 2h3a2 2 0 0 1 2 1.7c.1.9.4 1.8.7 2.7a2 2 0 0 1-.5 2.1L8 9.8a16 16 0 0 0 6 6l1.3-1.3a2 2 0 0 1 2.1-.4c.9.3 1.8.6 2.7.7a2 2 0 0 1 1.7 2z" /></Icon>;
}

/** A paper clip (a file in a message or the chat list). */
export function FileIcon(p: Props) {
  return <Icon {...p}><path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" /></Icon>;
}

/** A tick (verified). */
export function CheckIcon(p: Props) {
  return <Icon {...p}><path d="M20 6L9 17l-5-5" /></Icon>;
}

/** A warning triangle (a key change waits for a decision). */
export function WarningIcon(p: Props) {
  return <Icon {...p}><path d="M10.3 3.9L1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z" /><path d="M12 9v4" /><path d="M12 17h.01" /></Icon>;
}
