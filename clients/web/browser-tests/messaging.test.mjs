// Issue 16 item 3 in real Chromium: two browser users exchange 20 messages each way, the first 10 while the
// recipient is offline (queued at the relay, delivered on connect); every message charged once to its sender.
import { test } from 'node:test';
import { APP, SLOW, launch, shot, newPerson, onboard, sendMessage, texts, check } from './lib.mjs';

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
  } finally {
    await browser.close();
  }
});
