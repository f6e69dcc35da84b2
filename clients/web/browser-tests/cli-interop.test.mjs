// Interop with the Java SDK (issue 16, "Done when"): a browser user and a terminal-client (clients/cli, the Java
// SDK) user exchange messages in both directions through the relay. The CLI user is a person signed up through
// the browser too (so the test knows the TOTP secret), then logged in by `sc login` with password + code.
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP, SLOW, launch, shot, newPerson, onboard, signUp, sendMessage, freshCode, check } from './lib.mjs';

const SC = new URL('../../cli/sc', import.meta.url).pathname;
const CLI_JAR = new URL('../../cli/target/secureconnect-cli.jar', import.meta.url).pathname;

function sc(home, person, args, extraEnv = {}) {
  const r = spawnSync(SC, ['--profile', 'p', '--json', ...args], {
    env: { ...process.env, SC_HOME: home, SC_PASSPHRASE: person.passphrase, SC_PASSWORD: person.password, ...extraEnv },
    encoding: 'utf8', timeout: 120_000,
  });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
}

test('browser ↔ CLI (Java SDK): messages in both directions', { skip: !existsSync(CLI_JAR) && 'clients/cli is not built' }, async () => {
  const browser = await launch();
  const home = mkdtempSync(join(tmpdir(), 'sc-cli-interop-'));
  try {
    const web = newPerson(), cli = newPerson();
    const ctxW = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const w = await onboard(ctxW, web);

    // The CLI person: account made through Keycloak's registration in a browser, credits from the sandbox.
    const ctxC = await browser.newContext();
    const c = await ctxC.newPage();
    await c.goto(APP);
    await signUp(c, cli);
    await c.getByRole('button', { name: 'Wallet', exact: true }).click();
    const [checkout] = await Promise.all([ctxC.waitForEvent('page'), c.getByTestId('buy-small').click()]);
    await checkout.locator('#pay').click();
    await checkout.locator('#status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: SLOW });
    await c.getByTestId('balance').filter({ hasText: /^100$/ }).waitFor({ timeout: SLOW });
    await ctxC.close();

    let r = sc(home, cli, ['login', '-u', cli.login], { SC_TOTP: await freshCode(cli) });
    check(r.code === 0, `sc login: ${r.code} ${r.err}`);
    r = sc(home, cli, ['register-device', '--claim-username', cli.handle]);
    check(r.code === 0, `sc register-device: ${r.code} ${r.err}`);

    // Browser → CLI.
    await w.locator('#find').fill(cli.handle);
    await w.getByRole('button', { name: 'Chat', exact: true }).click();
    await w.getByTestId('conversation-title').waitFor({ timeout: SLOW });
    await sendMessage(w, 'from the browser to the terminal');
    r = sc(home, cli, ['listen', '--for', '10']);
    check(r.code === 0, `sc listen: ${r.code} ${r.err}`);
    check(r.out.includes('from the browser to the terminal'), `the CLI read the browser's message: ${r.out}`);

    // CLI → browser.
    r = sc(home, cli, ['send', web.handle, 'from the terminal to the browser']);
    check(r.code === 0, `sc send: ${r.code} ${r.err}`);
    await w.locator('li.msg.in .text', { hasText: 'from the terminal to the browser' }).waitFor({ timeout: SLOW });
    await shot(w, 'conversation-with-cli');
  } finally {
    await browser.close();
    rmSync(home, { recursive: true, force: true });
  }
});
