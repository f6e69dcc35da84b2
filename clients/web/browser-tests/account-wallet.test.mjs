// Issue 16 items 1 and 4 in real Chromium against the local stack: a new person signs up through Keycloak's
// own registration and TOTP enrolment pages, claims a username, is refused sending at zero balance with a
// way to top up, buys the small pack through payment-service's sandbox checkout, sees the new balance and
// the ledger entry, keeps working across a token refresh, signs out and signs in again.
import { test } from 'node:test';
import { APP, SLOW, launch, shot, newPerson, signUp, signIn, check } from './lib.mjs';

test('sign up with TOTP, claim a username, top up from zero, refresh, sign out and in', async () => {
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    // A controllable clock (it runs normally until told otherwise): lets the test jump to the token renewal.
    await page.clock.install();
    const person = newPerson();

    await page.goto(APP);
    await page.getByRole('heading', { name: 'SecureConnect' }).waitFor();
    await shot(page, 'sign-in');

    await signUp(page, person);
    // Signed in: the balance of the new account (wallet opened from identity's AccountCreated) is 0.
    await page.getByTestId('balance').filter({ hasText: /^0$/ }).waitFor({ timeout: SLOW });

    // This browser becomes a device: passphrase, keys made here, registered at identity-service.
    await page.getByRole('heading', { name: 'Set up this browser' }).waitFor({ timeout: SLOW });
    await shot(page, 'set-up-device');
    await page.getByLabel('Passphrase', { exact: true }).fill(person.passphrase);
    await page.getByLabel('Passphrase again').fill(person.passphrase);
    await page.getByRole('button', { name: 'Set up' }).click();
    const deviceLine = page.getByTestId('device');
    await deviceLine.waitFor({ timeout: SLOW });
    const deviceText = await deviceLine.innerText();
    check(/device #\d+/.test(deviceText), `device id shown: ${deviceText}`);

    // Zero balance: sending is refused, with the price and the way to top up.
    const refusal = page.getByTestId('cannot-send');
    await refusal.waitFor({ timeout: SLOW });
    check((await refusal.innerText()).includes('a message costs 1 credit'), 'the refusal names the price');
    await shot(page, 'chats-zero-balance');

    // Claim a username.
    await page.getByRole('button', { name: 'Account', exact: true }).click();
    await page.getByLabel('Claim a username').fill(person.handle);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('username').filter({ hasText: `@${person.handle}` }).waitFor();
    await page.getByTestId('who').filter({ hasText: person.handle }).waitFor();
    // About: the build manifest's digest, the same the server publishes (and the build printed).
    const published = JSON.parse(await (await page.request.get(`${APP}/build-manifest.json`)).text()).sha256;
    await page.getByTestId('build-sha256').filter({ hasText: published }).waitFor();
    await shot(page, 'account');

    // Top up from the refusal's button: the wallet page, prices shown before buying, the sandbox checkout.
    await page.getByRole('button', { name: 'Chats', exact: true }).click();
    await page.getByTestId('cannot-send').getByRole('button', { name: 'Top up' }).click();
    await page.getByTestId('prices').filter({ hasText: 'Message' }).waitFor();
    const [checkout] = await Promise.all([
      context.waitForEvent('page'),
      page.getByTestId('buy-small').click(),
    ]);
    await checkout.waitForURL(/\/sandbox\/checkout\//);
    await checkout.locator('#pay').click();
    await checkout.locator('#status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: SLOW });
    await shot(checkout, 'sandbox-checkout-paid');
    await checkout.close();

    // Back in the app: the payment is reported and the balance is the pack's 100 credits.
    await page.getByTestId('payment-status').filter({ hasText: 'Payment received: 100 credits added' }).waitFor({ timeout: SLOW });
    await page.getByTestId('balance').filter({ hasText: /^100$/ }).waitFor({ timeout: SLOW });
    await page.getByTestId('ledger').filter({ hasText: 'Top-up' }).waitFor({ timeout: SLOW });
    await shot(page, 'wallet');
    await page.getByRole('button', { name: 'Chats', exact: true }).click();
    await page.getByTestId('can-send').waitFor();

    // Token refresh: jump past the renewal point of the 5-minute access token; the session renews by
    // refresh token and the next calls still succeed.
    await page.getByRole('button', { name: 'Account', exact: true }).click();
    const before = await page.getByTestId('session-expiry').innerText();
    await page.clock.fastForward('04:30');
    await page.waitForFunction((b) => document.querySelector('[data-testid=session-expiry]')?.textContent !== b, before,
      { timeout: SLOW });
    await page.getByRole('button', { name: 'Wallet', exact: true }).click();
    await page.getByTestId('wallet-balance').filter({ hasText: /^100$/ }).waitFor({ timeout: SLOW });

    // Sign out ends the Keycloak session too: back at the sign-in screen, and Sign in asks for the password.
    await page.getByRole('button', { name: 'Account', exact: true }).click();
    await page.getByTestId('sign-out').click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: SLOW });
    await signIn(page, person);
    // The keys are encrypted at rest: unlock, and a wrong passphrase opens nothing.
    await page.getByRole('heading', { name: 'Unlock' }).waitFor({ timeout: SLOW });
    await page.getByLabel('Passphrase', { exact: true }).fill(`${person.passphrase}-wrong`);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong passphrase.' }).waitFor({ timeout: SLOW });
    await shot(page, 'unlock');
    await page.getByLabel('Passphrase', { exact: true }).fill(person.passphrase);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByTestId('device').filter({ hasText: deviceText }).waitFor({ timeout: SLOW });
    await page.getByTestId('who').filter({ hasText: person.handle }).waitFor({ timeout: SLOW });
    await page.getByTestId('balance').filter({ hasText: /^100$/ }).waitFor({ timeout: SLOW });

    // Phone width: the same shell fits.
    await page.setViewportSize({ width: 390, height: 760 });
    await shot(page, 'chats-phone');
  } finally {
    await browser.close();
  }
});
