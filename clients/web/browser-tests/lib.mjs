// Shared helpers of the browser tests: Debian's Chromium through playwright-core (never a downloaded
// browser), screenshots under browser-tests/out/, Keycloak's real registration, TOTP and login pages.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { totp, currentStep } from './totp.mjs';

export const APP = process.env.WEB_APP_URL || 'http://127.0.0.1:5173';
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const OUT = new URL('./out/', import.meta.url).pathname;
mkdirSync(OUT, { recursive: true });

/** Generous bound for anything that crosses Kafka (wallet opened, payment credited). */
export const SLOW = 60_000;

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

export async function shot(page, name) {
  await page.screenshot({ path: `${OUT}${name}.png`, fullPage: true });
}

export function newPerson() {
  const id = randomBytes(4).toString('hex');
  return { login: `web-${id}`, password: `pw-${randomBytes(9).toString('base64url')}`, totpSecret: null, lastStep: -1, passphrase: `pass ${randomBytes(6).toString('hex')} phrase`, handle: `web_${id}` };
}

/** A TOTP code that was not used yet (the realm refuses a reused code): waits for the next step if needed. */
export async function freshCode(person) {
  while (currentStep() <= person.lastStep) await new Promise((r) => setTimeout(r, 1000));
  const step = currentStep();
  person.lastStep = step;
  return totp(person.totpSecret, step);
}

/** From the app's sign-in screen: Create account → Keycloak registration → TOTP enrolment → back in the app. */
export async function signUp(page, person) {
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/realms\/secureconnect\/.*registration|\/registrations/);
  await page.fill('#username', person.login);
  await page.fill('#password', person.password);
  await page.fill('#password-confirm', person.password);
  await page.locator('input[type=submit], button[type=submit]').first().click();
  // CONFIGURE_TOTP is a default required action: the enrolment page shows a QR code; its text form
  // ("Unable to scan?") gives the secret, which is what a person types into an authenticator app.
  await page.locator('#kc-totp-secret-qr-code, #mode-manual, a[href*="mode=manual"]').first().waitFor();
  const manual = page.locator('#mode-manual, a[href*="mode=manual"]').first();
  if (await manual.count()) await manual.click();
  const secretText = (await page.locator('#kc-totp-secret-key').innerText()).trim();
  person.totpSecret = secretText.replace(/\s+/g, '');
  await page.fill('#totp', await freshCode(person));
  await page.locator('#saveTOTPBtn, input[type=submit], button[type=submit]').first().click();
  await page.waitForURL((u) => u.toString().startsWith(APP));
}

