/**
 * OpenID Connect authorization code flow with PKCE (S256) against Keycloak, without a library.
 * Tokens live in sessionStorage (this tab only, gone when it closes) and never in logs or URLs after the
 * callback; the refresh token renews the access token a minute before it expires.
 */
import type { AppConfig } from '../config';

export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** epoch ms when the access token expires (by this browser's clock) */
  expiresAt: number;
}

const TOKENS_KEY = 'sc.tokens';
const PENDING_KEY = 'sc.pkce';

function b64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(n = 32): string {
  return b64url(crypto.getRandomValues(new Uint8Array(n)));
}

export function redirectUri(): string {
  return `${location.origin}/`;
}

/** Starts a login (or, with register=true, Keycloak's registration page) by leaving the page. */
export async function beginLogin(config: AppConfig, register = false): Promise<void> {
  const verifier = randomString(48);
  const state = randomString(16);
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
  const params = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: 'openid',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const path = register ? 'registrations' : 'auth';
  location.assign(`${config.issuer}/protocol/openid-connect/${path}?${params}`);
}

async function tokenRequest(config: AppConfig, body: URLSearchParams): Promise<Tokens> {
  const res = await fetch(`${config.issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  });
  if (!res.ok) {
    let detail = `HTTP ${res.status}`;
    try {
      const e = await res.json();
      detail = e.error_description || e.error || detail;
    } catch { /* not JSON */ }
    throw new Error(`token endpoint: ${detail}`);
  }
  const t = await res.json();
  const tokens: Tokens = {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    idToken: t.id_token,
    expiresAt: Date.now() + Number(t.expires_in) * 1000,
  };
  sessionStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
  return tokens;
}

/**
 * On the redirect back from Keycloak: checks state, exchanges the code with the PKCE verifier and removes
 * code and state from the address bar. Returns null when this load is not a callback.
 */
export async function completeLogin(config: AppConfig): Promise<Tokens | null> {
  const url = new URL(location.href);
  const code = url.searchParams.get('code');
  const state = url.searchParams.get('state');
  const error = url.searchParams.get('error');
  if (!code && !error) return null;
  history.replaceState(null, '', '/');
  if (error) throw new Error(`sign-in refused: ${url.searchParams.get('error_description') || error}`);
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) || 'null');
  sessionStorage.removeItem(PENDING_KEY);
  if (!pending || pending.state !== state) throw new Error('sign-in answer does not belong to this tab (state mismatch)');
  return tokenRequest(config, new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: config.clientId,
    code: code!,
    redirect_uri: redirectUri(),
    code_verifier: pending.verifier,
  }));
}

export function storedTokens(): Tokens | null {
  const t = JSON.parse(sessionStorage.getItem(TOKENS_KEY) || 'null') as Tokens | null;
  return t && t.accessToken ? t : null;
}

export async function refresh(config: AppConfig, tokens: Tokens): Promise<Tokens> {
  if (!tokens.refreshToken) throw new Error('no refresh token: sign in again');
  const fresh = await tokenRequest(config, new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: config.clientId,
    refresh_token: tokens.refreshToken,
  }));
  // Keycloak may omit the id token on refresh; keep the one from the login for the logout hint.
  if (!fresh.idToken && tokens.idToken) {
    fresh.idToken = tokens.idToken;
    sessionStorage.setItem(TOKENS_KEY, JSON.stringify(fresh));
  }
  return fresh;
}

/** Ends the Keycloak session too (RP-initiated logout), then comes back to the sign-in screen. */
export function logout(config: AppConfig, tokens: Tokens | null): void {
  sessionStorage.removeItem(TOKENS_KEY);
  const params = new URLSearchParams({ client_id: config.clientId, post_logout_redirect_uri: redirectUri() });
  if (tokens?.idToken) params.set('id_token_hint', tokens.idToken);
  location.assign(`${config.issuer}/protocol/openid-connect/logout?${params}`);
}

/** The claims of a JWT, unverified: for display only (the services verify tokens). */
export function claims(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  const bin = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
}
