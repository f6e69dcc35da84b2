// Issue 16 item 5, interop with the Java SDK: a 50 MiB file goes browser → CLI (clients/cli) byte-identical,
// charged once to the browser user; and a file sent by the CLI opens in the browser. Both sides pad
// attachments the same way (docs/protocol-crypto.md §7), so each refuses the other's blob if they did not.
import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SLOW, MIB, CLI_JAR, launch, newPerson, onboard, check, sha256, ledger, fileCharges, sendFile, sc, cliPerson } from './lib.mjs';

test('files: 50 MiB browser → CLI byte-identical and charged once; CLI → browser', { skip: !existsSync(CLI_JAR) && 'clients/cli is not built' }, async () => {
  const browser = await launch();
  const home = mkdtempSync(join(tmpdir(), 'sc-cli-files-'));
  try {
    const cli = await cliPerson(browser, home, { topUp: true });
    const web = newPerson();
    const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 }, acceptDownloads: true });
    const w = await onboard(ctx, web);
    await w.locator('#find').fill(cli.handle);
    await w.getByRole('button', { name: 'Chat', exact: true }).click();
    await w.getByTestId('conversation-title').waitFor({ timeout: SLOW });

    const big = join(home, 'dataset.bin');
    const bytes = randomBytes(50 * MIB);
    writeFileSync(big, bytes);
    const upMs = await sendFile(w, big, 'dataset.bin');

    // The CLI receives the pointer, then downloads, checks and decrypts with the Java SDK.
    let r = sc(home, cli, ['listen', '--for', '10']);
    check(r.code === 0, `sc listen: ${r.code} ${r.err}`);
    const received = r.out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
      .find((m) => m.attachments?.some((a) => a.fileName === 'dataset.bin'));
    check(received && received.attachments[0].size === 50 * MIB, `the CLI got the file's pointer: ${r.out}`);
    const out = join(home, 'received');
    const t0 = Date.now();
    r = sc(home, cli, ['fetch-file', received.id, '--out', out]);
    const downMs = Date.now() - t0;
    check(r.code === 0, `sc fetch-file: ${r.code} ${r.err}`);
    check(sha256(readFileSync(join(out, 'dataset.bin'))) === sha256(bytes), 'byte-identical at the CLI');
    console.log(`50 MiB browser → CLI: encrypt+upload ${upMs} ms, sc fetch-file ${downMs} ms`);

    await w.getByTestId('balance').filter({ hasText: /^96$/ }).waitFor({ timeout: SLOW });
    const charges = fileCharges(await ledger(w));
    check(charges.length === 1 && charges[0].amount === -3, `one FILE_TRANSFER charge of 3: ${JSON.stringify(charges)}`);

    // CLI → browser: the Java SDK's padded blob opens in the browser, byte-identical.
    const note = join(home, 'note.txt');
    const noteBytes = Buffer.from('from the terminal, padded by the Java SDK\n'.repeat(40));
    writeFileSync(note, noteBytes);
    r = sc(home, cli, ['send-file', web.handle, note]);
    check(r.code === 0, `sc send-file: ${r.code} ${r.err}`);
    const card = w.getByTestId('file').filter({ hasText: 'note.txt' });
    await card.waitFor({ timeout: SLOW });
    const [download] = await Promise.all([w.waitForEvent('download', { timeout: SLOW }), card.getByRole('button', { name: 'Download note.txt' }).click()]);
    check(sha256(readFileSync(await download.path())) === sha256(noteBytes), 'byte-identical in the browser');
  } finally {
    await browser.close();
    rmSync(home, { recursive: true, force: true });
  }
});
