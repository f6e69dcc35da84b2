// A private network namespace for the call test (issue 16: "in a private network namespace so no candidate
// leaves loopback"): the test process and its Chromiums run in a fresh namespace whose only interface is `lo`,
// and still reach the local stack at the same 127.0.0.1:<port> URLs through path-based UNIX sockets, which
// live in the file system and so cross network namespaces (docs/web-client.md, "Calls in a private network").
//
//   host namespace                                    | private namespace (only lo)
//   127.0.0.1:<port> (stack) <- node bridge <- <dir>/<port>.sock <- node bridge <- 127.0.0.1:<port> <- test, Chromium
//
// TCP only: nothing carries UDP across, so media can only take TURN over TCP to the bridged TURN port, and
// everything the browsers can announce is an address inside the namespace (loopback) or coturn's relay address.
//
// Usage (run.mjs does this for calls.test.mjs):
//   node browser-tests/netns.mjs --ports 5173,8180,3478 -- <command> [args…]
// The command sees PRIVATE_NETWORK_ENV=<socket dir> and HOST_NETNS_ENV=<the host's net namespace id>.
// Needs `unshare --net` (util-linux; root or CAP_SYS_ADMIN, or unprivileged user namespaces) and `ip` (iproute2).
import { createServer, connect } from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PRIVATE_NETWORK_ENV = 'SC_PRIVATE_NETWORK';
export const HOST_NETNS_ENV = 'SC_HOST_NETNS';

/** The stack's TCP ports a call test needs: the app (and its /api forwarder), Keycloak, coturn's TURN port. */
export function callTestPorts(env = process.env) {
  const port = (url, fallback) => Number(new URL(url || fallback).port);
  return [
    port(env.WEB_APP_URL, 'http://127.0.0.1:5173'),
    port(env.KEYCLOAK_URL, 'http://127.0.0.1:8180'),
    Number(env.TURN_PORT || 3478),
  ];
}

/** Copies bytes both ways; an error on one side ends the other (a normal end is passed on by pipe). */
function splice(a, b) {
  a.pipe(b);
  b.pipe(a);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
}

function listen(server, ...where) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(...where, () => { server.off('error', reject); resolve(server); });
  });
}

const sockPath = (dir, port) => join(dir, `${port}.sock`);

/**
 * Why `unshare --net` cannot be used here, or null if it can. Tries plain (root / CAP_SYS_ADMIN), then with a
 * user namespace (`-r`, for a non-root user where unprivileged user namespaces are enabled).
 */
export function unshareFlags() {
  const plain = spawnSync('unshare', ['--net', 'true'], { encoding: 'utf8' });
  if (plain.error?.code === 'ENOENT') {
    return { error: '`unshare` (util-linux) is not installed: apt-get install util-linux' };
  }
  if (plain.status === 0) return { flags: ['--net'] };
  const user = spawnSync('unshare', ['--net', '--map-root-user', 'true'], { encoding: 'utf8' });
  if (user.status === 0) return { flags: ['--net', '--map-root-user'] };
  return {
    error: `\`unshare --net\` is not permitted for this user (uid ${process.getuid?.()}): ${(plain.stderr || '').trim()}` +
      ` — creating a network namespace needs root or CAP_SYS_ADMIN (or unprivileged user namespaces for` +
      ` \`unshare --net --map-root-user\`, which failed too: ${(user.stderr || '').trim()}). Run the browser tests` +
      ' as root (the build does), e.g. `sudo node browser-tests/run.mjs calls`, or give the container CAP_SYS_ADMIN.',
  };
}

/** Host side: UNIX socket listeners that connect to the stack's 127.0.0.1 ports; then the command in a new namespace. */
async function host(ports, command) {
  const { flags, error } = unshareFlags();
  if (error) {
    console.error(`netns.mjs: cannot run ${command.join(' ')} in a private network namespace: ${error}`);
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sc-netns-'));
  const servers = [];
  try {
    for (const port of ports) {
      const server = createServer((inside) => splice(inside, connect({ host: '127.0.0.1', port })));
      servers.push(await listen(server, sockPath(dir, port)));
    }
    const child = spawn('unshare', [...flags, '--', process.execPath, fileURLToPath(import.meta.url),
      '--inside', dir, '--ports', ports.join(','), '--', ...command], {
      stdio: 'inherit',
      env: { ...process.env, [HOST_NETNS_ENV]: readlinkSync('/proc/self/ns/net') },
    });
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
    return await new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } finally {
    for (const s of servers) s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Inside the new namespace: lo up, 127.0.0.1:<port> listeners that connect to the host side's sockets; the command. */
async function inside(dir, ports, command) {
  // A fresh namespace has lo, but down.
  const up = spawnSync('ip', ['link', 'set', 'lo', 'up'], { encoding: 'utf8' });
  if (up.status !== 0) {
    console.error(`netns.mjs: could not bring lo up in the private namespace (ip link set lo up): ${up.error?.message || up.stderr}` +
      (up.error?.code === 'ENOENT' ? ' — install iproute2' : ''));
    return 2;
  }
  for (const port of ports) {
    const server = createServer((local) => splice(local, connect({ path: sockPath(dir, port) })));
    await listen(server, port, '127.0.0.1');
    server.unref();
  }
  const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, [PRIVATE_NETWORK_ENV]: dir } });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dash = args.indexOf('--');
  const opts = dash < 0 ? args : args.slice(0, dash);
  const command = dash < 0 ? [] : args.slice(dash + 1);
  const value = (name) => { const i = opts.indexOf(name); return i < 0 ? undefined : opts[i + 1]; };
  const ports = (value('--ports') || '').split(',').filter(Boolean).map(Number);
  if (command.length === 0 || ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535)) {
    console.error('usage: node netns.mjs --ports <port>[,<port>…] -- <command> [args…]');
    process.exit(2);
  }
  const dir = value('--inside');
  process.exit(await (dir ? inside(dir, ports, command) : host(ports, command)));
}
