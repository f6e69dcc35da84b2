// Issue 16 item 8: a web client you can verify. The served build carries Subresource Integrity for every
// script and stylesheet, a strict CSP, and its manifest digest is shown in the app; a modified asset is refused
// by the browser (the app does not start). The tampered copy is served by a second instance of the same
// server on its own port, so the stack's app is untouched.
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, appendFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP, SLOW, launch, check } from './lib.mjs';

const DIST = new URL('../dist/', import.meta.url).pathname;
const SERVER = new URL('../server/serve.mjs', import.meta.url).pathname;
const PORT = Number(process.env.WEB_TAMPER_PORT || 5181);

async function serve(dist) {
  const p = spawn(process.execPath, [SERVER], { env: { ...process.env, WEB_PORT: String(PORT), WEB_DIST: dist }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((resolve, reject) => {
    p.stdout.on('data', (d) => { if (String(d).includes('web app on')) resolve(); });
    p.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return p;
}

test('the served app is pinned (SRI, CSP, manifest shown) and a modified script is refused', async () => {
  const browser = await launch();
  const dir = mkdtempSync(join(tmpdir(), 'sc-web-tamper-'));
  let server;
  try {
    const page = await browser.newPage();
    // What the stack serves: CSP header, SRI on every script and stylesheet, the manifest digest.
    const res = await page.goto(APP);
    const csp = res.headers()['content-security-policy'] || '';
    check(csp.includes("script-src 'self' 'wasm-unsafe-eval'") && !csp.includes('unsafe-inline'), `strict CSP: ${csp}`);
    const html = await res.text();
    const tags = html.match(/<(script|link rel="stylesheet")[^>]*>/g) || [];
    check(tags.length >= 2 && tags.every((t) => /integrity="sha384-/.test(t)), `SRI on every script and stylesheet: ${tags}`);
    check(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'no inline script');
    const manifest = JSON.parse(await (await page.request.get(`${APP}/build-manifest.json`)).text());
    const text = await (await page.request.get(`${APP}/build-manifest.txt`)).text();
    check(createHash('sha256').update(text).digest('hex') === manifest.sha256, 'the manifest digest is the SHA-256 of the manifest');
    check(text.includes('  index.html'), 'index.html (which pins the assets) is in the manifest');
    // The app started under that CSP and SRI (control for the refusal below).
    await page.getByRole('heading', { name: 'SecureConnect' }).waitFor({ timeout: SLOW });

    // A copy of the build with one byte appended to the script: the same server, another port.
    cpSync(DIST, dir, { recursive: true });
    const js = readdirSync(join(dir, 'assets')).find((f) => f.endsWith('.js'));
    appendFileSync(join(dir, 'assets', js), '\n;globalThis.__tampered = true;\n');
    const errors = [];
    const tampered = await browser.newPage();
    tampered.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    server = await serve(dir);
    // The page of the first part (same index.html) started the app; with the modified asset it must not.
    const refused = tampered.waitForEvent('console', { predicate: (m) => /integrity/i.test(m.text()), timeout: SLOW });
    await tampered.goto(`http://127.0.0.1:${PORT}/`);
    await refused;
    check(errors.some((e) => /integrity/i.test(e)), `the browser reports the integrity failure: ${errors}`);
    check(await tampered.evaluate(() => globalThis.__tampered !== true), 'the modified script did not run');
    check(await tampered.locator('#root').innerHTML() === '', 'the app did not start');
  } finally {
    server?.kill();
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
