import { useEffect, useState } from 'react';
import { loadConfig, type AppConfig } from '../config';
import { beginLogin, completeLogin, storedTokens, type Tokens } from '../auth/oidc';
import { Session } from '../api/session';
import { Shell } from './Shell';

type Boot =
  | { state: 'loading' }
  | { state: 'signed-out'; config: AppConfig; error?: string }
  | { state: 'signed-in'; session: Session }
  | { state: 'failed'; error: string };

/** Runs once per page load (outside React's effect re-runs: a code can be exchanged only once). */
let booting: Promise<Boot> | undefined;
function boot(): Promise<Boot> {
  booting ??= (async (): Promise<Boot> => {
    let config: AppConfig;
    try {
      config = await loadConfig();
    } catch (e) {
      return { state: 'failed', error: `The app could not load its settings: ${(e as Error).message}` };
    }
    try {
      const tokens: Tokens | null = (await completeLogin(config)) ?? storedTokens();
      if (!tokens) return { state: 'signed-out', config };
      return { state: 'signed-in', session: new Session(config, tokens) };
    } catch (e) {
      return { state: 'signed-out', config, error: (e as Error).message };
    }
  })();
  return booting;
}

export function App() {
  const [boot_, setBoot] = useState<Boot>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    boot().then((b) => { if (live) setBoot(b); });
    return () => { live = false; };
  }, []);

  switch (boot_.state) {
    case 'loading':
      return <main className="center" aria-busy="true"><p>Loading…</p></main>;
    case 'failed':
      return <main className="center"><p role="alert" className="error">{boot_.error}</p></main>;
    case 'signed-out':
      return <SignIn config={boot_.config} error={boot_.error} />;
    case 'signed-in':
      return <Shell session={boot_.session} />;
  }
}

function SignIn({ config, error }: { config: AppConfig; error?: string }) {
  const [busy, setBusy] = useState(false);
  const go = (register: boolean) => {
    setBusy(true);
    beginLogin(config, register).catch(() => setBusy(false));
  };
  return (
    <main className="center signin">
      <img src="/icon.svg" alt="" width={72} height={72} />
      <h1>SecureConnect</h1>
      <p className="lede">End-to-end encrypted messages, files and calls. No phone number. Pay only for what you use.</p>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="actions">
        <button className="primary" onClick={() => go(false)} disabled={busy}>Sign in</button>
        <button onClick={() => go(true)} disabled={busy}>Create account</button>
      </div>
      <p className="fine">Sign-in uses a password and a one-time code from an authenticator app.</p>
    </main>
  );
}
