// Issue 16 item 3, trust (docs/protocol-crypto.md §6, §10), in real Chromium against the stack: the safety number
// (60 digits and QR) is the same on both sides, a wrong number does not verify, the right one does. Then a
// compromised identity-service: Alice's bundle requests for Bob are answered with keys of the server's choosing
// (validly signed, as CompromisedServerIT does for the CLI). Her send to the VERIFIED contact is blocked, shown,
// and not charged — shown as one state (badge "Key changed", STOP said once, files held like text); comparing
// numbers with Bob again (his real number) rejects the change; with the server honest
// again the message goes through and Bob reads it.
// The second test, on the same two people: the product side of item 7 — no serious or critical axe-core
// violation on the main screens (light and dark), keyboard navigation, reconnect after the relay drops the
// connection, and a notification for a new message while the tab is hidden.
import { before, after, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { APP, SLOW, launch, shot, newPerson, onboard, sendMessage, check, ledger } from './lib.mjs';

const digitsOf = async (page, testId = 'safety-digits') => (await page.getByTestId(testId).innerText()).replace(/\s+/g, '');

async function me(page) {
  return page.evaluate(async () => {
    const { accessToken } = JSON.parse(sessionStorage.getItem('sc.tokens'));
    return (await fetch('/api/identity/v1/accounts/me', { headers: { Authorization: `Bearer ${accessToken}` } })).json();
  });
}

const messageCharges = (entries) => entries.filter((e) => e.kind === 'USAGE' && e.usage?.kind === 'MESSAGE');

/** Re-reads until `ok(value)` (the ledger entry of a charge arrives through Kafka), then returns the value. */
async function eventually(read, ok, what) {
  const until = Date.now() + SLOW;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`check failed: ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

let browser, ctxA, ctxB, a, b, alice, bob, aliceAccount, bobAccount;

before(async () => {
  browser = await launch();
  alice = newPerson();
  bob = newPerson();
  ctxA = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  ctxB = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  // Bob's notifications: granted (what "Notify me of new messages" asks for), and recorded as the page makes them.
  await ctxB.grantPermissions(['notifications'], { origin: APP });
  await ctxB.addInitScript(() => {
    const Real = window.Notification;
    window.__notifications = [];
    window.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        window.__notifications.push({ title, body: options?.body });
      }
    };
  });
  a = await onboard(ctxA, alice);
  b = await onboard(ctxB, bob);
  aliceAccount = (await me(a)).accountId;
  bobAccount = (await me(b)).accountId;
});

after(async () => { await browser?.close(); });

test('a verified contact\'s changed key blocks sending and is shown; verifying again with the real number ends it', async () => {
  // Alice opens the conversation; Bob writes first (Alice pins his key from his setup message).
  await a.locator('#find').fill(bob.handle);
  await a.getByRole('button', { name: 'Chat', exact: true }).click();
  await a.getByTestId('conversation-title').filter({ hasText: `@${bob.handle}` }).waitFor({ timeout: SLOW });
  await b.locator('#find').fill(alice.handle);
  await b.getByRole('button', { name: 'Chat', exact: true }).click();
  await sendMessage(b, 'hello alice, it is bob');
  await a.locator('li.msg.in .text', { hasText: 'hello alice, it is bob' }).waitFor({ timeout: SLOW });

  // Safety numbers: the same 60 digits and QR text on both sides, from pinned keys only.
  check((await a.getByTestId('trust-state').innerText()).includes('Not verified'), 'not verified at first');
  await a.getByTestId('show-safety-number').click();
  await b.getByTestId('show-safety-number').click();
  const bobsNumber = await digitsOf(b);
  check(/^\d{60}$/.test(bobsNumber), `60 digits: ${bobsNumber}`);
  check(await digitsOf(a) === bobsNumber, 'both sides compute the same number');
  const qr = await a.getByTestId('safety-qr').getAttribute('data-text');
  check(/^SC1:[0-9A-F]{64}:[0-9A-F]{64}$/.test(qr) && qr === await b.getByTestId('safety-qr').getAttribute('data-text'), `same QR text: ${qr}`);
  check(await a.locator('[data-testid=safety-qr] path').getAttribute('d').then((d) => d.length > 1000), 'the QR code is drawn');

  // A wrong number verifies nothing; Bob's number, as he reads it out (with spaces), does.
  const wrong = bobsNumber.slice(0, 59) + ((Number(bobsNumber[59]) + 1) % 10);
  await a.getByLabel(/reads out/).fill(wrong);
  await a.getByRole('button', { name: 'Verify', exact: true }).click();
  await a.getByTestId('verify-result').filter({ hasText: 'do not match' }).waitFor();
  check((await a.getByTestId('trust-state').innerText()).includes('Not verified'), 'a wrong number verifies nothing');
  await a.getByLabel(/reads out/).fill(bobsNumber.match(/.{5}/g).join(' '));
  await a.getByRole('button', { name: 'Verify', exact: true }).click();
  await a.getByTestId('verify-result').filter({ hasText: 'is verified' }).waitFor();
  await a.getByTestId('trust-state').filter({ hasText: 'Verified' }).waitFor();
  await shot(a, 'safety-number');

  // The server turns hostile: bundles of Bob's account carry another identity (here: the keys identity-service
  // holds for Alice's own device — correctly signed, just not Bob's).
  let swapped = 0;
  const bundlesOfBob = (url) => url.pathname.startsWith(`/api/identity/v1/bundles/${bobAccount}`);
  await a.route(bundlesOfBob, async (route) => {
    const real = await route.fetch();
    const body = await real.json();
    const mallory = (await (await route.fetch({ url: `${APP}/api/identity/v1/bundles/${aliceAccount}` })).json()).devices[0];
    for (const d of body.devices) {
      for (const k of ['identityKey', 'agreementKey', 'agreementKeySignature', 'signedPrekey', 'oneTimePrekey', 'kemPrekey']) d[k] = mallory[k];
    }
    swapped++;
    await route.fulfill({ response: real, json: body });
  });
  const chargedBefore = messageCharges(await ledger(a)).length;
  await a.locator('#compose').fill('hi bob');
  await a.locator('#compose').press('Enter');
  await a.locator('li.msg.out[data-status=failed] .error', { hasText: 'Not sent: key change not resolved.' }).waitFor({ timeout: SLOW });
  check(swapped > 0, 'the substituted bundle was served');
  const shown = await a.getByTestId('key-changed').innerText();
  check(/STOP/.test(shown) && /VERIFIED contact/.test(shown) && /changed/.test(shown), `the change is shown: ${shown}`);
  // One state on screen: the badge says the key changed (not "Verified"), the earlier "numbers match" result is
  // gone, and the STOP explanation is the banner's alone (the notice and the failed message only state facts).
  await a.getByTestId('trust-state').filter({ hasText: /^\s*Key changed\s*$/ }).waitFor();
  check(await a.getByTestId('verify-result').count() === 0, 'the stale verification result is cleared');
  const view = await a.getByTestId('chat-view').innerText();
  check((view.match(/STOP/g) || []).length === 1, `STOP is said once: ${view}`);
  check(await a.locator('#compose').isDisabled(), 'compose disabled while the change is unresolved');
  check(await a.getByTestId('attach-file').isDisabled() && await a.locator('#file-input').isDisabled(), 'files disabled too');
  check((await a.getByTestId('file-blocked').innerText()).includes('key change'), 'with the reason');
  check(messageCharges(await ledger(a)).length === chargedBefore, 'nothing was sent, nothing charged');
  await a.getByRole('button', { name: 'Compare safety numbers' }).click();
  const offered = await digitsOf(a, 'safety-digits-new');
  check(offered !== bobsNumber && await digitsOf(a) === bobsNumber, 'the pinned number is unchanged; the offered key gives another');
  await shot(a, 'key-changed');

  // Alice meets Bob again: his number matches her pinned keys, so the offered key was not his and is rejected.
  await a.getByLabel(/reads out/).fill(await digitsOf(b));
  await a.getByRole('button', { name: 'Verify', exact: true }).click();
  await a.getByTestId('verify-result').filter({ hasText: 'was rejected' }).waitFor();
  await a.getByTestId('trust-state').filter({ hasText: /^\s*Verified\s*$/ }).waitFor();
  check(!(await a.getByTestId('attach-file').isDisabled()), 'files can be sent again');
  check(await a.getByTestId('key-changed').count() === 0, 'no change pending');

  // The server is honest again: the message goes to Bob's pinned key and he reads it.
  await a.unroute(bundlesOfBob);
  await sendMessage(a, 'hi bob, verified again');
  await b.locator('li.msg.in .text', { hasText: 'hi bob, verified again' }).waitFor({ timeout: SLOW });
  await eventually(async () => messageCharges(await ledger(a)).length, (n) => n === chargedBefore + 1, 'charged once for the message that was sent');
});

/** Serious and critical axe-core violations of the page as it is now (WCAG 2.x A and AA rules). */
async function axe(page, screen) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, `axe on ${screen}: ${bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('; ')}`);
  return r.passes.length;
}

test('looks like a product: accessible screens in light and dark, keyboard, reconnect, notification while hidden', async () => {
  // Accessibility: sign-in screen (a fresh visitor), conversation with the safety number open, wallet, account.
  const visitor = await browser.newContext();
  const signIn = await visitor.newPage();
  await signIn.goto(APP);
  await signIn.getByRole('button', { name: 'Sign in' }).waitFor();
  await axe(signIn, 'sign-in');
  await signIn.emulateMedia({ colorScheme: 'dark' });
  await axe(signIn, 'sign-in, dark');
  await visitor.close();

  await a.getByRole('button', { name: 'Chats', exact: true }).click();
  await a.getByTestId('conversation-title').waitFor();
  if (await a.getByTestId('safety-number').count() === 0) await a.getByTestId('show-safety-number').click();
  for (const scheme of ['light', 'dark']) {
    await a.emulateMedia({ colorScheme: scheme });
    await axe(a, `conversation (${scheme})`);
  }
  check(await a.evaluate(() => getComputedStyle(document.body).backgroundColor) === 'rgb(18, 20, 23)', 'dark mode follows prefers-color-scheme');
  await shot(a, 'conversation-dark');
  for (const tab of ['Wallet', 'Account']) {
    await a.getByRole('button', { name: tab, exact: true }).click();
    await a.getByRole('heading').first().waitFor();
    await axe(a, `${tab} (dark)`);
  }
  await a.emulateMedia({ colorScheme: 'light' });

  // Keyboard: from the top of the page, Tab reaches the main tabs in order and Enter opens one; focus is visible.
  await a.getByRole('button', { name: 'Chats', exact: true }).click();
  await a.evaluate(() => document.activeElement?.blur());
  const order = [];
  for (let i = 0; i < 6 && !order.includes('Wallet'); i++) {
    await a.keyboard.press('Tab');
    order.push(await a.evaluate(() => document.activeElement?.textContent?.trim()));
  }
  check(order.includes('Wallet') && order.indexOf('Chats') < order.indexOf('Wallet'), `Tab order reaches the tabs: ${JSON.stringify(order)}`);
  check(await a.evaluate(() => getComputedStyle(document.activeElement).outlineStyle) !== 'none', 'the focused control shows a focus ring');
  await a.keyboard.press('Enter');
  await a.getByTestId('buy-small').waitFor();
  await a.getByRole('button', { name: 'Chats', exact: true }).click();
  await a.locator('button.conv', { hasText: `@${bob.handle}` }).click(); // the Chats screen opens with no conversation chosen
  await a.locator('#compose').waitFor();

  // Reconnect: Bob's relay connection goes through a test-only WebSocket route, so the test can drop it from the
  // server side; the app reconnects by itself (a second connection) and receives what is sent after the drop.
  const relay = [];
  await b.routeWebSocket(/\/api\/relay\/v1\/relay/, (ws) => { ws.connectToServer(); relay.push(ws); });
  await b.reload();
  await b.getByRole('heading', { name: 'Unlock' }).waitFor({ timeout: SLOW });
  await b.getByLabel('Passphrase', { exact: true }).fill(bob.passphrase);
  await b.getByRole('button', { name: 'Unlock' }).click();
  await b.getByTestId('relay-status').filter({ hasText: 'online' }).waitFor({ timeout: SLOW });
  await b.locator('button.conv').first().click();
  check(relay.length === 1, `one relay connection: ${relay.length}`);
  // What the page sees when the relay goes away (1012: service restart); the route closes the server side too.
  await relay[0].close({ code: 1012, reason: 'relay restarting' });
  await b.getByTestId('relay-status').filter({ hasText: 'online' }).waitFor({ timeout: SLOW });
  await eventually(async () => relay.length, (n) => n === 2, 'reconnected with a new connection');

  // Notification: Bob's tab goes to the background; Alice writes; Bob's browser shows who wrote, not the text.
  // Headless Chromium keeps every page "visible" (bringToFront of another tab does not hide this one), so the
  // page is told what a background tab reports: document.hidden and visibilityState, and the change event.
  await b.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await sendMessage(a, 'are you there, bob?');
  await b.locator('li.msg.in .text', { hasText: 'are you there, bob?' }).waitFor({ timeout: SLOW });
  const notes = await eventually(() => b.evaluate(() => window.__notifications), (n) => n.length > 0, 'a notification');
  check(notes.length === 1 && notes[0].body === `New message from @${alice.handle}`, `notification: ${JSON.stringify(notes)}`);
  check(!JSON.stringify(notes).includes('are you there'), 'the notification does not carry the message text');
  // In the foreground no notification is shown.
  await b.evaluate(() => { delete document.hidden; delete document.visibilityState; });
  await sendMessage(a, 'and now?');
  await b.locator('li.msg.in .text', { hasText: 'and now?' }).waitFor({ timeout: SLOW });
  check((await b.evaluate(() => window.__notifications)).length === 1, 'no notification while the tab is visible');
});
