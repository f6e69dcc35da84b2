/**
 * A signed-in session: the current tokens, renewed before they expire, and authenticated JSON calls to the
 * services through the app's origin. Errors carry the services' stable problem+json code.
 */
import { API, type AppConfig } from '../config';
import { refresh, type Tokens } from '../auth/oidc';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** Renew this long before the access token expires. */
const RENEW_BEFORE_MS = 60_000;

export class Session {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private renewing: Promise<Tokens> | undefined;
  private listeners = new Set<(t: Tokens) => void>();

  constructor(readonly config: AppConfig, private current: Tokens) {
    this.schedule();
  }

  get tokens(): Tokens {
    return this.current;
  }

  onRenew(fn: (t: Tokens) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  close(): void {
    clearTimeout(this.timer);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const wait = Math.max(5_000, this.current.expiresAt - Date.now() - RENEW_BEFORE_MS);
    this.timer = setTimeout(() => { this.renew().catch(() => { /* shown on the next call */ }); }, wait);
  }

  /** One refresh at a time; callers share it. */
  renew(): Promise<Tokens> {
    if (!this.renewing) {
      this.renewing = refresh(this.config, this.current)
        .then((t) => {
          this.current = t;
          this.schedule();
          this.listeners.forEach((fn) => fn(t));
          return t;
        })
        .finally(() => { this.renewing = undefined; });
    }
    return this.renewing;
  }

  async accessToken(): Promise<string> {
    if (this.current.expiresAt - Date.now() < 10_000) await this.renew();
    return this.current.accessToken;
  }

  /** JSON call to a service; path relative to API[service]. A 401 renews the token once and retries. */
  async call<T>(service: keyof typeof API, path: string, init: RequestInit = {}, retried = false): Promise<T> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${await this.accessToken()}`);
    headers.set('Accept', 'application/json, application/problem+json');
    if (init.body && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
    const res = await fetch(`${API[service]}${path}`, { ...init, headers });
    if (res.status === 401 && !retried) {
      await this.renew();
      return this.call<T>(service, path, init, true);
    }
    if (!res.ok) throw await problem(res);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
}

export async function problem(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const p = await res.json();
    if (p.code) code = p.code;
    message = p.detail || p.title || message;
  } catch { /* no body */ }
  return new ApiError(res.status, code, message);
}

export async function publicJson<T>(service: keyof typeof API, path: string): Promise<T> {
  const res = await fetch(`${API[service]}${path}`, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw await problem(res);
  return (await res.json()) as T;
}
