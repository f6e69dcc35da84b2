// Issue 16 item 5 in real Chromium against the local stack: a 50 MiB file goes browser → browser byte-identical
// (SHA-256 of what the recipient saved), charged once to the sender (one FILE_TRANSFER ledger entry of −3 per
// file, the recipient pays nothing); an image is previewed; a blob altered on its way from the object store is
// refused in the UI and nothing is saved; a sender who cannot pay sees the file action disabled with "Top up".
// Durations of the 50 MiB upload and download are printed (not asserted).
import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SLOW, MIB, launch, shot, newPerson, onboard, check, sha256, ledger, fileCharges, sendFile } from './lib.mjs';

const S3 = process.env.WEB_S3_ORIGIN || 'http://127.0.0.1:8333';

test('files: 50 MiB browser → browser, byte-identical, charged once; image preview; altered blob refused', async () => {
  const browser = await launch();
  const dir = mkdtempSync(join(tmpdir(), 'sc-files-'));
  try {
    const alice = newPerson(), bob = newPerson();
    const ctxA = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const ctxB = await browser.newContext({ viewport: { width: 1100, height: 800 }, acceptDownloads: true });
    const a = await onboard(ctxA, alice);
    const b = await onboard(ctxB, bob);

    const big = join(dir, 'holiday-video.bin');
    const bytes = randomBytes(50 * MIB);
    writeFileSync(big, bytes);
    const want = sha256(bytes);

    await a.locator('#find').fill(bob.handle);
    await a.getByRole('button', { name: 'Chat', exact: true }).click();
    await a.getByTestId('conversation-title').filter({ hasText: `@${bob.handle}` }).waitFor({ timeout: SLOW });
    await a.getByTestId('file-price').filter({ hasText: 'a file costs 3 credits + 1 for its message' }).waitFor();

    // The progress bar is on screen while the file is encrypted and uploaded.
    const before = await a.locator('li.msg.out').count();
    await a.locator('#file-input').setInputFiles(big);
    const cost = await a.getByTestId('file-cost').innerText();
    check(/costs 4 credits \(3 file transfer \+ 1 message\)/.test(cost), `price shown before sending: ${cost}`);
    await shot(a, 'file-picked');
    // Which path the upload took (one PUT, or media-service's multipart parts above its threshold): printed.
    const puts = [];
    a.on('request', (r) => { if (r.method() === 'PUT' && r.url().startsWith(S3)) puts.push(/[?&]partNumber=/.test(r.url()) ? 'part' : 'single'); });
    const t0 = Date.now();
    await a.getByTestId('send-file').click();
    await a.getByTestId('upload-progress').waitFor({ timeout: SLOW });
    await shot(a, 'file-uploading');
    await a.locator('li.msg.out').nth(before).and(a.locator('[data-status=sent], [data-status=delivered]')).waitFor({ timeout: 5 * SLOW });
    const upMs = Date.now() - t0;

    // Bob sees name and size, downloads and decrypts on click; the saved file is the same bytes.
    await b.locator('button.conv', { hasText: 'holiday-video.bin' }).click({ timeout: SLOW });
    // Bob never looked Alice up: her name comes from the `from` claim in the encrypted content, shown only after
    // identity-service's forward lookup said it is her account (protocol-crypto.md §5.3).
    await b.getByTestId('conversation-title').filter({ hasText: `@${alice.handle}` }).waitFor({ timeout: SLOW });
    const card = b.getByTestId('file').filter({ hasText: 'holiday-video.bin' });
    await card.getByTestId('file-size').filter({ hasText: '50.0 MiB' }).waitFor({ timeout: SLOW });
    const t1 = Date.now();
    const [download] = await Promise.all([b.waitForEvent('download', { timeout: 5 * SLOW }), card.getByRole('button', { name: 'Download holiday-video.bin' }).click()]);
    check(download.suggestedFilename() === 'holiday-video.bin', `saved under its name: ${download.suggestedFilename()}`);
    const got = sha256(readFileSync(await download.path()));
    const downMs = Date.now() - t1;
    check(got === want, `byte-identical: sha256 ${got} vs ${want}`);
    await card.getByTestId('file-verified').waitFor();
    console.log(`50 MiB browser → browser: encrypt+upload ${upMs} ms (PUTs to the store: ${puts.join(', ')}), download+decrypt+save ${downMs} ms`);
    check(puts.length > 0 && (puts.length === 1 || puts.every((p) => p === 'part')), `one PUT or only part PUTs: ${puts}`);

    // Charged once: one FILE_TRANSFER entry of −3 for Alice (and 1 for the message); Bob pays nothing to download.
    await a.getByTestId('balance').filter({ hasText: /^96$/ }).waitFor({ timeout: SLOW });
    const charges = fileCharges(await ledger(a));
    check(charges.length === 1 && charges[0].amount === -3, `one FILE_TRANSFER charge of 3: ${JSON.stringify(charges)}`);
    check(fileCharges(await ledger(b)).length === 0, 'the recipient is not charged');
    await b.getByTestId('balance').filter({ hasText: /^100$/ }).waitFor({ timeout: SLOW });

    // An image is shown after decryption.
    const png = join(dir, 'sunset.png');
    writeFileSync(png, await a.screenshot({ clip: { x: 0, y: 0, width: 320, height: 120 } })); // any real PNG
    await sendFile(a, png, 'sunset.png');
    const img = b.getByTestId('file').filter({ hasText: 'sunset.png' });
    await img.waitFor({ timeout: SLOW });
    await Promise.all([b.waitForEvent('download', { timeout: SLOW }), img.getByRole('button', { name: 'Download sunset.png' }).click()]);
    await img.getByTestId('file-preview').waitFor({ timeout: SLOW });
    check(await img.getByTestId('file-preview').evaluate((e) => e.complete && e.naturalWidth > 0), 'the preview decoded');

    // A compromised object store (or network) alters the blob: one flipped byte in what Bob's browser receives.
    const victim = join(dir, 'contract.pdf');
    writeFileSync(victim, randomBytes(200_000));
    await sendFile(a, victim, 'contract.pdf');
    await b.route(`${S3}/**`, async (route) => {
      const response = await route.fetch();
      const body = Buffer.from(await response.body());
      body[body.length >> 1] ^= 0x01;
      await route.fulfill({ response, body });
    });
    const bad = b.getByTestId('file').filter({ hasText: 'contract.pdf' });
    await bad.waitFor({ timeout: SLOW });
    let saved = false;
    b.on('download', () => { saved = true; });
    await bad.getByRole('button', { name: 'Download contract.pdf' }).click();
    const refusal = await bad.getByTestId('file-refused').innerText({ timeout: SLOW });
    check(/Refused: the file is not what the message says \(chunk \d+ does not authenticate/.test(refusal), `clear refusal: ${refusal}`);
    check((await bad.getByTestId('file-save').count()) === 0 && !saved, 'nothing was saved');
    await b.unroute(`${S3}/**`);
    await shot(b, 'file-transfer');
    await shot(a, 'file-sent');

    // Carol has no credits: the file action is disabled, with the way to top up.
    const carol = newPerson();
    const ctxC = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const c = await onboard(ctxC, carol, { topUp: false });
    await c.locator('#find').fill(alice.handle);
    await c.getByRole('button', { name: 'Chat', exact: true }).click();
    await c.getByTestId('cannot-send-file').waitFor({ timeout: SLOW });
    check(await c.getByTestId('attach-file').isDisabled(), 'attach disabled at zero balance');
    check(await c.locator('#file-input').isDisabled(), 'file input disabled at zero balance');
    await c.getByTestId('cannot-send-file').getByRole('button', { name: 'Top up' }).click();
    await c.getByTestId('buy-small').waitFor();
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
