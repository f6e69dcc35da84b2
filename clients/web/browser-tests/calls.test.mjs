// Issue 16 item 6 in real Chromium: voice calls between browsers through the stack's relay and its coturn.
// Fake microphones (Chromium's fake capture device). This process and its Chromiums run in a private network
// namespace whose only interface is lo (run.mjs starts it through netns.mjs; the app, Keycloak and coturn's TURN
// port are bridged in over UNIX sockets, TCP only), so no ICE candidate can leave loopback: checked below on the
// namespace itself, on every candidate Chromium gathered or was sent (getStats: relay over TCP, on 127.0.0.1
// only) and on the selected pair. Two calls at once, to keep the stage short:
//   A. Alice (100 credits) calls Bob (0 credits) and they talk past the start of minute 2: Alice pays exactly
//      2 × CALL_MINUTE, Bob nothing; audio flows both ways, also after the TURN credentials were renewed.
//   B. Carol cannot pay minute 2: her call with Dave is cut at the start of minute 2, on both sides, and both
//      screens say why.
import { test } from 'node:test';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { PRIVATE_NETWORK_ENV, HOST_NETNS_ENV } from './netns.mjs';
import { APP, CHROMIUM, SLOW, shot, newPerson, onboard, check, ledger } from './lib.mjs';
import { totp, currentStep } from './totp.mjs';

/** Minutes are 60 s at the relay (RELAY_CALLS_MINUTE); waits below are bounds, never expectations. */
const CALL_BOUND = 4 * 60_000;

async function launchWithFakeMedia() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required',
      // Chromium leaves loopback out of ICE by default; TURN on 127.0.0.1 is all this test has.
      '--allow-loopback-in-peer-connection'],
  });
}

// ---- the private network namespace (netns.mjs) ----

/** Interface names of this process's network namespace (/proc/self/net is per namespace, /sys/class/net is not). */
function interfaces() {
  return readFileSync('/proc/self/net/dev', 'utf8').split('\n').slice(2).filter((l) => l.includes(':')).map((l) => l.split(':')[0].trim());
}

function assertPrivateNetwork() {
  check(process.env[PRIVATE_NETWORK_ENV], 'calls.test.mjs runs in a private network namespace: start it with '
    + '`node browser-tests/run.mjs calls` (which runs it through browser-tests/netns.mjs), not with node --test directly');
  const ours = readlinkSync('/proc/self/ns/net');
  check(ours !== process.env[HOST_NETNS_ENV], `this process is in a network namespace of its own (${ours}), not the host's`);
  const names = interfaces();
  check(names.length === 1 && names[0] === 'lo', `the namespace's only interface is lo: ${names.join(', ')}`);
  return ours;
}

/** Chromium processes below this one (the browser and its renderer/network/utility children) and their namespaces. */
function chromiumNamespaces() {
  const parent = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone meanwhile */ }
  }
  const below = (pid) => { for (let p = parent.get(pid); p; p = parent.get(p)) if (p === process.pid) return true; return false; };
  const out = [];
  for (const pid of parent.keys()) {
    if (!below(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0].includes('chromium')) continue;
      out.push({ pid, netns: readlinkSync(`/proc/${pid}/ns/net`) });
    } catch { /* gone meanwhile */ }
  }
  return out;
}

/** Keeps every RTCPeerConnection the app makes, so the test can read its candidates (getStats) without app hooks. */
const RECORD_PEER_CONNECTIONS = () => {
  const Native = window.RTCPeerConnection;
  window.__scPeerConnections = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__scPeerConnections.push(this); }
  };
};

/** Local and remote ICE candidates of the page's open peer connections, from getStats(). */
async function iceCandidates(page) {
  return page.evaluate(async () => {
    const out = [];
    for (const pc of window.__scPeerConnections ?? []) {
      if (pc.signalingState === 'closed') continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'local-candidate' || s.type === 'remote-candidate') {
          out.push({ type: s.type, candidateType: s.candidateType, address: s.address, port: s.port, protocol: s.protocol, relayProtocol: s.relayProtocol });
        }
      });
    }
    return out;
  });
}

const loopback = (address) => /^127\./.test(address ?? '') || address === '::1';