/** From the app's sign-in screen: Sign in → Keycloak username/password → one-time code → back in the app. */
export async function signIn(page, person) {
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/realms\/secureconnect\//);
  await page.fill('#username', person.login);
  await page.fill('#password', person.password);
  await page.locator('#kc-login, input[type=submit], button[type=submit]').first().click();
  await page.locator('#otp').waitFor();
  await page.fill('#otp', await freshCode(person));
  await page.locator('#kc-login, input[type=submit], button[type=submit]').first().click();
  await page.waitForURL((u) => u.toString().startsWith(APP));
}

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** A new person, signed up, with this browser set up as a device, a username, and (optionally) the small pack. */
export async function onboard(context, person, { topUp = true } = {}) {
  const page = await context.newPage();
  await page.goto(APP);
  await signUp(page, person);
  await page.getByRole('heading', { name: 'Set up this browser' }).waitFor({ timeout: SLOW });
  await page.getByLabel('Passphrase', { exact: true }).fill(person.passphrase);
  await page.getByLabel('Passphrase again').fill(person.passphrase);
  await page.getByRole('button', { name: 'Set up' }).click();
  await page.getByTestId('device').waitFor({ timeout: SLOW });
  await page.getByRole('button', { name: 'Account', exact: true }).click();
  await page.getByLabel('Claim a username').fill(person.handle);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('username').filter({ hasText: `@${person.handle}` }).waitFor({ timeout: SLOW });
  if (topUp) {
    await page.getByRole('button', { name: 'Wallet', exact: true }).click();
    const [checkout] = await Promise.all([context.waitForEvent('page'), page.getByTestId('buy-small').click()]);
    await checkout.waitForURL(/\/sandbox\/checkout\//);
    await checkout.locator('#pay').click();
    await checkout.locator('#status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: SLOW });
    await checkout.close();
    await page.getByTestId('balance').filter({ hasText: /^100$/ }).waitFor({ timeout: SLOW });
  }
  await page.getByRole('button', { name: 'Chats', exact: true }).click();
  return page;
}

/** Types and sends one message in the open conversation and waits until the relay accepted it. */
export async function sendMessage(page, text) {
  const before = await page.locator('li.msg.out').count();
  await page.locator('#compose').fill(text);
  await page.locator('#compose').press('Enter');
  await page.locator('li.msg.out').nth(before).and(page.locator('[data-status=sent], [data-status=delivered]')).waitFor({ timeout: SLOW });
}

/** The texts of the open conversation's messages in one direction. */
export async function texts(page, direction) {
  return page.locator(`li.msg.${direction} .text`).allInnerTexts();
}

/**
 * Every record of the page's IndexedDB profile(s), as UTF-8 text of its bytes (or the string itself), read in
 * the page: what a thief of the browser profile's files would find.
 */
export async function indexedDbRecords(page) {
  return page.evaluate(async () => {
    const out = [];
    for (const { name } of await indexedDB.databases()) {
      if (!name || !name.startsWith('secureconnect-')) continue;
      const db = await new Promise((res, rej) => { const r = indexedDB.open(name); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
      const tx = db.transaction('files', 'readonly');
      const store = tx.objectStore('files');
      const [keys, values] = await Promise.all([
        new Promise((res) => { const r = store.getAllKeys(); r.onsuccess = () => res(r.result); }),
        new Promise((res) => { const r = store.getAll(); r.onsuccess = () => res(r.result); }),
      ]);
      keys.forEach((k, i) => {
        const v = values[i];
        out.push({ name: String(k), text: typeof v === 'string' ? v : new TextDecoder().decode(v) });
      });
      db.close();
    }
    return out;
  });
}

// ---- files (files.test.mjs, cli-files.test.mjs) ----

export const MIB = 1024 * 1024;

export const sha256 = (b) => createHash('sha256').update(b).digest('hex');

/** The signed-in user's ledger, read in the page with its own token (what the Wallet page shows). */
export async function ledger(page) {
  return page.evaluate(async () => {
    const { accessToken } = JSON.parse(sessionStorage.getItem('sc.tokens'));
    const r = await fetch('/api/wallet/wallet/ledger?limit=100', { headers: { Authorization: `Bearer ${accessToken}` } });
    return (await r.json()).entries;
  });
}

export const fileCharges = (entries) => entries.filter((e) => e.kind === 'USAGE' && e.usage?.kind === 'FILE_TRANSFER');

/** Picks a file in the open conversation, checks the price shown, sends it and waits until its message is sent. */
export async function sendFile(page, path, name) {
  const before = await page.locator('li.msg.out').count();
  await page.locator('#file-input').setInputFiles(path);
  await page.getByTestId('picked-file').filter({ hasText: name }).waitFor();
  const cost = await page.getByTestId('file-cost').innerText();
  check(/costs 4 credits \(3 file transfer \+ 1 message\)/.test(cost), `price shown before sending: ${cost}`);
  const t0 = Date.now();
  await page.getByTestId('send-file').click();
  await page.locator('li.msg.out').nth(before).and(page.locator('[data-status=sent], [data-status=delivered]'))
    .waitFor({ timeout: 5 * SLOW });
  return Date.now() - t0;
}


// ---- the terminal client (clients/cli, the Java SDK) as the other side ----

export const SC = new URL('../../cli/sc', import.meta.url).pathname;
export const CLI_JAR = new URL('../../cli/target/secureconnect-cli.jar', import.meta.url).pathname;

/** Runs `sc --profile p --json …` for a person whose profile lives in `home`. */
export function sc(home, person, args, extraEnv = {}) {
  const r = spawnSync(SC, ['--profile', 'p', '--json', ...args], {
    env: { ...process.env, SC_HOME: home, SC_PASSPHRASE: person.passphrase, SC_PASSWORD: person.password, ...extraEnv },
    encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * MIB,
  });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
}

/**
 * A CLI user: the account is made through Keycloak's registration in a browser (so the test knows the TOTP
 * secret), optionally with the small pack bought there, then `sc login` with password + code and
 * `sc register-device` with a username.
 */
export async function cliPerson(browser, home, { topUp = false } = {}) {
  const person = newPerson();
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(APP);
  await signUp(page, person);
  if (topUp) {
    await page.getByRole('button', { name: 'Wallet', exact: true }).click();
    const [checkout] = await Promise.all([ctx.waitForEvent('page'), page.getByTestId('buy-small').click()]);
    await checkout.locator('#pay').click();
    await checkout.locator('#status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: SLOW });
    await page.getByTestId('balance').filter({ hasText: /^100$/ }).waitFor({ timeout: SLOW });
  }
  await ctx.close();
  let r = sc(home, person, ['login', '-u', person.login], { SC_TOTP: await freshCode(person) });
  check(r.code === 0, `sc login: ${r.code} ${r.err}`);
  r = sc(home, person, ['register-device', '--claim-username', person.handle]);
  check(r.code === 0, `sc register-device: ${r.code} ${r.err}`);
  return person;
}
