// Issue 16 item 3 in real Chromium: two browser users exchange 20 messages each way, the first 10 while the
// recipient is offline (queued at the relay, delivered on connect); every message charged once to its sender.
import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { APP, SLOW, launch, shot, newPerson, onboard, sendMessage, texts, check, indexedDbRecords } from './lib.mjs';

/** A call to identity-service with the signed-in user's own token, from the page (what the app itself can do). */
async function identity(page, method, path, body) {
  return page.evaluate(async ({ method, path, body }) => {
    const { accessToken } = JSON.parse(sessionStorage.getItem('sc.tokens'));
    const headers = { Authorization: `Bearer ${accessToken}`, ...(body ? { 'Content-Type': 'application/json' } : {}) };
    const r = await fetch(`/api/identity${path}`, { method, headers, body: body && JSON.stringify(body) });
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  }, { method, path, body });
}

test('two browsers: 20 messages each way, the first 10 while the recipient is offline', async () => {
  const browser = await launch();
  try {
    const alice = newPerson(), bob = newPerson();
    const ctxA = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const ctxB = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const a = await onboard(ctxA, alice);
    const b = await onboard(ctxB, bob);

    // Bob goes offline (his tab leaves the app: no relay connection).
    await b.goto('about:blank');

    await a.locator('#find').fill(bob.handle);
    await a.getByRole('button', { name: 'Chat', exact: true }).click();
    await a.getByTestId('conversation-title').filter({ hasText: `@${bob.handle}` }).waitFor({ timeout: SLOW });
    const fromAlice = Array.from({ length: 20 }, (_, i) => `alice → bob ${i + 1}`);
    for (const t of fromAlice.slice(0, 10)) await sendMessage(a, t);

    // Bob comes back: unlock, and the queue is drained in order.
    await b.goto(APP);
    await b.getByRole('heading', { name: 'Unlock' }).waitFor({ timeout: SLOW });
    await b.getByLabel('Passphrase', { exact: true }).fill(bob.passphrase);
    await b.getByRole('button', { name: 'Unlock' }).click();
    await b.locator('button.conv').first().click({ timeout: SLOW });
    await b.locator('li.msg.in').nth(9).waitFor({ timeout: SLOW });
    check(JSON.stringify(await texts(b, 'in')) === JSON.stringify(fromAlice.slice(0, 10)), 'the 10 queued messages, in order');

    // Live, both ways.
    const fromBob = Array.from({ length: 20 }, (_, i) => `bob → alice ${i + 1}`);
    for (let i = 0; i < 10; i++) {
      await sendMessage(a, fromAlice[10 + i]);
      await sendMessage(b, fromBob[i]);
    }
    for (const t of fromBob.slice(10)) await sendMessage(b, t);
    await b.locator('li.msg.in').nth(19).waitFor({ timeout: SLOW });
    await a.locator('li.msg.in').nth(19).waitFor({ timeout: SLOW });
    check(JSON.stringify(await texts(b, 'in')) === JSON.stringify(fromAlice), 'Bob read all 20 of Alice\'s, in order');
    check(JSON.stringify(await texts(a, 'in')) === JSON.stringify(fromBob), 'Alice read all 20 of Bob\'s, in order');

    // Each sender paid 1 credit per message, once: 100 - 20.
    await a.getByTestId('balance').filter({ hasText: /^80$/ }).waitFor({ timeout: SLOW });
    await b.getByTestId('balance').filter({ hasText: /^80$/ }).waitFor({ timeout: SLOW });
    await shot(a, 'conversation');

    // At rest, the browser holds only ciphertext: no message text and no private key in any IndexedDB record.
    for (const page of [a, b]) {
      const records = await indexedDbRecords(page);
      const names = records.map((r) => r.name);
      check(names.includes('history.bin') && names.includes('device.bin') && names.some((n) => n.startsWith('sessions/')),
        `history, device and sessions are stored: ${names}`);
      for (const r of records) {
        check(!r.text.includes('alice → bob') && !r.text.includes('bob → alice'),
          `no message text in ${r.name}`);
        check(!r.text.includes('identitySeed') && !r.text.includes('privateKey'), `no key material in the clear in ${r.name}`);
        if (r.name !== 'profile.json') check(r.text.startsWith('SCS1'), `${r.name} is an encrypted record`);
      }
    }

    // Key maintenance (item 2, src/device/maintenance.ts) against the real identity-service. Alice's X25519
    // one-time prekeys on the server are replaced by 5 her device has no private key for (an upload replaces the
    // unclaimed keys of its kind: as if they had been drained to 5, and a claim of one of these would be a session
    // she cannot read). At her next unlock the app sees fewer than 20 and uploads 100 new ones; Carol's new session
    // below claims one of them (the count drops to 99) and Alice reads it.
    const me = (await identity(a, 'GET', '/v1/accounts/me')).body;
    const keysPath = `/v1/accounts/${me.accountId}/devices/${me.devices[0]}/keys`;
    // Bob's first send fetched Alice's bundle too, so the ML-KEM-768 kind holds 99 now: not low, left alone.
    const kemBefore = (await identity(a, 'GET', keysPath)).body.kemOneTimePrekeys;
    const foreign = Array.from({ length: 5 }, (_, i) => ({ keyId: 900_001 + i, publicKey: randomBytes(32).toString('base64') }));
    const put = await identity(a, 'PUT', keysPath, { oneTimePrekeys: foreign });
    check(put.status === 204, `replacing the one-time keys: ${put.status} ${JSON.stringify(put.body)}`);
    check((await identity(a, 'GET', keysPath)).body.oneTimePrekeys === 5, 'the server holds 5 one-time X25519 keys');
    await a.reload();
    await a.getByRole('heading', { name: 'Unlock' }).waitFor({ timeout: SLOW });
    await a.getByLabel('Passphrase', { exact: true }).fill(alice.passphrase);
    await a.getByRole('button', { name: 'Unlock' }).click();
    await a.getByTestId('device').waitFor({ timeout: SLOW });
    let counts;
    for (let i = 0; i < 120; i++) { // the upload runs in the background after the unlock
      counts = (await identity(a, 'GET', keysPath)).body;
      if (counts.oneTimePrekeys === 100) break;
      await a.waitForTimeout(250);
    }
    check(counts.oneTimePrekeys === 100 && counts.kemOneTimePrekeys === kemBefore, `X25519 topped up to 100 at unlock, ML-KEM left at ${kemBefore}: ${JSON.stringify(counts)}`);

    // Carol has no credits: sending to Alice is refused in the UI with the way to top up; after a top-up it works.
    const carol = newPerson();
    const ctxC = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const c = await onboard(ctxC, carol, { topUp: false });
    await c.locator('#find').fill(alice.handle);
    await c.getByRole('button', { name: 'Chat', exact: true }).click();
    await c.getByTestId('conversation-title').waitFor({ timeout: SLOW });
    await c.getByTestId('cannot-send').waitFor({ timeout: SLOW });
    check(await c.locator('#compose').isDisabled(), 'compose disabled at zero balance');
    check(await c.getByRole('button', { name: 'Send', exact: true }).isDisabled(), 'Send disabled at zero balance');
    await shot(c, 'conversation-zero-balance');
    await c.getByTestId('cannot-send').getByRole('button', { name: 'Top up' }).click();
    const [checkout] = await Promise.all([ctxC.waitForEvent('page'), c.getByTestId('buy-small').click()]);
    await checkout.locator('#pay').click();
    await checkout.locator('#status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: SLOW });
    await checkout.close();
    await c.getByTestId('balance').filter({ hasText: /^100$/ }).waitFor({ timeout: SLOW });
    await c.getByRole('button', { name: 'Chats', exact: true }).click();
    await c.locator('button.conv').first().click();
    await sendMessage(c, 'carol after her top-up');
    await a.locator('button.conv', { hasText: 'carol after her top-up' }).click({ timeout: SLOW });
    await a.locator('li.msg.in .text', { hasText: 'carol after her top-up' }).waitFor({ timeout: SLOW });
    await c.getByTestId('balance').filter({ hasText: /^99$/ }).waitFor({ timeout: SLOW });
    const after = (await identity(a, 'GET', keysPath)).body;
    check(after.oneTimePrekeys === 99 && after.kemOneTimePrekeys === kemBefore - 1, `Carol's session used one new key of each kind: ${JSON.stringify(after)}`);
  } finally {
    await browser.close();
  }
});