/**
 * Every candidate this side gathered is a TURN relay candidate allocated over TCP (the only way out of the
 * namespace) with a loopback relay address, and every candidate the peer sent is a loopback relay candidate:
 * no host or server-reflexive candidate, no other address.
 */
async function assertLoopbackRelayOnly(who, page) {
  const all = await iceCandidates(page);
  const local = all.filter((c) => c.type === 'local-candidate');
  const remote = all.filter((c) => c.type === 'remote-candidate');
  check(local.length > 0 && remote.length > 0, `${who} has local and remote candidates: ${JSON.stringify(all)}`);
  check(local.every((c) => c.candidateType === 'relay' && c.relayProtocol === 'tcp' && loopback(c.address)),
    `${who}'s local candidates are TURN-over-TCP relay candidates on loopback only: ${JSON.stringify(local)}`);
  check(remote.every((c) => c.candidateType === 'relay' && loopback(c.address)),
    `${who}'s remote candidates are relay candidates on loopback only: ${JSON.stringify(remote)}`);
}

// ---- the wallet's admin API, to give a caller an exact balance (the realm's dev-only e2e-admin user) ----

const TOKEN_URL = `${process.env.KEYCLOAK_URL || 'http://127.0.0.1:8180'}/realms/secureconnect/protocol/openid-connect/token`;
const ADMIN = { user: 'e2e-admin', password: 'e2e-admin-dev-only-pw', totp: 'DXKOAA5ODAURS6DPQZMNY7FBQG7HMU6F' };

async function adminToken() {
  // A code can be used once per 30 s step (another test may just have used this one): then the next step.
  for (let attempt = 0; attempt < 3; attempt++) {
    const step = currentStep();
    const r = await fetch(TOKEN_URL, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'secureconnect-cli', username: ADMIN.user,
        password: ADMIN.password, totp: totp(ADMIN.totp, step), scope: 'openid' }),
    });
    if (r.ok) return (await r.json()).access_token;
    while (currentStep() === step) await new Promise((res) => setTimeout(res, 1000));
  }
  throw new Error('no admin token for the wallet adjustments');
}

async function accountId(page) {
  return page.evaluate(async () => {
    const { accessToken } = JSON.parse(sessionStorage.getItem('sc.tokens'));
    const r = await fetch('/api/identity/v1/accounts/me', { headers: { Authorization: `Bearer ${accessToken}` } });
    return (await r.json()).accountId;
  });
}

async function give(token, page, credits) {
  const r = await fetch(`${APP}/api/wallet/admin/wallets/${encodeURIComponent(await accountId(page))}/adjustments`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
    body: JSON.stringify({ credits, reason: 'browser test calls.test.mjs' }),
  });
  check(r.status === 201, `adjustment: HTTP ${r.status} ${await r.text()}`);
  await page.getByTestId('balance').filter({ hasText: new RegExp(`^${credits}$`) }).waitFor({ timeout: SLOW });
}

// ---- call helpers ----

async function callFromConversation(page, handle, minutePrice) {
  await page.locator('#find').fill(handle);
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await page.getByTestId('conversation-title').filter({ hasText: `@${handle}` }).waitFor({ timeout: SLOW });
  const price = await page.getByTestId('call-price').innerText();
  check(price.includes(`${minutePrice} credits per started minute`), `price per minute shown before calling: ${price}`);
  await page.getByTestId('call-button').click();
  await page.getByTestId('call-panel').and(page.locator('[data-phase=calling], [data-phase=connecting], [data-phase=connected]')).waitFor();
}

/** Waits until this side has received more than `over` bytes of the peer's audio (stats of the connection). */
async function audioReceived(page, over = 0) {
  const media = page.getByTestId('call-media');
  await media.waitFor({ timeout: SLOW });
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=call-media]')?.getAttribute('data-bytes')) > n, over,
    { timeout: SLOW, polling: 500 });
  return Number(await media.getAttribute('data-bytes'));
}

async function routeOf(page) {
  const text = await page.getByTestId('call-media').innerText();
  return /route: (.*)$/.exec(text)?.[1] ?? '';
}

