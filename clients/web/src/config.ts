/**
 * Where the app finds the services. The app talks to the five services through its own origin
 * (/api/<service>/..., proxied by server/serve.mjs locally and by the image's nginx, deploy/web/nginx.conf), so the services
 * need no CORS; only Keycloak is another origin (its token endpoint answers CORS for the client's web origins).
 * /config.json is written by the server at start, so one reproducible build runs everywhere.
 */
export interface AppConfig {
  /** OIDC issuer, e.g. http://127.0.0.1:8180/realms/secureconnect */
  issuer: string;
  /** Public OIDC client (authorization code + PKCE). */
  clientId: string;
}

export const API = {
  identity: '/api/identity',
  relay: '/api/relay',
  wallet: '/api/wallet',
  media: '/api/media',
  payment: '/api/payment',
} as const;

export async function loadConfig(): Promise<AppConfig> {
  const res = await fetch('/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const c = (await res.json()) as Partial<AppConfig>;
  if (typeof c.issuer !== 'string' || typeof c.clientId !== 'string') throw new Error('config.json: issuer and clientId required');
  return { issuer: c.issuer.replace(/\/$/, ''), clientId: c.clientId };
}