const minuteCharges = (entries) => entries.filter((e) => e.kind === 'USAGE' && e.usage?.kind === 'CALL_MINUTE');

// ---- the test ----

let failureReport;

test('calls: charged per started minute to the caller only, cut on both sides when a minute cannot be paid', async () => {
  const namespace = assertPrivateNetwork();
  const browser = await launchWithFakeMedia();
  try {
    const chromiums = chromiumNamespaces();
    check(chromiums.length > 0 && chromiums.every((c) => c.netns === namespace),
      `every Chromium process runs in the private namespace ${namespace}: ${JSON.stringify(chromiums)}`);
    const pricing = await (await fetch(`${APP}/api/wallet/pricing`)).json();
    const minute = pricing.prices.CALL_MINUTE;
    check(Number.isInteger(minute) && minute > 0, `CALL_MINUTE price: ${minute}`);
    const token = await adminToken();
    const people = [newPerson(), newPerson(), newPerson(), newPerson()];
    const [alice, bob, carol, dave] = people;
    const contexts = await Promise.all(people.map(() => browser.newContext({ viewport: { width: 1100, height: 800 }, permissions: ['microphone'] })));
    await Promise.all(contexts.map((ctx) => ctx.addInitScript(RECORD_PEER_CONNECTIONS)));
    const [a, b, c, d] = await Promise.all(people.map((p, i) => onboard(contexts[i], p, { topUp: false })));
    const consoles = new Map();
    for (const [name, page] of [['alice', a], ['bob', b], ['carol', c], ['dave', d]]) {
      consoles.set(name, []);
      page.on('console', (m) => consoles.get(name).push(`${m.type()}: ${m.text()}`));
    }
    failureReport = async () => {
      for (const [name, page] of [['alice', a], ['bob', b], ['carol', c], ['dave', d]]) {
        const panel = await page.getByTestId('call-panel').innerText({ timeout: 1000 }).catch(() => '(no call panel)');
        console.log(`--- ${name}: ${panel.replace(/\n/g, ' | ')}\n${consoles.get(name).slice(-15).join('\n')}`);
        await shot(page, `failed-call-${name}`).catch(() => undefined);
      }
    };
    await give(token, a, 100);
    // Two minutes' worth: while a call runs the relay carries the caller's signalling only if the next minute
    // could still be paid (docs/relay.md, Calls), so Carol spends below one minute only once connected.
    await give(token, c, 2 * minute);

    const paidCall = async () => {
      await callFromConversation(a, bob.handle, minute);
      // Bob rings wherever he is in the app; he pays nothing and is told so.
      const incoming = b.getByTestId('incoming-call');
      await incoming.waitFor({ timeout: SLOW });
      check((await incoming.innerText()).includes('Free for you'), 'the callee is told the caller pays');
      await shot(b, 'call-incoming');
      await incoming.getByRole('button', { name: 'Answer' }).click();
      await a.locator('[data-testid=call-panel][data-phase=connected]').waitFor({ timeout: SLOW });
      await b.locator('[data-testid=call-panel][data-phase=connected]').waitFor({ timeout: SLOW });
      // Media, not just signalling: audio bytes arrive on both sides, over TURN on loopback only.
      await Promise.all([audioReceived(a), audioReceived(b)]);
      for (const [who, page] of [['Alice', a], ['Bob', b]]) {
        const route = await routeOf(page);
        check(/^relay 127\.0\.0\.1 → relay 127\.0\.0\.1$/.test(route), `${who}'s media goes through the TURN relay on loopback: ${route}`);
        await assertLoopbackRelayOnly(who, page);
      }
      // Minute 2 starts 60 s after the answer: the relay charges it and sends new TURN credentials.
      await a.getByTestId('call-cost').filter({ hasText: `2 started minutes · ${2 * minute} credits` }).waitFor({ timeout: CALL_BOUND });
      // Audio still flows on both sides after the credentials were renewed.
      const [ra, rb] = [Number(await a.getByTestId('call-media').getAttribute('data-bytes')), Number(await b.getByTestId('call-media').getAttribute('data-bytes'))];
      await Promise.all([audioReceived(a, ra + 4096), audioReceived(b, rb + 4096)]);
      // Allocations made with the renewed credentials are no different.
      await assertLoopbackRelayOnly('Alice after the renewal', a);
      await assertLoopbackRelayOnly('Bob after the renewal', b);
      check(/^\d+:\d\d$/.test(await a.getByTestId('call-duration').innerText()), 'duration shown');
      check((await b.getByTestId('call-cost').innerText()).includes('Free for you'), 'the callee sees no cost');
      await shot(a, 'call');
      await a.getByRole('button', { name: 'Hang up' }).click();
      await a.getByTestId('call-ended').filter({ hasText: 'You hung up.' }).waitFor();
      await b.getByTestId('call-ended').and(b.locator('[data-reason=HANGUP], [data-reason=hangup]')).waitFor({ timeout: SLOW });
      // The caller paid exactly the two started minutes; the callee nothing.
      await a.getByTestId('balance').filter({ hasText: new RegExp(`^${100 - 2 * minute}$`) }).waitFor({ timeout: SLOW });
      const charges = minuteCharges(await ledger(a));
      check(charges.length === 2 && charges.every((e) => e.amount === -minute), `Alice's ledger: two CALL_MINUTE entries of -${minute}: ${JSON.stringify(charges)}`);
      check(minuteCharges(await ledger(b)).length === 0, 'Bob was charged nothing');
      check((await b.getByTestId('balance').innerText()) === '0', 'Bob\'s balance is still 0');
    };

    const cutCall = async () => {
      await callFromConversation(c, dave.handle, minute);
      const incoming = d.getByTestId('incoming-call');
      await incoming.waitFor({ timeout: SLOW });
      await incoming.getByRole('button', { name: 'Answer' }).click();
      await c.locator('[data-testid=call-panel][data-phase=connected]').waitFor({ timeout: SLOW });
      await Promise.all([audioReceived(c), audioReceived(d)]);
      await assertLoopbackRelayOnly('Carol', c);
      await assertLoopbackRelayOnly('Dave', d);
      // During minute 1 (paid at the offer: minute left on the balance) Carol spends one credit on a message:
      // now minute 2 cannot be paid.
      await c.locator('#compose').fill('one message during the call');
      await c.locator('#compose').press('Enter');
      await c.getByTestId('balance').filter({ hasText: new RegExp(`^${minute - 1}$`) }).waitFor({ timeout: SLOW });
      // Minute 2 cannot be paid: the relay ends the call for both, and both screens say why.
      await c.locator('[data-testid=call-ended][data-reason=INSUFFICIENT_CREDITS]').waitFor({ timeout: CALL_BOUND });
      await d.locator('[data-testid=call-ended][data-reason=INSUFFICIENT_CREDITS]').waitFor({ timeout: SLOW });
      check((await c.getByTestId('call-ended').innerText()).includes('not enough credits — top up'), 'the caller is told to top up');
      check((await d.getByTestId('call-ended').innerText()).includes('the caller ran out of credits'), 'the callee is told why');
      check(await c.getByTestId('call-panel').getByRole('button', { name: 'Top up' }).isVisible(), 'a Top up button on the caller\'s side');
      await shot(c, 'call-ended-no-credits');
      // Exactly one minute was charged, and a new call cannot start at this balance.
      await c.getByTestId('balance').filter({ hasText: new RegExp(`^${minute - 1}$`) }).waitFor({ timeout: SLOW });
      const charges = minuteCharges(await ledger(c));
      check(charges.length === 1 && charges[0].amount === -minute, `Carol's ledger: one CALL_MINUTE entry: ${JSON.stringify(charges)}`);
      check(minuteCharges(await ledger(d)).length === 0, 'Dave was charged nothing');
      await c.getByTestId('call-panel').getByRole('button', { name: 'Close' }).click();
      await c.getByTestId('cannot-call').waitFor({ timeout: SLOW });
      check(await c.getByTestId('call-button').isDisabled(), 'the call button is disabled at a balance below one minute');
    };

    await Promise.all([paidCall(), cutCall()]);
  } catch (e) {
    await failureReport?.();
    throw e;
  } finally {
    await browser.close();
  }
});
